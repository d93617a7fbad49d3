// Access cases of the configuration resources: settings, zones, meters, time of use, digital inputs (W8).
import type { ApiHarness } from '../helpers/api-client.js';
import type { AccessCase } from './types.js';

let seq = 0;
const unique = (prefix: string) => `${prefix}${Date.now().toString(36)}${seq++}`;

const zone = async (h: ApiHarness): Promise<string> => {
  const name = unique('zone-');
  await h.admin.post('/api/zones', { name, maxCurrentA: 32, mode: 'static' });
  return name;
};
// Port 1 on the loopback refuses at once: the meter is polled without waiting on anything.
const meterBody = (name: string) => ({ name, protocol: 'tcp', host: '127.0.0.1', port: 1, model: 'pm5320-iem3x5x-powertag' });
const meter = async (h: ApiHarness): Promise<string> => {
  const name = unique('meter-');
  await h.admin.post('/api/meters', meterBody(name));
  return name;
};
const manualInput = { id: 'access-di', enabled: true, pct: 50, source: { kind: 'manual' } };

export const cases: AccessCase[] = [
  { route: 'GET /api/settings', access: 'admin' },
  { route: 'GET /api/settings/load-shedding', access: 'user' },
  { route: 'PATCH /api/settings/load-shedding', access: 'admin', request: async () => ({ path: '/api/settings/load-shedding', body: { sheddingPriority: 'energy' } }) },
  { route: 'GET /api/settings/advanced', access: 'admin' },
  { route: 'PATCH /api/settings/advanced', access: 'admin', request: async () => ({ path: '/api/settings/advanced', body: { heartbeatIntervalS: 300 } }) },
  { route: 'GET /api/settings/network', access: 'admin' },
  { route: 'PUT /api/settings/network', access: 'admin', request: async () => ({ path: '/api/settings/network', body: {} }) },
  { route: 'GET /api/settings/upstream', access: 'admin' },
  { route: 'PUT /api/settings/upstream', access: 'admin', request: async () => ({ path: '/api/settings/upstream', body: { enabled: false } }) },

  { route: 'GET /api/zones', access: 'user' },
  { route: 'GET /api/zones/{name}', access: 'user', request: async (h) => ({ path: `/api/zones/${await zone(h)}` }) },
  { route: 'POST /api/zones', access: 'admin', request: async () => ({ path: '/api/zones', body: { name: unique('zone-'), maxCurrentA: 40, mode: 'static' } }) },
  { route: 'PUT /api/zones/{name}', access: 'admin', request: async (h) => ({ path: `/api/zones/${await zone(h)}`, body: { maxCurrentA: 25, mode: 'static' } }) },
  { route: 'DELETE /api/zones/{name}', access: 'admin', request: async (h) => ({ path: `/api/zones/${await zone(h)}` }) },

  { route: 'GET /api/meters', access: 'user' },
  { route: 'GET /api/meters/{name}', access: 'user', request: async (h) => ({ path: `/api/meters/${await meter(h)}` }) },
  { route: 'POST /api/meters', access: 'admin', request: async () => ({ path: '/api/meters', body: meterBody(unique('meter-')) }) },
  {
    route: 'PUT /api/meters/{name}', access: 'admin',
    request: async (h) => ({ path: `/api/meters/${await meter(h)}`, body: { protocol: 'tcp', host: '127.0.0.1', port: 1, unitId: 1, model: 'nsx' } }),
  },
  { route: 'DELETE /api/meters/{name}', access: 'admin', request: async (h) => ({ path: `/api/meters/${await meter(h)}` }) },
  { route: 'POST /api/meters/{name}/test', access: 'admin', request: async (h) => ({ path: `/api/meters/${await meter(h)}/test` }) },
  { route: 'POST /api/meters/test', access: 'admin', request: async () => ({ path: '/api/meters/test', body: meterBody('unsaved') }) },

  { route: 'GET /api/tou', access: 'user' },
  { route: 'PUT /api/tou', access: 'admin', request: async () => ({ path: '/api/tou', body: { enabled: false, timeZone: 'UTC', periods: [] } }) },
  { route: 'GET /api/tou/matrix', access: 'user' },
  { route: 'PUT /api/tou/matrix', access: 'admin', request: async () => ({ path: '/api/tou/matrix', body: { zonePeriods: {} } }) },
  { route: 'GET /api/tou/summary', access: 'user' },

  { route: 'GET /api/inputs', access: 'admin' },
  { route: 'PUT /api/inputs', access: 'admin', request: async () => ({ path: '/api/inputs', body: [manualInput] }) },
  { route: 'GET /api/inputs/state', access: 'user' },
  {
    route: 'PUT /api/inputs/{id}/signal', access: 'user',
    request: async (h) => {
      await h.admin.put('/api/inputs', [manualInput]);
      return { path: `/api/inputs/${manualInput.id}/signal`, body: { high: false } };
    },
  },
];
