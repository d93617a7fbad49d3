// Issue 16, item 3: the session export (W10) over real HTTP and SQLite takes the sessions that
// overlap its period (not only those that started in it), names the energy outside every TOU
// period `NoPeriod`, and gives each session's energy within the period from its meter samples,
// split at the TOU boundaries.
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXPORT_PAGE_SIZE } from '../src/services/session-csv-stream.js';
import type { SiteFile } from '../src/site/site-schema.js';
import type { NewMeterSample } from '../src/store/schema.js';
import { startApiHarness, type ApiHarness } from './helpers/api-client.js';
import { testSite } from './helpers/harness.js';

const ALL = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
const site = (): SiteFile => ({
  ...testSite(),
  tou: {
    enabled: true, timeZone: 'UTC',
    periods: [
      { name: 'peak', enabled: true, pct: 60, weekdays: [...ALL], slots: [{ startHour: 18, startMinute: 0, endHour: 22, endMinute: 0 }] },
      { name: 'night', enabled: true, pct: 100, weekdays: [...ALL], slots: [{ startHour: 22, startMinute: 0, endHour: 6, endMinute: 0 }] },
    ],
  },
});
const at = (iso: string) => Date.parse(`${iso}Z`);
const FEBRUARY = 'from=2025-02-01T00:00:00Z&to=2025-03-01T00:00:00Z';
/** Sessions of stations removed since, started before February and still going in it: more than a page. */
const RUNNING_ELSEWHERE = EXPORT_PAGE_SIZE + 30;
/** Sessions that all started at the same instant in February: the keyset pages across their ties. */
const SAME_START = 2 * EXPORT_PAGE_SIZE + 50;

interface Session {
  station: string;
  connector: number;
  startAt: string;
  meterStartWh?: number;
  readings?: [string, number][];
  stop?: [string, number];
}

