// Issue 14, row 3 (S2): the lockout holds against parallel logins. Every attempt is counted
// before the slow password check, so of 40 attempts at once only the first 5 are checked.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN, startApiHarness, type ApiHarness } from './helpers/api-client.js';
import { testSite } from './helpers/harness.js';

describe('login lockout under concurrency (issue 14, row 3)', () => {
  let h: ApiHarness;
  beforeAll(async () => { h = await startApiHarness(testSite(), { control: false }); });
  afterAll(async () => { await h?.cleanup(); });

  it('39 wrong passwords and the right one, all at once: only 5 are checked, whichever arrive first', async () => {
    const attempts = [...Array.from({ length: 39 }, () => 'Wrong!pass1'), ADMIN.password];
    const statuses = await Promise.all(attempts.map((password) => h.client().post('/api/auth/login', { login: ADMIN.login, password }).then((r) => r.status)));
    // Before: all 40 were checked (39 × 401 and the right one 200) before any was counted.
    expect(statuses.filter((s) => s === 401 || s === 200)).toHaveLength(5);
    expect(statuses.filter((s) => s === 429)).toHaveLength(35);
  });
});
