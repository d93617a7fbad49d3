// Sessions over real HTTP (O7, O8, W3, W10): list and filters, stop, force stop, CSV export
// with the energy split between TOU periods.
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SimStation } from '../src/sim/index.js';
import type { SiteFile } from '../src/site/site-schema.js';
import { startApiHarness, type ApiHarness } from './helpers/api-client.js';
import { testSite, waitFor } from './helpers/harness.js';

const ALL = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
const site = (): SiteFile => ({
  ...testSite(),
  // The socket type fills the export's column (W10, issue 16).
  stations: testSite().stations?.map((st) => (st.id === 'CP-003' ? { ...st, connectors: [{ id: 1, socketType: 'T2S' as const }] } : st)),
  tou: {
    enabled: true, timeZone: 'UTC',
    periods: [
      { name: 'peak', enabled: true, pct: 60, weekdays: [...ALL], slots: [{ startHour: 18, startMinute: 0, endHour: 22, endMinute: 0 }] },
      { name: 'night', enabled: true, pct: 100, weekdays: [...ALL], slots: [{ startHour: 22, startMinute: 0, endHour: 6, endMinute: 0 }] },
    ],
  },
});
const energy = (at: string, wh: number) => ({ timestamp: at, sampledValue: [{ value: String(wh), measurand: 'Energy.Active.Import.Register' as const, unit: 'Wh' as const }] });

