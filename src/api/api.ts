// The REST API (W1): one Fastify plugin per resource under /api, its OpenAPI document at
// /api/docs, every route with an access rule enforced by the guard (S1), errors in one shape.
import cookie from '@fastify/cookie';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance } from 'fastify';
import { VERSION } from '../app/version.js';
import { installGuard, requireAccessRule } from './auth/guard.js';
import { installBodyLimits } from './body-limits.js';
import { CSRF_HEADER, SESSION_COOKIE } from './auth/identity.js';
import type { ApiContext } from './context.js';
import { errorHandler } from './errors.js';
import { RESOURCE_ROUTES } from './routes/index.js';
import { docsContentSecurityPolicy, registerSecurityHeaders } from './security-headers.js';
import { ErrorSchema } from './schemas.js';
import { registerWeb } from './web.js';

export async function registerApi(app: FastifyInstance, ctx: ApiContext): Promise<void> {
  app.addHook('onRoute', requireAccessRule);
  await registerSecurityHeaders(app, ctx.tls);
  await app.register(cookie);
  await app.register(swagger, {
    openapi: {
      info: { title: 'Fuseguard API', version: VERSION, description: `Log in with POST /api/auth/login (cookie ${SESSION_COOKIE}; send the csrfToken back in ${CSRF_HEADER} on every change) or send an API token as Authorization: Bearer.` },
      components: {
        securitySchemes: {
          session: { type: 'apiKey', in: 'cookie', name: SESSION_COOKIE },
          token: { type: 'http', scheme: 'bearer' },
        },
      },
      security: [{ session: [] }, { token: [] }],
    },
    // Each operation says who may call it, so that clients and the access test can read it, and
    // which body fields a user may send when the others are for admins.
    transform: ({ schema, url, route }) => ({
      schema: { ...schema, 'x-access': route.config?.access, ...(route.config?.userFields ? { 'x-user-fields': route.config.userFields } : {}) } as typeof schema,
      url,
    }),
  });
  await app.register(swaggerUi, { routePrefix: '/api/docs', transformStaticCSP: docsContentSecurityPolicy });
  app.addSchema(ErrorSchema);
  app.setErrorHandler(errorHandler);
  app.setNotFoundHandler((request, reply) => {
    void reply.status(404).send({ error: 'not-found', message: `no route ${request.method} ${request.url.split('?')[0]}` });
  });
  installBodyLimits(app);
  installGuard(app, ctx);
  for (const routes of RESOURCE_ROUTES) await app.register(routes(ctx), { prefix: '/api' });
  await registerWeb(app);
}
