// Issue 14, row 6: the session export with TOU does not block the server. A ten-year session
// (2016 → 2026, as stored before stations' times were checked) among thousands of others is
// exported, streamed, while /healthz keeps answering; the ten-year split adds up.
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { splitEnergyByTou, type EnergyReading } from '../src/domain/session/energy-split.js';
import type { SiteFile } from '../src/site/site-schema.js';
import type { NewMeterSample } from '../src/store/schema.js';
import { startApiHarness, type ApiHarness } from './helpers/api-client.js';
import { testSite } from './helpers/harness.js';

const ALL = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
const site = (): SiteFile => ({
  ...testSite(),
  tou: {
    enabled: true, timeZone: 'Europe/Paris',
    periods: [
      { name: 'peak', enabled: true, pct: 60, weekdays: ['mon', 'tue', 'wed', 'thu', 'fri'], slots: [{ startHour: 18, startMinute: 0, endHour: 22, endMinute: 0 }] },
      { name: 'night', enabled: true, pct: 100, weekdays: [...ALL], slots: [{ startHour: 22, startMinute: 0, endHour: 6, endMinute: 0 }] },
    ],
  },
});
const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;
const SHORT_SESSIONS = 3_000;

describe('session export stream (issue 14, row 6)', () => {
  let h: ApiHarness;
  let decade: number;
  let readings: EnergyReading[] = [];
  beforeAll(async () => {
    h = await startApiHarness(site(), { control: false });
    const { store } = h.app;
    const from = Date.parse('2016-01-04T08:00:00Z');
    const to = Date.parse('2026-01-05T08:00:00Z');
    decade = await store.commit(async (db) => {
      const { id } = await store.transactions.start(db, { stationId: 'CP-002', connectorId: 1, idTag: 'GOOD', authStatus: 'Accepted', reservationId: null, meterStartWh: 0, startAt: from }, from);
      const samples: NewMeterSample[] = [];
      // Hourly readings: 87,672 of them, read by the export a page at a time.
      for (let at = from + HOUR_MS, wh = 0; at < to; at += HOUR_MS) {
        samples.push({ transaction_id: id, station_id: 'CP-002', connector_id: 1, at, measurand: 'Energy.Active.Import.Register', phase: null, value: (wh += 10_000 / 24), unit: 'Wh', context: null });
      }
      await store.transactions.addSamples(db, samples);
      readings = samples.map((x) => ({ at: x.at, wh: x.value }));
      await store.transactions.stop(db, id, { meterStopWh: Math.round(samples.length * 10_000 / 24) + 5_000, stopAt: to, reason: 'Local', idTag: null });
      return id;
    });
    // Thousands of day-long sessions around it, on other connectors.
    await store.commit(async (db) => {
      for (let i = 0; i < SHORT_SESSIONS; i++) {
        const startAt = from + i * DAY_MS + 3_600_000;
        const { id } = await store.transactions.start(db, { stationId: 'CP-003', connectorId: 1, idTag: 'GOOD', authStatus: 'Accepted', reservationId: null, meterStartWh: i * 1_000, startAt }, startAt);
        await store.transactions.stop(db, id, { meterStopWh: i * 1_000 + 900, stopAt: startAt + 20 * 3_600_000, reason: 'Local', idTag: null });
      }
    });
  }, 120_000);
  afterAll(async () => { await h?.cleanup(); });

  it('streams the export while /healthz answers; the ten-year split adds up', async () => {
    let done = false;
    const exported = h.user.get('/api/sessions/csv').finally(() => { done = true; });
    const latenciesMs: number[] = [];
    let answeredDuring = 0;
    while (!done) {
      const sent = performance.now();
      const health = await h.anonymous.get('/healthz');
      expect(health.status).toBe(200);
      latenciesMs.push(performance.now() - sent);
      if (!done) answeredDuring += 1;
    }
    const r = await exported;
    expect(r.status).toBe(200);
    expect(r.headers.get('transfer-encoding')).toBe('chunked'); // streamed, not built whole
    // "Does not hang": a blocked event loop held /healthz for the whole split (21 s before).
    expect(Math.max(...latenciesMs)).toBeLessThan(5_000);
    expect(answeredDuring).toBeGreaterThan(0);

    const [header, ...rows] = parse(r.text) as string[][];
    expect(header.slice(12)).toEqual(['NoPeriod', 'tou:peak kWh', 'tou:night kWh']);
    expect(rows).toHaveLength(SHORT_SESSIONS + 1);
    const row = rows.find((x) => x[0] === String(decade))!;
    expect(row.slice(5, 7)).toEqual(['2016-01-04T08:00:00.000Z', '2026-01-05T08:00:00.000Z']);
    const [outside, peak, night] = row.slice(12).map(Number);
    expect(outside + peak + night).toBeCloseTo(Number(row[7]), 1);
    // All its readings at once give the same split.
    const tx = (await h.app.store.transactions.get(decade))!;
    const whole = splitEnergyByTou({ at: tx.start_at, wh: tx.meter_start_wh }, { at: tx.stop_at!, wh: tx.meter_stop_wh! }, readings, site().tou, 'Row A');
    expect([outside, peak, night]).toEqual([whole.noPeriodWh, whole.byPeriodWh.peak, whole.byPeriodWh.night].map((wh) => Number((wh / 1000).toFixed(3))));
    // Ten kWh a day, evenly: a night is 8 h of 24, a peak 4 h on five days of seven.
    expect(night / Number(row[7])).toBeCloseTo(8 / 24, 2);
    expect(peak / Number(row[7])).toBeCloseTo((4 / 24) * (5 / 7), 2);
  }, 120_000);
});
