// Access cases of the relay to a CPO (U1-U4).
import type { AccessCase } from './types.js';

export const cases: AccessCase[] = [
  { route: 'GET /api/relay/status', access: 'user' },
];
