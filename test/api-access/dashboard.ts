// Access cases of the dashboard's own routes: the zone history (W4).
import type { AccessCase } from './types.js';

export const cases: AccessCase[] = [
  {
    route: 'GET /api/zones/{name}/history',
    access: 'user',
    request: async (h) => {
      if (!(await h.app.store.zones.get('HISTORY'))) {
        await h.app.store.zones.upsert({ name: 'HISTORY', parent: null, max_current_a: 32, mode: 'static', meter: null, fallback_current_a: 0, auth_mode: null, position: 9 });
        await h.app.reload();
      }
      return { path: '/api/zones/HISTORY/history?hours=2' };
    },
  },
];
