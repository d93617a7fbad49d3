// Access cases of the help (issue 16, item 8): every logged-in user reads it, nobody else.
import type { AccessCase } from './types.js';

export const cases: AccessCase[] = [
  { route: 'GET /api/help', access: 'user' },
  { route: 'GET /api/help/documents/{slug}', access: 'user', request: async () => ({ path: '/api/help/documents/getting-started' }) },
  { route: 'GET /api/help/images/{name}', access: 'user', request: async () => ({ path: '/api/help/images/overview.png' }) },
];
