// The energy of a session per TOU period (W10): against a walk minute by minute, across DST, and
// clipped to an exported span of time (issue 16, item 3).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { activeTouPeriod, type TouConfig } from '../limits/tou.js';
import { energySplitter, splitEnergyByTou, type EnergyReading, type EnergySplit } from './energy-split.js';

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
    expect(split.noPeriodWh).toBeCloseTo(5000, 6);
    expect(split.byPeriodWh).toEqual({ peak: expect.closeTo(5000, 6), night: 0 });
  });

  it('uses the readings: energy follows the meter, interpolated between readings', () => {
    // 1 kWh from 17:00 to 17:50, then 9 kWh from 17:50 to 18:10 (half of which after 18:00).
    const readings = [{ at: paris('17:50'), wh: 1000 }];
    const split = splitEnergyByTou({ at: paris('17:00'), wh: 0 }, { at: paris('18:10'), wh: 10_000 }, readings, tou(), 'Z');
    expect(split.noPeriodWh).toBeCloseTo(1000 + 4500, 6);
    expect(split.byPeriodWh.peak).toBeCloseTo(4500, 6);
  });

  it('crosses midnight and three periods', () => {
    // 21:00 → 23:00: 1 h peak, 1 h night; then outside from 06:00 next day.
    const split = splitEnergyByTou({ at: paris('21:00'), wh: 0 }, { at: paris('07:00', 16), wh: 10_000 }, [], tou(), 'Z');
    expect(split.byPeriodWh.peak).toBeCloseTo(1000, 6);
    expect(split.byPeriodWh.night).toBeCloseTo(8000, 6);
    expect(split.noPeriodWh).toBeCloseTo(1000, 6);
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
    expect(split.noPeriodWh).toBeCloseTo(0, 6);
  });

  it('puts everything outside when TOU is off, or the zone has no periods in the matrix', () => {
    const start = { at: paris('17:00'), wh: 0 };
    const end = { at: paris('19:00'), wh: 2000 };
    expect(splitEnergyByTou(start, end, [], tou({ enabled: false }), 'Z')).toEqual({ noPeriodWh: 2000, byPeriodWh: { peak: 0, night: 0 }, totalWh: 2000 });
    expect(splitEnergyByTou(start, end, [], null, 'Z')).toEqual({ noPeriodWh: 2000, byPeriodWh: {}, totalWh: 2000 });
    expect(splitEnergyByTou(start, end, [], tou({ zonePeriods: { Z: [] } }), 'Z').noPeriodWh).toBeCloseTo(2000, 6);
  });

  it('follows daylight saving time (Paris, 2025-03-30 02:00 → 03:00)', () => {
    // 01:00+01:00 to 07:00+02:00 is 5 real hours: night until 06:00 local (4 h), then 1 h outside.
    const split = splitEnergyByTou({ at: Date.parse('2025-03-30T01:00:00+01:00'), wh: 0 }, { at: Date.parse('2025-03-30T07:00:00+02:00'), wh: 5000 }, [], tou(), 'Z');
    expect(split.byPeriodWh.night).toBeCloseTo(4000, 6);
    expect(split.noPeriodWh).toBeCloseTo(1000, 6);
  });

  it('never counts negative energy: a register that goes back stands still', () => {
    const split = splitEnergyByTou({ at: paris('17:00'), wh: 1000 }, { at: paris('19:00'), wh: 500 }, [{ at: paris('18:30'), wh: 3000 }], tou(), 'Z');
    expect(split).toEqual({ noPeriodWh: 0, byPeriodWh: { peak: 0, night: 0 }, totalWh: 0 });
    const dip = splitEnergyByTou({ at: paris('17:00'), wh: 0 }, { at: paris('19:00'), wh: 2000 }, [{ at: paris('17:30'), wh: 1500 }, { at: paris('18:00'), wh: 100 }], tou(), 'Z');
    expect(dip.noPeriodWh).toBeCloseTo(1500, 6);
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
        expect(split.noPeriodWh).toBeCloseTo(expected.get(null) ?? 0, 4);
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
    expect(Math.abs(split.noPeriodWh - (expected.get(null) ?? 0))).toBeLessThan(total * 1e-9);
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
        const total = split.noPeriodWh + Object.values(split.byPeriodWh).reduce((a, b) => a + b, 0);
        expect(total).toBeCloseTo(end.wh - start.wh, 6);
      },
    ), { numRuns: 200 });
  });
});

