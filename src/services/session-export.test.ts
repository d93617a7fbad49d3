import fc from 'fast-check';
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import type { TouConfig } from '../domain/limits/tou.js';
import { formatDuration, formatSessionCsv, splitEnergyByTou, touSpans } from './session-export.js';

const ALL = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
/** Peak 18:00–22:00, night 22:00–06:00 (crosses midnight), every day, Paris time. */
const tou = (over: Partial<TouConfig> = {}): TouConfig => ({
  enabled: true, timeZone: 'Europe/Paris',
  periods: [
    { name: 'peak', enabled: true, pct: 60, weekdays: ALL, slots: [{ startHour: 18, startMinute: 0, endHour: 22, endMinute: 0 }] },
    { name: 'night', enabled: true, pct: 100, weekdays: ALL, slots: [{ startHour: 22, startMinute: 0, endHour: 6, endMinute: 0 }] },
  ],
  ...over,
});
// 2025-01-15 is a Wednesday; Paris is UTC+1 in January.
const paris = (hhmm: string, day = 15) => Date.parse(`2025-01-${String(day).padStart(2, '0')}T${hhmm}:00+01:00`);

describe('TOU energy split (W10)', () => {
  it('splits a constant-power session at a period boundary', () => {
    // 17:00 → 19:00, 10 kWh evenly: 5 kWh before 18:00, 5 kWh in peak.
    const split = splitEnergyByTou({ at: paris('17:00'), wh: 1000 }, { at: paris('19:00'), wh: 11_000 }, [], tou(), 'Z');
    expect(split.outsideWh).toBeCloseTo(5000, 6);
    expect(split.byPeriodWh).toEqual({ peak: expect.closeTo(5000, 6), night: 0 });
  });

  it('uses the readings: energy follows the meter, interpolated between readings', () => {
    // 1 kWh from 17:00 to 17:50, then 9 kWh from 17:50 to 18:10 (half of which after 18:00).
    const readings = [{ at: paris('17:50'), wh: 1000 }];
    const split = splitEnergyByTou({ at: paris('17:00'), wh: 0 }, { at: paris('18:10'), wh: 10_000 }, readings, tou(), 'Z');
    expect(split.outsideWh).toBeCloseTo(1000 + 4500, 6);
    expect(split.byPeriodWh.peak).toBeCloseTo(4500, 6);
  });

  it('crosses midnight and three periods', () => {
    // 21:00 → 23:00: 1 h peak, 1 h night; then outside from 06:00 next day.
    const split = splitEnergyByTou({ at: paris('21:00'), wh: 0 }, { at: paris('07:00', 16), wh: 10_000 }, [], tou(), 'Z');
    expect(split.byPeriodWh.peak).toBeCloseTo(1000, 6);
    expect(split.byPeriodWh.night).toBeCloseTo(8000, 6);
    expect(split.outsideWh).toBeCloseTo(1000, 6);
  });

  it('counts overlapping periods once, in the one with the lowest percentage (M1)', () => {
    const config = tou({
      periods: [
        { name: 'peak', enabled: true, pct: 60, weekdays: ALL, slots: [{ startHour: 18, startMinute: 0, endHour: 22, endMinute: 0 }] },
        { name: 'evening', enabled: true, pct: 80, weekdays: ALL, slots: [{ startHour: 17, startMinute: 0, endHour: 23, endMinute: 0 }] },
      ],
    });
    const split = splitEnergyByTou({ at: paris('17:00'), wh: 0 }, { at: paris('19:00'), wh: 2000 }, [], config, 'Z');
    expect(split.byPeriodWh.evening).toBeCloseTo(1000, 6);
    expect(split.byPeriodWh.peak).toBeCloseTo(1000, 6);
    expect(split.outsideWh).toBeCloseTo(0, 6);
  });

  it('puts everything outside when TOU is off, or the zone has no periods in the matrix', () => {
    const start = { at: paris('17:00'), wh: 0 };
    const end = { at: paris('19:00'), wh: 2000 };
    expect(splitEnergyByTou(start, end, [], tou({ enabled: false }), 'Z')).toEqual({ outsideWh: 2000, byPeriodWh: { peak: 0, night: 0 } });
    expect(splitEnergyByTou(start, end, [], null, 'Z')).toEqual({ outsideWh: 2000, byPeriodWh: {} });
    expect(splitEnergyByTou(start, end, [], tou({ zonePeriods: { Z: [] } }), 'Z').outsideWh).toBeCloseTo(2000, 6);
  });

  it('follows daylight saving time (Paris, 2025-03-30 02:00 → 03:00)', () => {
    // 01:00 to 04:00 local is 2 real hours; night ends at 06:00, so all of it is night.
    const spans = touSpans(tou(), 'Z', Date.parse('2025-03-30T01:00:00+01:00'), Date.parse('2025-03-30T07:00:00+02:00'));
    expect(spans.map((s) => [new Date(s.from).toISOString(), s.period])).toEqual([
      ['2025-03-30T00:00:00.000Z', 'night'], ['2025-03-30T04:00:00.000Z', null],
    ]);
  });

  it('always sums to the session energy (property)', () => {
    const day = paris('00:00');
    fc.assert(fc.property(
      fc.integer({ min: 0, max: 2 * 86_400_000 }), fc.integer({ min: 1, max: 86_400_000 }),
      fc.array(fc.tuple(fc.double({ min: 0, max: 1, noNaN: true }), fc.integer({ min: 0, max: 5000 })), { maxLength: 20 }),
      (offset, length, raw) => {
        const start = { at: day + offset, wh: 100 };
        let wh = 100;
        const readings = raw.map(([t, inc]) => ({ at: start.at + Math.floor(t * length), wh: 0, inc }))
          .sort((a, b) => a.at - b.at).map((r) => ({ at: r.at, wh: (wh += r.inc) }));
        const end = { at: start.at + length, wh: wh + 10 };
        const split = splitEnergyByTou(start, end, readings, tou(), 'Z');
        const total = split.outsideWh + Object.values(split.byPeriodWh).reduce((a, b) => a + b, 0);
        expect(total).toBeCloseTo(end.wh - start.wh, 6);
      },
    ), { numRuns: 200 });
  });
});

