// Access cases of the relay to a CPO (U1-U4).
import { newStation } from './operations.js';
import type { AccessCase } from './types.js';

export const cases: AccessCase[] = [
  { route: 'GET /api/relay/status', access: 'user' },
  { route: 'DELETE /api/relay/caps/{stationId}', access: 'admin', request: async (h) => ({ path: `/api/relay/caps/${await newStation(h, 'CAPS')}` }) },
];
