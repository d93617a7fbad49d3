// Issue 14, row 9: a charge box id is 1 to 48 characters of OCPP's identifierString, refused
// otherwise at the upgrade (400) without a row; pending stations are capped and expire, so that a
// flood of unknown ids neither fills the database nor slows the station lists.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectRaw, startHarness, testSite, type Harness, type RawStation } from './helpers/harness.js';
import { upgradeStatus } from './helpers/net.js';

const MAX_PENDING = 5;

const statusOf = (p: Promise<unknown>) => p.then(async (c) => { await (c as RawStation).close(); return 'connected'; }, (e: { code?: number }) => e.code);

describe('charge box ids and pending stations (issue 14, row 9)', () => {
  let h: Harness;
  const open: RawStation[] = [];
  beforeAll(async () => {
    h = await startHarness({ ...testSite(), settings: { unknownStations: 'pending', pendingStationsMax: MAX_PENDING } }, { control: false });
  });
  afterAll(async () => {
    await Promise.all(open.map((c) => c.close({ force: true } as never).catch(() => undefined)));
    await h?.cleanup();
  });

  const stationCount = async () => (await h.app.store.stations.list()).length;

  it('refuses ids with separators, dot-segments, control characters or markup with 400, and stores nothing', async () => {
    const before = await stationCount();
    const paths = [
      '/ocpp/a%2Fb', '/ocpp/%2E%2E', '/ocpp/.', '/ocpp/CP%00001', '/ocpp/%3Cscript%3Ealert(1)%3C%2Fscript%3E', '/ocpp/CP%22', '/ocpp/CP%25',
      '/ocpp/CP%20001', '/ocpp/CP%09', '/ocpp/caf%C3%A9', '/ocpp/CP%3F1', '/ocpp/CP%231', '/ocpp/CP%5C1', `/ocpp/${'X'.repeat(49)}`,
    ];
    for (const path of paths) expect([path, await upgradeStatus(h.app.port, path)]).toEqual([path, 'HTTP/1.1 400 Bad Request']);
    expect(await stationCount()).toBe(before);
    expect((await fetch(`http://127.0.0.1:${h.app.port}/healthz`)).status).toBe(200);
  });

  it('lets configured stations and ids of the whole identifierString in', async () => {
    expect(await statusOf(connectRaw(h.app.ocppUrl, 'CP-002'))).toBe('connected');
    for (const id of ['EVB-P1234567', 'SN:123', 'a.b_c*d=e+f|g@h', 'X'.repeat(48)]) {
      expect([id, await statusOf(connectRaw(h.app.ocppUrl, id))]).toEqual([id, 'connected']);
      expect(await h.app.store.stations.get(id)).toMatchObject({ admission: 'pending' });
    }
  });

  it('keeps at most pendingStationsMax pending stations through a flood; a connected one keeps its place', async () => {
    const waiting = await connectRaw(h.app.ocppUrl, 'WAITING-1');
    open.push(waiting);
    const answers: unknown[] = [];
    for (let i = 0; i < 150; i += 3) {
      // A few at a time: ids still connected keep their places, so more at once would meet 503s.
      answers.push(...await Promise.all([0, 1, 2].map((j) => statusOf(connectRaw(h.app.ocppUrl, `FLOOD-${i + j}`)))));
    }
    expect(answers.every((a) => a === 'connected' || a === 503)).toBe(true);
    expect(answers.filter((a) => a === 'connected').length).toBeGreaterThan(100);
    const rows = await h.app.store.stations.list();
    expect(rows.filter((s) => s.admission === 'pending').length).toBeLessThanOrEqual(MAX_PENDING);
    expect(rows.length).toBeLessThanOrEqual(3 + MAX_PENDING);
    expect(rows.map((s) => s.id)).toContain('WAITING-1');
    expect((await h.app.store.stations.listAdmitted()).map((s) => s.id)).toEqual(['CP-001', 'CP-002', 'CP-003']);
    // One log line a minute per client address, not one per id.
    const held = (await h.app.store.logs.list({ limit: 1_000 })).filter((l) => l.message.startsWith('unknown station held as pending'));
    expect(held.length).toBeLessThanOrEqual(2);
  });

  it('refuses a new unknown id with 503 once every pending place is taken by a connected station', async () => {
    for (let i = 2; i <= MAX_PENDING; i++) open.push(await connectRaw(h.app.ocppUrl, `WAITING-${i}`));
    expect(await statusOf(connectRaw(h.app.ocppUrl, 'ONE-TOO-MANY'))).toBe(503);
    expect(await h.app.store.stations.get('ONE-TOO-MANY')).toBeUndefined();
    // Known stations still connect; a pending one that comes back keeps its row.
    expect(await statusOf(connectRaw(h.app.ocppUrl, 'CP-003'))).toBe('connected');
    await open.pop()!.close();
    expect(await statusOf(connectRaw(h.app.ocppUrl, `WAITING-${MAX_PENDING}`))).toBe('connected');
  });

  it('removes pending stations not seen for pendingStationExpiryDays, and those with an id no station may use', async () => {
    const old = Date.now() - 8 * 86_400_000;
    await h.app.store.commit(async (db) => {
      await h.app.store.stations.removePending((await h.app.store.stations.listPendingSeen(db)).filter((p) => !p.connected).map((p) => p.id), db);
      await h.app.store.stations.insertPending('STALE-1', old, null, db);
      await h.app.store.stations.insertPending('<script>', Date.now(), null, db);
    });
    expect(await h.app.store.stations.get('STALE-1')).toBeDefined();
    expect(await h.app.stations.prunePending()).toBe(2);
    expect(await h.app.store.stations.get('STALE-1')).toBeUndefined();
    expect(await h.app.store.stations.get('<script>')).toBeUndefined();
    expect(await h.app.store.stations.get('WAITING-1')).toMatchObject({ admission: 'pending' });
  });
});
