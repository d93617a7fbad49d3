// API tokens for integrations (W1): a role each, shown once, revocable.
import { randomUUID } from 'node:crypto';
import { Type, type Static } from '@sinclair/typebox';
import type { FastifyPluginAsync } from 'fastify';
import { randomSecret, sha256, TOKEN_PREFIX, type Identity } from '../auth/identity.js';
import { audit } from '../audit.js';
import type { ApiContext } from '../context.js';
import { notFound } from '../errors.js';
import { errors, OkSchema, RoleSchema } from '../schemas.js';

const TokenSchema = Type.Object({
  id: Type.String(), name: Type.String(), role: RoleSchema, createdBy: Type.String(), createdAt: Type.Number(),
  lastUsedAt: Type.Union([Type.Number(), Type.Null()]), revokedAt: Type.Union([Type.Number(), Type.Null()]),
});
const NewTokenBody = Type.Object({
  name: Type.String({ minLength: 1, maxLength: 64 }),
  role: RoleSchema,
}, { additionalProperties: false });
const IdParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 64 }) });

export function tokensRoutes(ctx: ApiContext): FastifyPluginAsync {
  return async (app) => {
    const view = (t: { id: string; name: string; role: 'admin' | 'user'; created_by: string; created_at: number; last_used_at: number | null; revoked_at: number | null }) => ({
      id: t.id, name: t.name, role: t.role, createdBy: t.created_by, createdAt: t.created_at, lastUsedAt: t.last_used_at, revokedAt: t.revoked_at,
    });

    app.get('/tokens', {
      config: { access: 'admin' },
      schema: { tags: ['tokens'], summary: 'API tokens (their values are never shown again)', response: { 200: Type.Array(TokenSchema), ...errors(401, 403) } },
    }, async () => (await ctx.store.users.listTokens()).map(view));

    app.post<{ Body: Static<typeof NewTokenBody> }>('/tokens', {
      config: { access: 'admin' },
      schema: {
        tags: ['tokens'], summary: 'Creates a token; its value is in this answer only',
        description: 'Send it as `Authorization: Bearer <token>`. Token calls need no CSRF header.',
        body: NewTokenBody, response: { 201: Type.Composite([TokenSchema, Type.Object({ token: Type.String() })]), ...errors(400, 401, 403) },
      },
    }, async (request, reply) => {
      const token = `${TOKEN_PREFIX}${randomSecret()}`;
      const row = {
        id: randomUUID(), name: request.body.name, role: request.body.role, token_hash: sha256(token),
        created_by: (request.identity as Identity).login, created_at: ctx.now(), last_used_at: null, revoked_at: null,
      };
      await ctx.store.users.insertToken(row);
      await audit(ctx, request, 'token.create', row.id, { name: row.name, role: row.role });
      return reply.status(201).send({ ...view(row), token });
    });

    app.delete<{ Params: Static<typeof IdParams> }>('/tokens/:id', {
      config: { access: 'admin' },
      schema: { tags: ['tokens'], summary: 'Revokes a token at once', params: IdParams, response: { 200: OkSchema, ...errors(401, 403, 404) } },
    }, async (request) => {
      const token = await ctx.store.users.getToken(request.params.id);
      if (!token) throw notFound('token', request.params.id);
      if (token.revoked_at === null) await ctx.store.users.updateToken(token.id, { revoked_at: ctx.now() });
      await audit(ctx, request, 'token.revoke', token.id, { name: token.name });
      return { ok: true as const };
    });
  };
}
