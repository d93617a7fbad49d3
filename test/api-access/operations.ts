// Access cases of the operations: badges, stations and their actions, sessions.
import type { ApiHarness } from '../helpers/api-client.js';
import type { AccessCase } from './types.js';

let seq = 0;
const unique = (prefix: string) => `${prefix}${(Date.now() % 1e6).toString(36)}${seq++}`;

async function newBadge(h: ApiHarness): Promise<string> {
  const idTag = unique('B');
  await h.admin.post('/api/badges', { idTag });
  return idTag;
}

/** An unknown badge, presented at a station, through the session service as a station would. */
async function seenBadge(h: ApiHarness): Promise<string> {
  const idTag = unique('S');
  await h.app.sessions.authorize('ACCESS-SEEN', idTag);
  return idTag;
}

export const cases: AccessCase[] = [
  // Badges (B3, B4, W7)
  { route: 'GET /api/badges', access: 'user' },
  { route: 'POST /api/badges', access: 'user', request: async () => ({ path: '/api/badges', body: { idTag: unique('N') } }) },
  { route: 'GET /api/badges/{idTag}', access: 'user', request: async (h) => ({ path: `/api/badges/${await newBadge(h)}` }) },
  { route: 'PATCH /api/badges/{idTag}', access: 'user', request: async (h) => ({ path: `/api/badges/${await newBadge(h)}`, body: { vip: true } }) },
  { route: 'DELETE /api/badges/{idTag}', access: 'user', request: async (h) => ({ path: `/api/badges/${await newBadge(h)}` }) },
  { route: 'GET /api/badges/csv', access: 'user' },
  {
    route: 'PUT /api/badges/csv', access: 'user',
    request: async () => ({ path: '/api/badges/csv', raw: { data: 'idTag,authorized,vip,comment\nIMPORTED,true,false,\n', contentType: 'text/csv' } }),
  },
  { route: 'GET /api/seen-badges', access: 'user' },
  { route: 'POST /api/seen-badges/{idTag}/enroll', access: 'user', request: async (h) => ({ path: `/api/seen-badges/${await seenBadge(h)}/enroll`, body: {} }) },
  { route: 'DELETE /api/seen-badges/{idTag}', access: 'user', request: async (h) => ({ path: `/api/seen-badges/${await seenBadge(h)}` }) },
];
