// Access cases of the firmware library, rollouts and their settings (issue 16, item 7). The
// download route stations use is left out of the OpenAPI document (its signature is its key).
import type { ApiHarness } from '../helpers/api-client.js';
import type { AccessCase } from './types.js';

/** A small firmware file uploaded by the harness's admin; its id. */
async function uploaded(h: ApiHarness): Promise<string> {
  const r = await h.admin.request('POST', '/api/firmware/files?name=access.bin', { raw: { data: new Uint8Array([1, 2, 3]), contentType: 'application/octet-stream' } });
  return (r.body as { id: string }).id;
}

export const cases: AccessCase[] = [
  { route: 'GET /api/firmware/files', access: 'admin' },
  {
    route: 'POST /api/firmware/files', access: 'admin', success: [201],
    request: async () => ({ path: '/api/firmware/files?name=access.bin', raw: { data: new Uint8Array([1, 2, 3]), contentType: 'application/octet-stream' } }),
  },
  { route: 'DELETE /api/firmware/files/{id}', access: 'admin', request: async (h) => ({ path: `/api/firmware/files/${await uploaded(h)}` }) },
  { route: 'GET /api/firmware/rollouts', access: 'admin' },
  {
    // No station of that model: nothing is queued, the request still succeeds.
    route: 'POST /api/firmware/rollouts', access: 'admin',
    request: async (h) => ({ path: '/api/firmware/rollouts', body: { firmwareId: await uploaded(h), model: 'No-Such-Model' } }),
  },
  {
    // Nothing waits: 409 for an allowed caller, which the guard would have refused first.
    route: 'DELETE /api/firmware/rollouts/{stationId}', access: 'admin', success: [409],
    request: async () => ({ path: '/api/firmware/rollouts/CP-001' }),
  },
  { route: 'GET /api/firmware/settings', access: 'admin' },
  {
    route: 'PUT /api/firmware/settings', access: 'admin',
    request: async () => ({ path: '/api/firmware/settings', body: { maxConcurrent: 5, baseUrl: null, urlValidityH: 24, stallTimeoutMin: 60 } }),
  },
];
