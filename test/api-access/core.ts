// Access cases of auth, users and tokens.
import { ApiClient, ADMIN, type ApiHarness } from '../helpers/api-client.js';
import type { AccessCase } from './types.js';

let seq = 0;
const unique = (prefix: string) => `${prefix}${Date.now().toString(36)}${seq++}`;

/** A new user of the role, logged in on a client of its own, with password Fr3sh!pass. */
async function freshClient(h: ApiHarness, role: 'user' | 'admin'): Promise<ApiClient> {
  const login = unique('f');
  await h.admin.post('/api/users', { login, password: 'Fr3sh!pass', role, adminPassword: ADMIN.password });
  const client = new ApiClient(h.baseUrl);
  await client.login(login, 'Fr3sh!pass');
  return client;
}

export const cases: AccessCase[] = [
  { route: 'GET /healthz', access: 'public' },
  // On a client of its own: logging in replaces the client's session.
  { route: 'POST /api/auth/login', access: 'public', client: async (h) => h.client(), request: async () => ({ path: '/api/auth/login', body: ADMIN }) },
  // Logging out would end the shared sessions: a fresh session of the role logs out.
  { route: 'POST /api/auth/logout', access: 'authenticated', client: (h, role) => freshClient(h, role) },
  {
    route: 'PUT /api/users/me/credentials', access: 'authenticated', client: (h, role) => freshClient(h, role),
    request: async () => ({ path: '/api/users/me/credentials', body: { currentPassword: 'Fr3sh!pass', password: 'N3w!passw0rd' } }),
  },
  { route: 'GET /api/auth/me', access: 'authenticated' },
  { route: 'GET /api/users', access: 'admin' },
  {
    route: 'POST /api/users', access: 'admin',
    request: async () => ({ path: '/api/users', body: { login: unique('u'), password: 'An0ther!pw', role: 'user', adminPassword: ADMIN.password } }),
  },
  {
    route: 'PUT /api/users/{login}/password', access: 'admin',
    request: async (h) => {
      const login = unique('p');
      await h.admin.post('/api/users', { login, password: 'An0ther!pw', role: 'user', adminPassword: ADMIN.password });
      return { path: `/api/users/${login}/password`, body: { password: 'Th1rd!pass', adminPassword: ADMIN.password } };
    },
  },
  {
    route: 'DELETE /api/users/{login}', access: 'admin',
    request: async (h) => {
      const login = unique('d');
      await h.admin.post('/api/users', { login, password: 'An0ther!pw', role: 'user', adminPassword: ADMIN.password });
      return { path: `/api/users/${login}`, body: { adminPassword: ADMIN.password } };
    },
  },
  { route: 'GET /api/tokens', access: 'admin' },
  { route: 'POST /api/tokens', access: 'admin', request: async () => ({ path: '/api/tokens', body: { name: unique('t'), role: 'user' } }) },
  {
    route: 'DELETE /api/tokens/{id}', access: 'admin',
    request: async (h) => {
      const created = await h.admin.post<{ id: string }>('/api/tokens', { name: unique('r'), role: 'user' });
      return { path: `/api/tokens/${created.body.id}` };
    },
  },
];