describe('sessions API', () => {
  let h: ApiHarness;
  let sim: SimStation;
  let recorded: number;
  beforeAll(async () => {
    h = await startApiHarness(site(), { control: { debounceMs: 20 } });
    // A past session of CP-003 across the 18:00 boundary, recorded as its station would send it.
    const { transactionId } = await h.app.sessions.start('CP-003', { connectorId: 1, idTag: 'GOOD', meterStart: 1000, timestamp: '2025-01-15T17:00:00Z' });
    recorded = transactionId;
    await h.app.sessions.meterValues('CP-003', { connectorId: 1, transactionId, meterValue: [energy('2025-01-15T17:30:00Z', 3000)] });
    await h.app.sessions.meterValues('CP-003', { connectorId: 1, transactionId, meterValue: [energy('2025-01-15T18:30:00Z', 5000)] });
    await h.app.sessions.stop('CP-003', { transactionId, meterStop: 6000, timestamp: '2025-01-15T19:00:00Z', reason: 'EVDisconnected' });
    await h.user.patch('/api/badges/GOOD', { comment: 'Fleet, car 1' });
    sim = new SimStation({ id: 'CP-002', url: h.app.ocppUrl, tickIntervalMs: 100 });
    expect(await sim.start()).toBe('Accepted');
  });
  afterAll(async () => {
    await sim?.stop();
    await h?.cleanup();
  });

  it('lists ongoing and all sessions, filtered by station, badge and period, paginated', async () => {
    await sim.plugIn(1);
    await sim.presentBadge(1, 'GOOD');
    await waitFor(() => sim.transactionId(1) !== undefined, 'a session on CP-002');
    const ongoing = await h.user.get('/api/sessions?ongoing=true');
    expect(ongoing.body).toMatchObject({ total: 1, offset: 0, limit: 50, items: [{ transactionId: sim.transactionId(1), stationId: 'CP-002', ongoing: true, stopAt: null }] });
    const all = await h.user.get('/api/sessions');
    expect(all.body.total).toBe(2);
    expect(all.body.items.map((s: { transactionId: number }) => s.transactionId)).toEqual([sim.transactionId(1), recorded]);
    expect(all.body.items[1]).toMatchObject({ stationId: 'CP-003', idTag: 'GOOD', energyWh: 5000, stopReason: 'EVDisconnected', ongoing: false });
    expect((await h.user.get('/api/sessions?station=CP-003')).body.items).toHaveLength(1);
    expect((await h.user.get('/api/sessions?badge=NOBODY')).body).toMatchObject({ total: 0, items: [] });
    expect((await h.user.get('/api/sessions?from=2025-01-15&to=2025-01-16')).body.items.map((s: { transactionId: number }) => s.transactionId)).toEqual([recorded]);
    const page = await h.user.get('/api/sessions?limit=1&offset=1');
    expect(page.body).toMatchObject({ total: 2, offset: 1, limit: 1, items: [{ transactionId: recorded }] });
    expect((await h.user.get(`/api/sessions/${recorded}`)).body).toMatchObject({ transactionId: recorded, meterStartWh: 1000, meterStopWh: 6000 });
  });

  it('answers 400 naming the parameter, and 404 for an unknown session', async () => {
    const bad = await h.user.get('/api/sessions?from=yesterday-ish');
    expect(bad.status).toBe(400);
    expect(bad.body.details[0].field).toBe('querystring.from');
    expect((await h.user.get('/api/sessions?limit=100000')).body.details[0].field).toBe('querystring.limit');
    expect((await h.user.get('/api/sessions?colour=red')).status).toBe(400);
    expect((await h.user.get('/api/sessions/abc')).body.details[0].field).toBe('params.id');
    expect((await h.user.get('/api/sessions/999999')).status).toBe(404);
    expect((await h.user.post('/api/sessions/999999/stop')).status).toBe(404);
    expect((await h.user.post('/api/sessions/999999/force-stop')).status).toBe(404);
  });

  it('exports a period as CSV with the energy split at the TOU boundary and the connector\'s socket type (W10)', async () => {
    const r = await h.user.get('/api/sessions/csv?from=2025-01-15T00:00:00Z&to=2025-01-16T00:00:00Z');
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toMatch(/^text\/csv/);
    const [header, ...rows] = parse(r.text) as string[][];
    expect(header).toEqual(['transaction', 'station', 'connector', 'idTag', 'chargeType', 'start', 'end', 'energyKWh', 'socketType', 'duration',
      'comment', 'chargeBoxIdentity', 'NoPeriod', 'tou:peak kWh', 'tou:night kWh']);
    expect(rows).toEqual([[String(recorded), 'CP-003', '1', 'GOOD', 'AC', '2025-01-15T17:00:00.000Z', '2025-01-15T19:00:00.000Z', '5.000', 'T2S', '2:00:00',
      'Fleet, car 1', 'CP-003', '3.000', '2.000', '0.000']]);
    const [outside, peak, night] = rows[0].slice(12).map(Number);
    expect(outside + peak + night).toBeCloseTo(Number(rows[0][7]), 3);
    const everything = parse((await h.user.get('/api/sessions/csv')).text) as string[][];
    expect(everything).toHaveLength(3);
  });

  it('stops a session through its station, and force-stops one the station will never stop (O8)', async () => {
    const id = sim.transactionId(1)!;
    const stop = await h.user.post(`/api/sessions/${id}/stop`);
    expect(stop.body).toMatchObject({ action: 'RemoteStopTransaction', outcome: 'answered', accepted: true, status: 'Accepted' });
    await waitFor(async () => (await h.user.get(`/api/sessions/${id}`)).body.ongoing === false, 'the session stopped');
    expect((await h.user.get(`/api/sessions/${id}`)).body.stopReason).toBe('Remote');
    expect((await h.user.post(`/api/sessions/${id}/stop`)).body).toMatchObject({ error: 'not-ongoing' });
    expect((await h.user.post(`/api/sessions/${id}/force-stop`)).status).toBe(409);

    const { transactionId: lost } = await h.app.sessions.start('CP-001', { connectorId: 1, idTag: 'GOOD', meterStart: 500, timestamp: new Date().toISOString() });
    await h.app.sessions.meterValues('CP-001', { connectorId: 1, transactionId: lost, meterValue: [energy(new Date().toISOString(), 1700)] });
    const offline = await h.user.post(`/api/sessions/${lost}/stop`);
    expect(offline.status).toBe(409);
    expect(offline.body).toMatchObject({ error: 'station-offline' });
    const forced = await h.user.post(`/api/sessions/${lost}/force-stop`);
    expect(forced.body).toEqual({ transactionId: lost, meterStopWh: 1700, energyWh: 1200 });
    expect((await h.user.get(`/api/sessions/${lost}`)).body).toMatchObject({ ongoing: false, stopReason: 'ForceStop' });
    const audit = await h.app.store.audit.list({ action: 'session.force-stop' });
    expect(audit[0]).toMatchObject({ actor: 'operator', target: String(lost) });
  });
});