describe('session CSV (W10)', () => {
  it('has the W10 columns, one per period, in kWh', () => {
    const csv = formatSessionCsv([{
      transactionId: 7, stationId: 'CP-1', connectorId: 2, idTag: 'ABC', chargeType: 'AC', startAt: paris('17:00'), endAt: paris('19:00'),
      energyWh: 10_000, socketType: '', comment: 'fleet', boxIdentity: 'BOX-1', split: { outsideWh: 5000, byPeriodWh: { peak: 5000, night: 0 } },
    }], ['peak', 'night'], 0);
    const rows = parse(csv) as string[][];
    expect(rows[0]).toEqual(['transaction', 'station', 'connector', 'idTag', 'chargeType', 'start', 'end', 'energyKWh', 'socketType', 'duration',
      'comment', 'chargeBoxIdentity', 'outsideTouKWh', 'tou:peak kWh', 'tou:night kWh']);
    expect(rows[1]).toEqual(['7', 'CP-1', '2', 'ABC', 'AC', '2025-01-15T16:00:00.000Z', '2025-01-15T18:00:00.000Z', '10.000', '', '2:00:00',
      'fleet', 'BOX-1', '5.000', '5.000', '0.000']);
    expect(formatDuration(3_661_000)).toBe('1:01:01');
  });

  it('writes text a spreadsheet would run (idTags come from stations) as text (issue 14, row 8)', () => {
    const csv = formatSessionCsv([{
      transactionId: 8, stationId: 'CP-1', connectorId: 1, idTag: '=HYPERLINK("x")', chargeType: 'AC', startAt: paris('17:00'), endAt: paris('18:00'),
      energyWh: 1000, socketType: '', comment: '+CMD', boxIdentity: '@BOX', split: { outsideWh: 1000, byPeriodWh: {} },
    }], [], 0);
    const row = (parse(csv) as string[][])[1];
    expect([row[3], row[10], row[11]]).toEqual(["'=HYPERLINK(\"x\")", "'+CMD", "'@BOX"]);
  });
});
