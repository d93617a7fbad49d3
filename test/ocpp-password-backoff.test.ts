// Issue 14, row 10: station password guessing is backed off per charge box id and per client
// address (refused with 429 without checking the password, for a time that grows), a success
// clears the station's count, and the refusals are logged once a minute, not once each.
import { afterEach, describe, expect, it } from 'vitest';
import type { SiteFile } from '../src/site/site-schema.js';
import { startApiHarness } from './helpers/api-client.js';
import { connectRaw, startHarness, testSite, waitFor, type Harness, type RawStation } from './helpers/harness.js';

const statusOf = (p: Promise<RawStation>) => p.then(async (c) => { await c.close(); return 'connected' as const; }, (e: { code?: number }) => e.code);

const site = (settings: Record<string, unknown>): SiteFile => {
  const base = testSite();
  return {
    ...base,
    settings: { unknownStations: 'pending', ...settings },
    stations: [...base.stations!, { id: 'CP-004', zone: 'Row B', password: 'secret-key-004', connectors: [{ id: 1 }] }],
  };
};

describe('station password backoff (issue 14, row 10)', () => {
  let h: Harness | undefined;
  afterEach(async () => { await h?.cleanup(); h = undefined; });

  it('refuses a station with 429 after a few wrong passwords, even with the right one, and logs a flood once', async () => {
    h = await startHarness(site({ stationPasswordAttempts: 3, stationPasswordAddressAttempts: 100_000, stationPasswordBackoffMaxS: 600 }), { control: false });
    const url = h.app.ocppUrl;
    for (let i = 0; i < 3; i++) expect(await statusOf(connectRaw(url, 'CP-001', { password: `wrong-${i}` }))).toBe(401);
    expect(await statusOf(connectRaw(url, 'CP-001', { password: 'secret-key-001' }))).toBe(429);

    // 1000 wrong upgrades, 25 at a time: refused quickly, almost none get to a password check.
    const answers: unknown[] = [];
    for (let i = 0; i < 1_000; i += 25) {
      answers.push(...await Promise.all(Array.from({ length: 25 }, (_, j) => statusOf(connectRaw(url, 'CP-001', { password: `guess-${i + j}` })))));
    }
    expect(answers.every((a) => a === 401 || a === 429)).toBe(true);
    expect(answers.filter((a) => a === 401).length).toBeLessThan(20);
    // Other stations are not held back by CP-001's failures.
    expect(await statusOf(connectRaw(url, 'CP-004', { password: 'secret-key-004' }))).toBe('connected');
    expect(await statusOf(connectRaw(url, 'CP-002'))).toBe('connected');

    const refused = (await h.app.store.logs.list({ stationId: 'CP-001', limit: 2_000 })).filter((l) => l.message.startsWith('connection refused'));
    expect(refused.length).toBeGreaterThan(0);
    expect(refused.length).toBeLessThanOrEqual(4); // one line a minute per station and status
  });

  it('backs an address off across stations, not another address (behind a trusted proxy)', async () => {
    h = await startHarness(site({ stationPasswordAttempts: 100, stationPasswordAddressAttempts: 4, network: { trustProxy: true } }), { control: false });
    const url = h.app.ocppUrl;
    const from = (address: string) => ({ wsOpts: { headers: { 'X-Forwarded-For': address } } });
    for (const id of ['CP-001', 'CP-004']) {
      for (let i = 0; i < 2; i++) expect(await statusOf(connectRaw(url, id, { password: `wrong-${i}`, ...from('203.0.113.7') }))).toBe(401);
    }
    expect(await statusOf(connectRaw(url, 'CP-001', { password: 'secret-key-001', ...from('203.0.113.7') }))).toBe(429);
    expect(await statusOf(connectRaw(url, 'CP-004', { password: 'secret-key-004', ...from('203.0.113.7') }))).toBe(429);
    expect(await statusOf(connectRaw(url, 'CP-001', { password: 'secret-key-001', ...from('198.51.100.2') }))).toBe('connected');
  });

  it('counts the address the proxy appended, not one the client wrote before it (issue 14)', async () => {
    h = await startHarness(site({ stationPasswordAttempts: 100, stationPasswordAddressAttempts: 3, network: { trustProxy: true } }), { control: false });
    const url = h.app.ocppUrl;
    // The client writes a new address first each time; the proxy appends the real one.
    const spoofed = (i: number) => ({ wsOpts: { headers: { 'X-Forwarded-For': `192.0.2.${i}, 203.0.113.9` } } });
    for (let i = 0; i < 3; i++) expect(await statusOf(connectRaw(url, 'CP-001', { password: `wrong-${i}`, ...spoofed(i) }))).toBe(401);
    expect(await statusOf(connectRaw(url, 'CP-004', { password: 'secret-key-004', ...spoofed(99) }))).toBe(429);
  });

  it('takes a change of the advanced settings at the next upgrade, without a restart', async () => {
    const api = await startApiHarness(site({}), { control: false });
    h = api;
    const url = h.app.ocppUrl;
    expect((await api.admin.get('/api/settings/advanced')).body).toMatchObject({ stationPasswordAttempts: 5, stationPasswordAddressAttempts: 20, stationPasswordBackoffMaxS: 600, pendingStationsMax: 100, pendingStationExpiryDays: 7 });
    expect((await api.admin.patch('/api/settings/advanced', { stationPasswordAttempts: 1 })).status).toBe(200);
    expect(await statusOf(connectRaw(url, 'CP-001', { password: 'wrong' }))).toBe(401);
    expect(await statusOf(connectRaw(url, 'CP-001', { password: 'secret-key-001' }))).toBe(429);
    expect((await api.admin.patch('/api/settings/advanced', { pendingStationsMax: 0 })).status).toBe(400);
    // A new password clears the station's failures at once.
    expect((await api.admin.patch('/api/stations/CP-001', { password: 'secret-key-new' })).status).toBe(200);
    expect(await statusOf(connectRaw(url, 'CP-001', { password: 'secret-key-new' }))).toBe('connected');
  });

  it('lets the station in once its backoff ends, and a success starts its count afresh', async () => {
    h = await startHarness(site({ stationPasswordAttempts: 2, stationPasswordAddressAttempts: 100_000, stationPasswordBackoffMaxS: 1 }), { control: false });
    const url = h.app.ocppUrl;
    for (let i = 0; i < 2; i++) expect(await statusOf(connectRaw(url, 'CP-001', { password: `wrong-${i}` }))).toBe(401);
    expect(await statusOf(connectRaw(url, 'CP-001', { password: 'secret-key-001' }))).toBe(429);
    await waitFor(async () => (await statusOf(connectRaw(url, 'CP-001', { password: 'secret-key-001' }))) === 'connected', 'the backoff to end', 10_000);
    // Counted from zero again: one wrong password is a 401, not a 429.
    expect(await statusOf(connectRaw(url, 'CP-001', { password: 'wrong-again' }))).toBe(401);
    expect(await statusOf(connectRaw(url, 'CP-001', { password: 'secret-key-001' }))).toBe('connected');
  });
});
