// Issue 14, row 3b: a flood of logins for unknown users from many addresses (behind a proxy that
// passes X-Forwarded-For) is bounded by the password hash gate: a few are hashed, the rest are
// told at once to come back (503, Retry-After), and a real login gets through meanwhile.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HASH_GATE_LIMITS, hashGate } from '../src/api/auth/passwords.js';
import { ADMIN, startApiHarness, type ApiHarness, type ApiResponse } from './helpers/api-client.js';
import { testSite, waitFor } from './helpers/harness.js';

const FLOOD = 200;

describe('login flood (issue 14, row 3b)', () => {
  let h: ApiHarness;
  beforeAll(async () => {
    const site = testSite();
    site.settings = { ...site.settings, network: { trustProxy: true } };
    h = await startApiHarness(site, { control: false });
  });
  afterAll(async () => { await h?.cleanup(); });

  /** A login from `address`, trying again as told by Retry-After, at most `tries` times. */
  async function loginFrom(address: string, login: string, password: string, tries = 1): Promise<ApiResponse[]> {
    const answers: ApiResponse[] = [];
    for (let i = 0; i < tries; i++) {
      const r = await h.client().post('/api/auth/login', { login, password }, { headers: { 'x-forwarded-for': address } });
      answers.push(r);
      if (r.status !== 503 && r.status !== 429) break;
      await new Promise((resolve) => setTimeout(resolve, Number(r.headers.get('retry-after')) * 1000));
    }
    return answers;
  }

  it(`${FLOOD} unknown logins at once from ${FLOOD} addresses: a bounded few are hashed, the rest answered 503 at once; the admin logs in meanwhile`, async () => {
    hashGate.resetPeak();
    const refusedBefore = hashGate.stats().refused;
    const flood = Array.from({ length: FLOOD }, (_, i) => loginFrom(`10.1.${i >> 8}.${i & 255}`, `ghost${i}`, 'Wrong!pass1').then((a) => a[0]));
    await waitFor(() => hashGate.stats().waiting > 0, 'the flood to fill the hash gate', 30_000);
    const admin = loginFrom('192.0.2.7', ADMIN.login, ADMIN.password, 10);
    const answers = await Promise.all(flood);
    const statuses = answers.map((r) => r.status);
    // Before the gate, every one of them was hashed (200 × 401) and a real login waited behind all.
    expect(statuses.every((s) => s === 401 || s === 503)).toBe(true);
    const busy = answers.filter((r) => r.status === 503);
    expect(busy.length).toBeGreaterThanOrEqual(FLOOD / 2);
    expect(busy.every((r) => r.headers.get('retry-after') === '1' && (r.body as { error: string }).error === 'busy')).toBe(true);
    expect(hashGate.stats().refused - refusedBefore).toBeGreaterThanOrEqual(busy.length);
    // At no time did more than the bound hash at once.
    expect(hashGate.stats().peakRunning).toBeLessThanOrEqual(HASH_GATE_LIMITS.concurrency);
    const adminAnswers = await admin;
    expect(adminAnswers.at(-1)?.status).toBe(200);
    expect(adminAnswers.slice(0, -1).every((r) => r.status === 503)).toBe(true);
  }, 60_000);
});