describe('W10: the energy within an exported span of time (issue 16, item 3)', () => {
  const parts = (split: EnergySplit) => [split.noPeriodWh, split.byPeriodWh.peak, split.byPeriodWh.night];

  it('W10: counts only the energy within the window, split at the TOU boundary', () => {
    // 17:00 → 19:00, 10 kWh evenly; the window starts at 17:30 and ends at 18:30.
    const start = { at: paris('17:00'), wh: 1000 };
    const end = { at: paris('19:00'), wh: 11_000 };
    const split = splitEnergyByTou(start, end, [], tou(), 'Z', { fromAt: paris('17:30'), toAt: paris('18:30') });
    expect(parts(split)).toEqual([expect.closeTo(2500, 6), expect.closeTo(2500, 6), 0]);
    expect(split.totalWh).toBeCloseTo(5000, 6);
    // One end open: everything from 18:30 on.
    expect(splitEnergyByTou(start, end, [], tou(), 'Z', { fromAt: paris('18:30') }).byPeriodWh.peak).toBeCloseTo(2500, 6);
  });

  it('W10: follows the readings inside the window, not the session average', () => {
    // 9 kWh between 17:50 and 18:10, 1 kWh in the 50 minutes before: the window from 18:00 gets half the 9.
    const readings = [{ at: paris('17:50'), wh: 1000 }, { at: paris('18:10'), wh: 10_000 }];
    const split = splitEnergyByTou({ at: paris('17:00'), wh: 0 }, { at: paris('19:00'), wh: 10_000 }, readings, tou(), 'Z', { fromAt: paris('18:00') });
    expect(parts(split)).toEqual([0, expect.closeTo(4500, 6), 0]);
    expect(split.totalWh).toBeCloseTo(4500, 6);
  });

  it('W10: a session across midnight of a month\'s end counts in each month for its energy there', () => {
    // 22:00 on Jan 31 → 02:00 on Feb 1 (Paris, all night), 8 kWh, readings every hour: 1, 2, 3 then 2 kWh.
    const at = (iso: string) => Date.parse(`${iso}+01:00`);
    const start = { at: at('2025-01-31T22:00:00'), wh: 0 };
    const end = { at: at('2025-02-01T02:00:00'), wh: 8000 };
    const readings = [{ at: at('2025-01-31T23:00:00'), wh: 1000 }, { at: at('2025-02-01T00:00:00'), wh: 3000 }, { at: at('2025-02-01T01:00:00'), wh: 6000 }];
    const month = at('2025-02-01T00:00:00');
    const january = splitEnergyByTou(start, end, readings, tou(), 'Z', { toAt: month });
    const february = splitEnergyByTou(start, end, readings, tou(), 'Z', { fromAt: month });
    expect([january.totalWh, january.byPeriodWh.night]).toEqual([3000, expect.closeTo(3000, 6)]);
    expect([february.totalWh, february.byPeriodWh.night]).toEqual([5000, expect.closeTo(5000, 6)]);
  });

  it('W10: without TOU, the window\'s energy is all NoPeriod; a window outside the session has none', () => {
    const start = { at: paris('17:00'), wh: 0 };
    const end = { at: paris('19:00'), wh: 2000 };
    expect(splitEnergyByTou(start, end, [], null, 'Z', { toAt: paris('18:00') })).toEqual({ noPeriodWh: 1000, byPeriodWh: {}, totalWh: 1000 });
    expect(splitEnergyByTou(start, end, [], tou(), 'Z', { fromAt: paris('19:00') })).toEqual({ noPeriodWh: 0, byPeriodWh: { peak: 0, night: 0 }, totalWh: 0 });
    expect(splitEnergyByTou(start, end, [], tou(), 'Z', { toAt: paris('17:00') }).totalWh).toBe(0);
  });

  it('W10: energy at one instant belongs to the window that holds the instant ([from, to))', () => {
    // Two readings at 18:00: 3 kWh at that instant.
    const readings = [{ at: paris('18:00'), wh: 0 }, { at: paris('18:00'), wh: 3000 }];
    const start = { at: paris('17:00'), wh: 0 };
    const end = { at: paris('19:00'), wh: 3000 };
    expect(splitEnergyByTou(start, end, readings, tou(), 'Z', { toAt: paris('18:00') }).totalWh).toBe(0);
    expect(splitEnergyByTou(start, end, readings, tou(), 'Z', { fromAt: paris('18:00') })).toEqual({ noPeriodWh: 0, byPeriodWh: { peak: 3000, night: 0 }, totalWh: 3000 });
  });

  it('W10: is settled once a reading at or after the window\'s end is in: later ones change nothing', () => {
    const split = energySplitter({ at: paris('17:00'), wh: 0 }, { at: paris('20:00'), wh: 9000 }, tou(), 'Z', { toAt: paris('18:00') });
    split.add({ at: paris('17:30'), wh: 1000 });
    expect(split.settled).toBe(false);
    split.add({ at: paris('18:30'), wh: 2000 });
    expect(split.settled).toBe(true);
    // 1 kWh before 17:30, then half of the next 1 kWh before 18:00.
    expect(split.finish()).toEqual({ noPeriodWh: 1500, byPeriodWh: { peak: 0, night: 0 }, totalWh: 1500 });
  });

  it('W10: windows that cut a session add up to the whole session, per period (random readings and cuts, Paris, across DST; seeded)', () => {
    fc.assert(fc.property(
      fc.constantFrom(...DST_CHANGES), fc.integer({ min: -86_400_000, max: 86_400_000 }), fc.integer({ min: 2, max: 2 * 86_400_000 }),
      fc.array(fc.tuple(fc.double({ min: 0, max: 1, noNaN: true }), fc.integer({ min: -500, max: 5000 })), { maxLength: 8 }),
      fc.double({ min: -0.1, max: 1.1, noNaN: true }), fc.double({ min: -0.1, max: 1.1, noNaN: true }),
      (near, offset, length, raw, cutA, cutB) => {
        const start = { at: near + offset, wh: 1000 };
        let wh = 1000;
        // Registers that may go back (a station's fault), readings that may share an instant.
        const readings = raw.map(([t, inc]) => ({ at: start.at + 1 + Math.floor(t * (length - 2)), inc }))
          .sort((a, b) => a.at - b.at).map((r) => ({ at: r.at, wh: (wh = Math.max(0, wh + r.inc)) }));
        const end = { at: start.at + length, wh: wh + 10 };
        const [c1, c2] = [cutA, cutB].map((c) => start.at + Math.round(c * length)).sort((a, b) => a - b);
        const whole = splitEnergyByTou(start, end, readings, tou(), 'Z');
        const pieces = [{ toAt: c1 }, { fromAt: c1, toAt: c2 }, { fromAt: c2 }].map((w) => splitEnergyByTou(start, end, readings, tou(), 'Z', w));
        const sum = (f: (s: EnergySplit) => number) => pieces.reduce((a, s) => a + f(s), 0);
        expect(sum((s) => s.noPeriodWh)).toBeCloseTo(whole.noPeriodWh, 6);
        for (const name of ['peak', 'night']) expect(sum((s) => s.byPeriodWh[name])).toBeCloseTo(whole.byPeriodWh[name], 6);
        expect(sum((s) => s.totalWh)).toBeCloseTo(whole.totalWh, 6);
        expect(whole.totalWh).toBe(Math.max(0, end.wh - start.wh));
        for (const s of pieces) expect(s.totalWh).toBeCloseTo(s.noPeriodWh + s.byPeriodWh.peak + s.byPeriodWh.night, 6);
      },
    ), { seed: 20_261_207, numRuns: 150 });
  });
});
