// Login, logout, me (S2): a browser session in an HttpOnly, SameSite=Strict cookie.
import { Type, type Static } from '@sinclair/typebox';
import type { FastifyPluginAsync } from 'fastify';
import { FACTORY_LOGIN } from '../auth/credential-rules.js';
import { randomSecret, sha256, SESSION_COOKIE, type Identity } from '../auth/identity.js';
import { HashGateBusy } from '../auth/hash-gate.js';
import { Lockout } from '../auth/lockout.js';
import { verifyUserPassword } from '../auth/passwords.js';
import { resolveSettings } from '../../site/settings.js';
import type { ApiContext } from '../context.js';
import { ApiError, unauthorized } from '../errors.js';
import { errors, OkSchema, RoleSchema } from '../schemas.js';

const LoginBody = Type.Object({
  login: Type.String({ minLength: 1, maxLength: 64 }),
  password: Type.String({ minLength: 1, maxLength: 128 }),
}, { additionalProperties: false });

export const MeSchema = Type.Object({
  login: Type.String(),
  role: RoleSchema,
  mustChangeCredentials: Type.Boolean({ description: 'the factory login: only PUT /api/users/me/credentials is allowed' }),
  via: Type.Union([Type.Literal('session'), Type.Literal('token')]),
  csrfToken: Type.Optional(Type.String({ description: 'send it back in the x-csrf-token header of every POST, PUT, PATCH and DELETE' })),
});

export const me = (identity: Identity): Static<typeof MeSchema> => ({
  login: identity.login, role: identity.role, mustChangeCredentials: identity.mustChange, via: identity.via,
  ...(identity.csrfToken ? { csrfToken: identity.csrfToken } : {}),
});

export function authRoutes(ctx: ApiContext): FastifyPluginAsync {
  return async (app) => {
    const settings = async () => resolveSettings(await ctx.store.settings.getAll());
    let limits = { attempts: 5, durationMs: 60_000 };
    const lockout = new Lockout(() => limits, ctx.now);

    app.post<{ Body: Static<typeof LoginBody> }>('/auth/login', {
      config: { access: 'public' },
      schema: {
        tags: ['auth'], summary: 'Log in; sets the session cookie',
        description: `Locked for a while after too many failures, per login and per client address (429). Password checks are bounded: when too many wait, 503 (or 429 for too many from one address) at once, with Retry-After. The factory login is ${FACTORY_LOGIN}/ADMIN.`,
        body: LoginBody, response: { 200: MeSchema, ...errors(400, 401, 429, 503) },
      },
    }, async (request, reply) => {
      const s = await settings();
      limits = { attempts: s.loginLockoutAttempts, durationMs: s.loginLockoutS * 1000 };
      const { login, password } = request.body;
      const loginKey = `login:${login.toLowerCase()}`;
      const addressKey = `ip:${request.ip}`;
      // Counted before the slow hash: parallel attempts cannot all get past the check.
      if (!lockout.attempt([loginKey, addressKey])) {
        const retryAfterS = Math.ceil(((lockout.lockedUntil([loginKey, addressKey]) ?? ctx.now()) - ctx.now()) / 1000);
        throw new ApiError(429, 'locked-out', `too many failed logins: try again in ${retryAfterS} s`, { retryAfterS });
      }
      const user = await ctx.store.users.get(login);
      let valid: boolean;
      try {
        // Through the hash gate, unknown logins alike (issue 14, row 3b); the address is its key.
        valid = await verifyUserPassword(password, user?.password_hash, addressKey);
      } catch (error) {
        if (error instanceof HashGateBusy) lockout.withdraw([loginKey, addressKey]); // never checked
        throw error;
      }
      if (!user || !valid) {
        ctx.log.warn(`failed login for "${login}" from ${request.ip}`, { action: 'login' });
        throw unauthorized('bad-credentials', 'wrong login or password');
      }
      lockout.succeed(loginKey, [addressKey]);
      const cookie = randomSecret();
      const at = ctx.now();
      const csrfToken = randomSecret(24);
      await ctx.store.users.deleteIdleSessions(at - s.sessionIdleTimeoutS * 1000);
      await ctx.store.users.insertSession({ id_hash: sha256(cookie), login: user.login, csrf_token: csrfToken, created_at: at, last_seen_at: at, remote_address: request.ip });
      void reply.setCookie(SESSION_COOKIE, cookie, { path: '/', httpOnly: true, sameSite: 'strict', secure: ctx.tls });
      return me({ login: user.login, role: user.role, mustChange: user.must_change === 1, via: 'session', csrfToken });
    });

    app.post('/auth/logout', {
      config: { access: 'authenticated' },
      schema: { tags: ['auth'], summary: 'Log out: ends this session', response: { 200: OkSchema, ...errors(401, 403) } },
    }, async (request, reply) => {
      if (request.identity?.sessionIdHash) await ctx.store.users.deleteSession(request.identity.sessionIdHash);
      void reply.clearCookie(SESSION_COOKIE, { path: '/' });
      return { ok: true as const };
    });

    app.get('/auth/me', {
      config: { access: 'authenticated' },
      schema: { tags: ['auth'], summary: 'Who is logged in, with the CSRF token of the session', response: { 200: MeSchema, ...errors(401) } },
    }, async (request) => me(request.identity as Identity));
  };
}
