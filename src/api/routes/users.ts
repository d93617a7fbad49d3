// Users (S3): list, add (the admin confirms with its own password), change password, delete;
// the factory admin replaces its credentials here (S2).
import { Type, type Static } from '@sinclair/typebox';
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import { loginProblems, passwordProblems } from '../auth/credential-rules.js';
import type { Identity } from '../auth/identity.js';
import { hashPassword, verifyPassword } from '../auth/passwords.js';
import { audit } from '../audit.js';
import type { ApiContext } from '../context.js';
import { conflict, forbidden, notFound, unprocessable } from '../errors.js';
import { errors, OkSchema, RoleSchema } from '../schemas.js';
import type { UserRow } from '../../store/schema.js';

const UserSchema = Type.Object({
  login: Type.String(), role: RoleSchema, mustChangeCredentials: Type.Boolean(), createdAt: Type.Number(), updatedAt: Type.Number(),
  lastAccessAt: Type.Union([Type.Number(), Type.Null()], { description: 'its last login or request from a browser session (to the minute); null: none since' }),
});
const LoginParams = Type.Object({ login: Type.String({ minLength: 1, maxLength: 64 }) });
const NewUserBody = Type.Object({
  login: Type.String({ minLength: 1, maxLength: 64 }),
  password: Type.String({ minLength: 1, maxLength: 128 }),
  role: RoleSchema,
  adminPassword: Type.String({ minLength: 1, maxLength: 128, description: 'the password of the admin who adds the user (S3)' }),
}, { additionalProperties: false });
const PasswordBody = Type.Object({
  password: Type.String({ minLength: 1, maxLength: 128 }),
  adminPassword: Type.String({ minLength: 1, maxLength: 128, description: 'the password of the admin who makes the change' }),
}, { additionalProperties: false });
const DeleteBody = Type.Object({
  adminPassword: Type.String({ minLength: 1, maxLength: 128, description: 'the password of the admin who deletes the user (S3)' }),
}, { additionalProperties: false });
const CredentialsBody = Type.Object({
  currentPassword: Type.String({ minLength: 1, maxLength: 128 }),
  login: Type.Optional(Type.String({ minLength: 1, maxLength: 64, description: 'a new login; required to replace the factory admin' })),
  password: Type.String({ minLength: 1, maxLength: 128 }),
}, { additionalProperties: false });

/** Password hashes wait in the same gate as logins, with the caller's address as its share (issue 14, row 3b). */
const hashKey = (request: FastifyRequest) => `ip:${request.ip}`;

