// Found by the HTTP fuzzer (issue 14, proof b): HEAD on the live events answered nothing until the
// stream's maxDurationS ran out (Node drops a HEAD answer's writes without sending its headers).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApiHarness, type ApiHarness } from './helpers/api-client.js';
import { testSite } from './helpers/harness.js';

describe('HEAD /api/events', () => {
  let h: ApiHarness;
  beforeAll(async () => { h = await startApiHarness(testSite(), { control: false }); });
  afterAll(async () => { await h?.cleanup(); });

  it('answers its headers at once and ends, with or without maxDurationS', async () => {
    for (const query of ['', '?maxDurationS=3600']) {
      const r = await fetch(`${h.baseUrl}/api/events${query}`, { method: 'HEAD', headers: { cookie: h.user.cookie ?? '' }, signal: AbortSignal.timeout(5_000) });
      expect(r.status).toBe(200);
      expect(r.headers.get('content-type')).toContain('text/event-stream');
    }
    // GET still streams.
    const get = await fetch(`${h.baseUrl}/api/events?maxDurationS=1`, { headers: { cookie: h.user.cookie ?? '' }, signal: AbortSignal.timeout(5_000) });
    expect(await get.text()).toContain('Fuseguard live events');
  });
});