describe('W10 session export of a period (issue 16, item 3)', () => {
  let h: ApiHarness;
  const ids: Record<string, number> = {};
  const record = async (name: string, s: Session) => {
    const { store } = h.app;
    ids[name] = await store.commit(async (db) => {
      const startAt = at(s.startAt);
      const { id } = await store.transactions.start(db, {
        stationId: s.station, connectorId: s.connector, idTag: 'GOOD', authStatus: 'Accepted', reservationId: null, meterStartWh: s.meterStartWh ?? 0, startAt,
      }, startAt);
      const samples: NewMeterSample[] = (s.readings ?? []).map(([time, wh]) => ({
        transaction_id: id, station_id: s.station, connector_id: s.connector, at: at(time), measurand: 'Energy.Active.Import.Register', phase: null, value: wh, unit: 'Wh', context: null,
      }));
      await store.transactions.addSamples(db, samples);
      if (s.stop) await store.transactions.stop(db, id, { meterStopWh: s.stop[1], stopAt: at(s.stop[0]), reason: 'Local', idTag: null });
      return id;
    });
  };
  const exported = async (query: string) => {
    const r = await h.user.get(`/api/sessions/csv?${query}`);
    expect(r.status).toBe(200);
    const [header, ...rows] = parse(r.text) as string[][];
    return { header, rows, row: (name: string) => rows.find((x) => x[0] === String(ids[name])) };
  };

  beforeAll(async () => {
    h = await startApiHarness(site(), { control: false });
    // Across February's start and the 06:00 end of the night: 1 kWh in January; in February 1 kWh
    // from 00:00 to 05:00, 3 kWh from 05:00 to 06:30 (2 of them before 06:00), 0.6 kWh to 07:00.
    await record('acrossStart', {
      station: 'CP-001', connector: 1, startAt: '2025-01-31T23:00:00',
      readings: [['2025-02-01T00:00:00', 1000], ['2025-02-01T05:00:00', 2000], ['2025-02-01T06:30:00', 5000]], stop: ['2025-02-01T07:00:00', 5600],
    });
    // Ongoing since January 20: 10 kWh by February's start, then 1.2 kWh over 12 h (6 h of night).
    await record('ongoingBefore', {
      station: 'CP-002', connector: 1, startAt: '2025-01-20T08:00:00',
      readings: [['2025-02-01T00:00:00', 10_000], ['2025-02-01T12:00:00', 11_200]],
    });
    // Ended before February, and exactly at its start: not in it.
    await record('endedBefore', { station: 'CP-003', connector: 1, startAt: '2025-01-31T10:00:00', stop: ['2025-01-31T12:00:00', 2000] });
    await record('endedAtStart', { station: 'CP-003', connector: 1, startAt: '2025-01-31T22:00:00', meterStartWh: 2000, stop: ['2025-02-01T00:00:00', 3000] });
    // In February across the 18:00 boundary, without samples: split from its start and stop registers.
    await record('inside', { station: 'CP-003', connector: 1, startAt: '2025-02-10T17:00:00', meterStartWh: 3000, stop: ['2025-02-10T19:00:00', 5000] });
    // Across February's end: 4 kWh evenly over 4 h, half of it in February.
    await record('acrossEnd', { station: 'CP-002', connector: 2, startAt: '2025-02-28T22:00:00', stop: ['2025-03-01T02:00:00', 4000] });
    await record('after', { station: 'CP-003', connector: 1, startAt: '2025-03-02T10:00:00', meterStartWh: 5000, stop: ['2025-03-02T11:00:00', 6000] });
    for (let i = 0; i < RUNNING_ELSEWHERE; i++) await record(`elsewhere${i}`, { station: `OLD-${String(i).padStart(3, '0')}`, connector: 1 + (i % 2), startAt: '2025-01-15T12:00:00' });
    for (let i = 0; i < SAME_START; i++) {
      await record(`tie${i}`, { station: 'TIE', connector: 1 + i, startAt: '2025-02-15T12:00:00', stop: ['2025-02-15T13:00:00', 100] });
    }
  }, 120_000);
  afterAll(async () => { await h?.cleanup(); });

  it('W10: names the column of the energy outside every TOU period NoPeriod', async () => {
    const { header } = await exported(FEBRUARY);
    expect(header).toEqual(['transaction', 'station', 'connector', 'idTag', 'chargeType', 'start', 'end', 'energyKWh', 'socketType', 'duration',
      'comment', 'chargeBoxIdentity', 'NoPeriod', 'tou:peak kWh', 'tou:night kWh']);
  });

  it('W10: exports the sessions that overlap the period, once each, in start order', async () => {
    const { rows } = await exported(FEBRUARY);
    const expected = [
      ...Array.from({ length: RUNNING_ELSEWHERE }, (_, i) => `elsewhere${i}`), 'ongoingBefore', 'acrossStart', 'inside',
      ...Array.from({ length: SAME_START }, (_, i) => `tie${i}`), 'acrossEnd',
    ];
    expect(rows.map((r) => r[0])).toEqual(expected.map((name) => String(ids[name])));
    for (const name of ['endedBefore', 'endedAtStart', 'after']) expect(rows.map((r) => r[0])).not.toContain(String(ids[name]));
    // The other filters still apply to the sessions that started before the period.
    const station = await exported(`${FEBRUARY}&station=CP-002`);
    expect(station.rows.map((r) => r[0])).toEqual([ids.ongoingBefore, ids.acrossEnd].map(String));
    const ongoing = await exported(`${FEBRUARY}&ongoing=true`);
    expect(ongoing.rows.map((r) => r[0])).toEqual([...Array.from({ length: RUNNING_ELSEWHERE }, (_, i) => ids[`elsewhere${i}`]), ids.ongoingBefore].map(String));
    // An empty period holds nothing.
    expect((await exported('from=2025-02-01T00:00:00Z&to=2025-02-01T00:00:00Z')).rows).toEqual([]);
  });

  it('W10: gives the energy within the period from the meter samples, split at the TOU boundary', async () => {
    const { row } = await exported(FEBRUARY);
    // The session's own start, end and duration; its energy in February: 4.6 kWh, 3 of them at night.
    expect(row('acrossStart')?.slice(5, 15)).toEqual([
      '2025-01-31T23:00:00.000Z', '2025-02-01T07:00:00.000Z', '4.600', '', '8:00:00', '', 'CP-001', '1.600', '0.000', '3.000',
    ]);
    // Ongoing: no end, its energy up to its last reading.
    expect(row('ongoingBefore')?.slice(6, 8)).toEqual(['', '1.200']);
    expect(row('ongoingBefore')?.slice(12)).toEqual(['0.600', '0.000', '0.600']);
    // No samples: linear between its start and stop registers.
    expect(row('inside')?.slice(7)).toEqual(['2.000', '', '2:00:00', '', 'CP-003', '1.000', '1.000', '0.000']);
    expect(row('acrossEnd')?.slice(7)).toEqual(['2.000', '', '4:00:00', '', 'CP-002', '0.000', '0.000', '2.000']);
    // A session of a removed station: its id as box identity, AC, no energy known.
    expect(row('elsewhere0')?.slice(1, 13)).toEqual(['OLD-000', '1', 'GOOD', 'AC', '2025-01-15T12:00:00.000Z', '', '0.000', '', expect.any(String), '', 'OLD-000', '0.000']);
  });

  it('W10: covers whole sessions without a period, and the months add up to them', async () => {
    const whole = await exported('station=CP-001');
    expect(whole.row('acrossStart')?.slice(7)).toEqual(['5.600', '', '8:00:00', '', 'CP-001', '1.600', '0.000', '4.000']);
    const january = await exported('from=2025-01-01T00:00:00Z&to=2025-02-01T00:00:00Z&station=CP-001');
    expect(january.row('acrossStart')?.slice(7, 8)).toEqual(['1.000']);
    expect(january.row('acrossStart')?.slice(12)).toEqual(['0.000', '0.000', '1.000']);
  });
});