export function usersRoutes(ctx: ApiContext): FastifyPluginAsync {
  return async (app) => {
    const users = ctx.store.users;
    const view = (u: Omit<UserRow, 'password_hash' | 'last_access_at'> & { last_access_at?: number | null }) => ({
      login: u.login, role: u.role, mustChangeCredentials: u.must_change === 1, createdAt: u.created_at, updatedAt: u.updated_at,
      lastAccessAt: u.last_access_at ?? null,
    });
    const checkPassword = (password: string): void => {
      const problems = passwordProblems(password);
      if (problems.length > 0) throw unprocessable('password-policy', `the password needs ${problems.join(', ')}`, { field: 'body.password', problems });
    };
    const checkLogin = (login: string): void => {
      const problems = loginProblems(login);
      if (problems.length > 0) throw unprocessable('login-policy', problems.join('; '), { field: 'body.login', problems });
    };
    /** The caller's own password, to confirm a sensitive change (S3). */
    const confirm = async (request: FastifyRequest, password: string, field: string): Promise<void> => {
      const self = await users.get((request.identity as Identity).login);
      if (!self || !(await verifyPassword(password, self.password_hash, hashKey(request)))) throw forbidden('wrong-password', `${field}: your own password does not match`);
    };

    app.get('/users', {
      config: { access: 'admin' },
      schema: { tags: ['users'], summary: 'All users', response: { 200: Type.Array(UserSchema), ...errors(401, 403) } },
    }, async () => (await users.list()).map(view));

    app.post<{ Body: Static<typeof NewUserBody> }>('/users', {
      config: { access: 'admin' },
      schema: { tags: ['users'], summary: 'Adds a user; the admin confirms with its own password', body: NewUserBody, response: { 201: UserSchema, ...errors(400, 401, 403, 409, 422) } },
    }, async (request, reply) => {
      const { login, password, role, adminPassword } = request.body;
      checkLogin(login);
      checkPassword(password);
      await confirm(request, adminPassword, 'body.adminPassword');
      if (await users.get(login)) throw conflict('duplicate-login', `a user "${login}" exists already`, { field: 'body.login' });
      const at = ctx.now();
      const row = { login, role, password_hash: await hashPassword(password, hashKey(request)), must_change: 0, created_at: at, updated_at: at };
      await users.insert(row);
      await audit(ctx, request, 'user.create', login, { role });
      return reply.status(201).send(view(row));
    });

    app.put<{ Params: Static<typeof LoginParams>; Body: Static<typeof PasswordBody> }>('/users/:login/password', {
      config: { access: 'admin' },
      schema: { tags: ['users'], summary: "Sets a user's password; its sessions end", params: LoginParams, body: PasswordBody, response: { 200: OkSchema, ...errors(400, 401, 403, 404, 422) } },
    }, async (request) => {
      const { login } = request.params;
      const user = await users.get(login);
      if (!user) throw notFound('user', login);
      checkPassword(request.body.password);
      await confirm(request, request.body.adminPassword, 'body.adminPassword');
      await users.update(login, { password_hash: await hashPassword(request.body.password, hashKey(request)), updated_at: ctx.now() });
      await users.deleteSessionsOf(login, request.identity?.sessionIdHash ?? null);
      await audit(ctx, request, 'user.password', login);
      return { ok: true as const };
    });

    app.put<{ Body: Static<typeof CredentialsBody> }>('/users/me/credentials', {
      config: { access: 'authenticated' },
      schema: {
        tags: ['users'], summary: 'Changes your own password (and login)',
        description: 'The factory admin must do this first, with a new login: until then nothing else is allowed (S2).',
        body: CredentialsBody, response: { 200: UserSchema, ...errors(400, 401, 403, 409, 422) },
      },
    }, async (request) => {
      const identity = request.identity as Identity;
      if (identity.via !== 'session') throw forbidden('session-only', 'credentials are changed from a logged-in session, not with a token');
      const self = await users.get(identity.login);
      if (!self || !(await verifyPassword(request.body.currentPassword, self.password_hash, hashKey(request)))) throw forbidden('wrong-password', 'body.currentPassword: does not match');
      const login = request.body.login ?? self.login;
      if (self.must_change === 1 && request.body.login === undefined) throw unprocessable('login-policy', 'the factory admin needs a new login as well', { field: 'body.login' });
      if (login !== self.login || self.must_change === 1) checkLogin(login);
      checkPassword(request.body.password);
      if (request.body.password === request.body.currentPassword) throw unprocessable('password-policy', 'the new password must differ from the current one', { field: 'body.password' });
      if (login !== self.login && await users.get(login)) throw conflict('duplicate-login', `a user "${login}" exists already`, { field: 'body.login' });
      const changes = { password_hash: await hashPassword(request.body.password, hashKey(request)), must_change: 0, updated_at: ctx.now() };
      await ctx.store.atomically(async (db) => {
        if (login !== self.login) await users.rename(self.login, login, changes, db);
        else await users.update(login, changes, db);
        await users.deleteSessionsOf(login, identity.sessionIdHash ?? null, db);
      });
      await audit(ctx, request, 'user.credentials', login, login !== self.login ? { previousLogin: self.login } : undefined);
      return view({ ...self, ...changes, login });
    });

    app.delete<{ Params: Static<typeof LoginParams>; Body: Static<typeof DeleteBody> }>('/users/:login', {
      config: { access: 'admin' },
      schema: {
        tags: ['users'], summary: 'Deletes a user; the admin confirms with its own password; the last admin cannot be deleted',
        params: LoginParams, body: DeleteBody, response: { 200: OkSchema, ...errors(400, 401, 403, 404, 409) },
      },
    }, async (request) => {
      const { login } = request.params;
      const user = await users.get(login);
      if (!user) throw notFound('user', login);
      await confirm(request, request.body.adminPassword, 'body.adminPassword');
      if (user.role === 'admin' && await users.countAdmins() <= 1) throw conflict('last-admin', `"${login}" is the last admin and cannot be deleted`);
      await users.delete(login);
      await audit(ctx, request, 'user.delete', login);
      return { ok: true as const };
    });
  };
}
