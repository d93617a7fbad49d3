// S1: every route of the OpenAPI document is walked as anonymous, user and admin. A route without
// an access case here (test/api-access/*.ts) fails this test, as does one whose rule differs.
import { readdirSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApiHarness, type ApiClient, type ApiHarness } from './helpers/api-client.js';
import type { AccessCase, Role } from './api-access/types.js';

const caseFiles = readdirSync(new URL('./api-access/', import.meta.url)).filter((f) => f.endsWith('.ts') && f !== 'types.ts');
const cases: AccessCase[] = [];
for (const file of caseFiles) cases.push(...((await import(`./api-access/${file}`)) as { cases: AccessCase[] }).cases);

const METHODS = ['get', 'post', 'put', 'patch', 'delete'];

describe('access rules of every route (S1)', () => {
  let h: ApiHarness;
  let routes: { route: string; access: string }[] = [];
  beforeAll(async () => {
    h = await startApiHarness();
    const doc = (await h.anonymous.get('/api/docs/json')).body as { paths: Record<string, Record<string, { 'x-access'?: string }>> };
    routes = Object.entries(doc.paths).flatMap(([path, ops]) => Object.entries(ops)
      .filter(([method]) => METHODS.includes(method))
      .map(([method, op]) => ({ route: `${method.toUpperCase()} ${path}`, access: op['x-access'] ?? 'none' })));
  });
  afterAll(async () => { await h?.cleanup(); });

  it('has a case for every documented route, with the rule the route declares', () => {
    const known = new Map(cases.map((c) => [c.route, c.access]));
    const missing = routes.filter((r) => !known.has(r.route)).map((r) => r.route);
    expect(missing, 'routes without an access case in test/api-access/').toEqual([]);
    for (const r of routes) expect(`${r.route}: ${r.access}`).toBe(`${r.route}: ${known.get(r.route)}`);
    const stale = cases.filter((c) => !routes.some((r) => r.route === c.route)).map((c) => c.route);
    expect(stale, 'access cases of routes that no longer exist').toEqual([]);
  });

  const expected = (c: AccessCase, role: Role): 'ok' | 401 | 403 => {
    if (c.access === 'public') return 'ok';
    if (role === 'anonymous') return 401;
    if (c.access === 'admin' && role === 'user') return 403;
    return 'ok';
  };

  for (const c of cases) {
    it(`${c.route} (${c.access})`, async () => {
      for (const role of ['anonymous', 'user', 'admin'] as const) {
        const want = expected(c, role);
        if (c.isolated && want === 'ok' && c.access !== 'public') {
          // Destructive for the whole site: checked on a fresh Fuseguard of its own.
          // As the CLI starts it: a restart request is taken (and here ignored).
          const own = await startApiHarness(undefined, { onRestart: () => {} });
          try {
            await attempt(own, c, role, 'ok');
          } finally {
            await own.cleanup();
          }
          continue;
        }
        await attempt(h, c, role, want);
      }
    });
  }

  async function attempt(on: ApiHarness, c: AccessCase, role: Role, want: 'ok' | 401 | 403): Promise<void> {
    const [method, template] = c.route.split(' ');
    const req = c.request ? await c.request(on, role) : { path: template };
    const client: ApiClient = role === 'anonymous' ? on.client() : c.client ? await c.client(on, role) : role === 'user' ? on.user : on.admin;
    const response = await client.request(method, req.path, { body: req.body, raw: req.raw });
    const label = `${role} ${c.route} → ${response.status} ${response.text.slice(0, 300)}`;
    if (want === 'ok') expect(c.success ?? [200, 201, 204], label).toContain(response.status);
    else expect(response.status, label).toBe(want);
  }
});
