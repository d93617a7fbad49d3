// Every route declares who may call it (config.access); this hook enforces it on the server (S1),
// with the idle timeout, the factory-admin restriction (S2) and CSRF on state changes. A `user`
// route may keep some of its body fields for admins (config.userFields, issue 16).
import { timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyRequest, RouteOptions } from 'fastify';
import { resolveSettings } from '../../site/settings.js';
import type { ApiContext } from '../context.js';
import { forbidden, unauthorized } from '../errors.js';
import { allows, CSRF_HEADER, sha256, SESSION_COOKIE, TOKEN_PREFIX, type Access, type Identity } from './identity.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    access?: Access;
    /**
     * A `user` route whose body a user may fill only partly: the fields a user may send; any
     * other needs the admin role (403 admin-fields). Absent: every field is open to the route's role.
     */
    userFields?: readonly string[];
  }
  interface FastifyRequest {
    identity: Identity | null;
  }
}

const STATE_CHANGING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
/** Routes that come with plugins (the OpenAPI UI): documentation, open to all. */
const PLUGIN_ROUTES = /^\/api\/docs(\/|$)/;
/** A session's last-seen time is written at most this often. */
const TOUCH_EVERY_MS = 5_000;

/** A route without an access rule is a mistake: it stops the start, before anyone can call it. */
export function requireAccessRule(route: RouteOptions): void {
  if (route.config?.access) return;
  if (PLUGIN_ROUTES.test(route.url)) {
    route.config = { ...route.config, access: 'public' };
    return;
  }
  throw new Error(`route ${String(route.method)} ${route.url} has no access rule (config.access)`);
}

export function installGuard(app: FastifyInstance, ctx: ApiContext): void {
  app.decorateRequest('identity', null);
  app.addHook('onRequest', async (request, reply) => {
    const access = request.routeOptions.config.access;
    if (!access) return; // 404s and the OCPP upgrade
    // A refused request's body is never read: the connection closes after the answer rather
    // than take in, say, a backup upload from anyone (issue 14, row 4).
    if (hasBody(request)) void reply.header('connection', 'close');
    request.identity = await identify(request, ctx);
    const verdict = allows(access, request.identity);
    if (verdict === 'unauthenticated') throw unauthorized('unauthenticated', 'log in, or send an API token (Authorization: Bearer)');
    if (verdict === 'must-change') throw forbidden('credentials-change-required', 'the factory login must be replaced first: PUT /api/users/me/credentials');
    if (verdict === 'forbidden') throw forbidden('forbidden', `this needs the admin role; you are ${request.identity?.role ?? 'anonymous'}`);
    const identity = request.identity;
    if (identity?.via === 'session' && STATE_CHANGING.has(request.method) && !csrfMatches(request, identity)) {
      throw forbidden('csrf', `missing or wrong ${CSRF_HEADER} header: read csrfToken from GET /api/auth/me`);
    }
    if (hasBody(request)) reply.removeHeader('connection'); // let in: its body is read, the connection kept
  });
  // After parsing, before the schema: a user who names an admin's field is refused whatever its
  // value, so the answer does not depend on whether the value would be valid.
  app.addHook('preValidation', async (request) => {
    const userFields = request.routeOptions.config.userFields;
    if (!userFields || request.identity?.role === 'admin') return;
    const body = request.body;
    if (body === null || typeof body !== 'object' || Array.isArray(body)) return; // the schema refuses it
    const others = Object.keys(body).filter((field) => !userFields.includes(field));
    if (others.length > 0) {
      throw forbidden('admin-fields', `only an admin may change ${others.join(', ')}; as ${request.identity?.role ?? 'anonymous'} you may change ${userFields.join(', ')} only`);
    }
  });
}

function hasBody(request: FastifyRequest): boolean {
  const length = request.headers['content-length'];
  return (length !== undefined && length !== '0') || request.headers['transfer-encoding'] !== undefined;
}

function csrfMatches(request: FastifyRequest, identity: Identity): boolean {
  const sent = request.headers[CSRF_HEADER];
  if (typeof sent !== 'string' || !identity.csrfToken) return false;
  const a = Buffer.from(sent);
  const b = Buffer.from(identity.csrfToken);
  return a.length === b.length && timingSafeEqual(a, b);
}

async function identify(request: FastifyRequest, ctx: ApiContext): Promise<Identity | null> {
  const header = request.headers.authorization;
  if (header?.startsWith('Bearer ')) return identifyToken(header.slice(7).trim(), ctx);
  const cookie = request.cookies[SESSION_COOKIE];
  return cookie ? identifySession(cookie, ctx) : null;
}

async function identifyToken(token: string, ctx: ApiContext): Promise<Identity> {
  const row = token.startsWith(TOKEN_PREFIX) ? await ctx.store.users.tokenByHash(sha256(token)) : undefined;
  if (!row || row.revoked_at !== null) throw unauthorized('invalid-token', 'this API token is unknown or revoked');
  const at = ctx.now();
  if (row.last_used_at === null || at - row.last_used_at > 60_000) await ctx.store.users.updateToken(row.id, { last_used_at: at });
  return { login: `token:${row.name}`, role: row.role, mustChange: false, via: 'token', tokenId: row.id };
}

async function identifySession(cookie: string, ctx: ApiContext): Promise<Identity | null> {
  const idHash = sha256(cookie);
  const session = await ctx.store.users.getSession(idHash);
  if (!session) return null;
  const at = ctx.now();
  const idleMs = resolveSettings(await ctx.store.settings.getAll()).sessionIdleTimeoutS * 1000;
  if (at - session.last_seen_at > idleMs) {
    await ctx.store.users.deleteSession(idHash);
    throw unauthorized('session-expired', `the session ended after ${idleMs / 1000} s without activity: log in again`);
  }
  const user = await ctx.store.users.get(session.login);
  if (!user) {
    await ctx.store.users.deleteSession(idHash);
    return null;
  }
  if (at - session.last_seen_at > TOUCH_EVERY_MS) await ctx.store.users.touchSession(idHash, user.login, at);
  return { login: user.login, role: user.role, mustChange: user.must_change === 1, via: 'session', sessionIdHash: idHash, csrfToken: session.csrf_token };
}
