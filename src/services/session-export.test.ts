import fc from 'fast-check';
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { activeTouPeriod, type TouConfig } from '../domain/limits/tou.js';
import { formatDuration, formatSessionCsv, splitEnergyByTou, type EnergyReading } from './session-export.js';

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
const DST_CHANGES = ['2024-10-27T01:00:00Z', '2025-03-30T01:00:00Z', '2025-10-26T01:00:00Z', '2026-03-29T01:00:00Z', '2025-01-15T12:00:00Z'].map(Date.parse);

/**
 * The reference (issue 14, row 6): time walked in steps of `stepMs` (UTC), each step in the period
 * of its local time read from Intl; the energy between two readings spread evenly over its steps.
 */
function walkEnergy(config: TouConfig, start: EnergyReading, end: EnergyReading, readings: readonly EnergyReading[], stepMs: number): Map<string | null, number> {
  const format = new Intl.DateTimeFormat('en-US', { timeZone: config.timeZone, weekday: 'short', hour: 'numeric', minute: 'numeric', hourCycle: 'h23' });
  const days = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];
  const periodAt = (at: number) => {
    const parts = Object.fromEntries(format.formatToParts(at).map((p) => [p.type, p.value]));
    return activeTouPeriod(config, 'Z', { weekday: days.indexOf(parts.weekday), minuteOfDay: (Number(parts.hour) % 24) * 60 + Number(parts.minute) })?.name ?? null;
  };
  const points = [start, ...readings, end];
  const out = new Map<string | null, number>();
  // Readings at the same instant: that instant's period.
  for (let i = 1; i < points.length; i++) {
    const a = points[i - 1];
    if (points[i].at === a.at) out.set(periodAt(a.at), (out.get(periodAt(a.at)) ?? 0) + points[i].wh - a.wh);
  }
  let k = 1;
  for (let m = Math.floor(start.at / stepMs) * stepMs; m < end.at; m += stepMs) {
    const period = periodAt(m);
    for (let i = k; i < points.length; i++) {
      const a = points[i - 1];
      const b = points[i];
      const overlap = Math.min(m + stepMs, b.at) - Math.max(m, a.at);
      if (overlap > 0 && b.at > a.at) out.set(period, (out.get(period) ?? 0) + ((b.wh - a.wh) * overlap) / (b.at - a.at));
      if (b.at > m + stepMs) break;
      k = i + 1;
    }
  }
  return out;
}

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
    // 01:00+01:00 to 07:00+02:00 is 5 real hours: night until 06:00 local (4 h), then 1 h outside.
    const split = splitEnergyByTou({ at: Date.parse('2025-03-30T01:00:00+01:00'), wh: 0 }, { at: Date.parse('2025-03-30T07:00:00+02:00'), wh: 5000 }, [], tou(), 'Z');
    expect(split.byPeriodWh.night).toBeCloseTo(4000, 6);
    expect(split.outsideWh).toBeCloseTo(1000, 6);
  });

  it('never counts negative energy: a register that goes back stands still', () => {
    const split = splitEnergyByTou({ at: paris('17:00'), wh: 1000 }, { at: paris('19:00'), wh: 500 }, [{ at: paris('18:30'), wh: 3000 }], tou(), 'Z');
    expect(split).toEqual({ outsideWh: 0, byPeriodWh: { peak: 0, night: 0 } });
    const dip = splitEnergyByTou({ at: paris('17:00'), wh: 0 }, { at: paris('19:00'), wh: 2000 }, [{ at: paris('17:30'), wh: 1500 }, { at: paris('18:00'), wh: 100 }], tou(), 'Z');
    expect(dip.outsideWh).toBeCloseTo(1500, 6);
    expect(dip.byPeriodWh.peak).toBeCloseTo(500, 6);
  });

  it('gives the energies a walk minute by minute gives (random sessions and readings, Paris, across DST; seeded)', () => {
    fc.assert(fc.property(
      fc.constantFrom(...DST_CHANGES), fc.integer({ min: -2 * 86_400_000, max: 2 * 86_400_000 }), fc.integer({ min: 2, max: 2 * 86_400_000 }),
      fc.array(fc.tuple(fc.double({ min: 0, max: 1, noNaN: true }), fc.integer({ min: 0, max: 5000 })), { maxLength: 8 }),
      (near, offset, length, raw) => {
        const start = { at: near + offset, wh: 100 };
        let wh = 100;
        // Readings strictly inside the session (several may share an instant).
        const readings = raw.map(([t, inc]) => ({ at: start.at + 1 + Math.floor(t * (length - 2)), inc }))
          .sort((a, b) => a.at - b.at).map((r) => ({ at: r.at, wh: (wh += r.inc) }));
        const end = { at: start.at + length, wh: wh + 10 };
        const split = splitEnergyByTou(start, end, readings, tou(), 'Z');
        const expected = walkEnergy(tou(), start, end, readings, 60_000);
        for (const name of ['peak', 'night']) expect(split.byPeriodWh[name]).toBeCloseTo(expected.get(name) ?? 0, 4);
        expect(split.outsideWh).toBeCloseTo(expected.get(null) ?? 0, 4);
      },
    ), { seed: 20_261_206, numRuns: 120 });
  });

  it('splits a ten-year session (2016 → 2026) as the walk does, at once', () => {
    // Quarter-hour slots (the walk then steps by quarter hours), monthly readings at varying rates.
    const config = tou({
      periods: [
        { name: 'peak', enabled: true, pct: 60, weekdays: ['mon', 'tue', 'wed', 'thu', 'fri'], slots: [{ startHour: 17, startMinute: 45, endHour: 21, endMinute: 15 }] },
        { name: 'night', enabled: true, pct: 100, weekdays: ALL, slots: [{ startHour: 22, startMinute: 30, endHour: 6, endMinute: 0 }] },
      ],
    });
    const start = { at: Date.parse('2016-03-01T10:07:13Z'), wh: 5_000 };
    const readings: EnergyReading[] = [];
    let wh = start.wh;
    for (let at = start.at + 17 * 86_400_000; at < Date.parse('2026-02-27T00:00:00Z'); at += 31 * 86_400_000 + 3_600_000) {
      readings.push({ at, wh: (wh += 20_000 + (readings.length % 7) * 15_000) });
    }
    const end = { at: Date.parse('2026-02-27T18:53:41Z'), wh: wh + 12_345 };
    const split = splitEnergyByTou(start, end, readings, config, 'Z');
    const expected = walkEnergy(config, start, end, readings, 15 * 60_000);
    const total = end.wh - start.wh;
    for (const name of ['peak', 'night']) expect(Math.abs(split.byPeriodWh[name] - (expected.get(name) ?? 0))).toBeLessThan(total * 1e-9);
    expect(Math.abs(split.outsideWh - (expected.get(null) ?? 0))).toBeLessThan(total * 1e-9);
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
