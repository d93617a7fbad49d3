// The arithmetic TOU clock (issue 14, row 6) against a plain walk minute by minute, for random
// periods and intervals in several time zones, across their DST changes. Seeded: a failure prints
// its seed; replay with FUSEGUARD_TOU_SEED=<seed>.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { activeTouPeriod, WEEKDAYS, type TouConfig, type TouPeriod, type Weekday } from './tou.js';
import { offsetChanges, touClock } from './tou-split.js';

const MINUTE_MS = 60_000;
const SEED = Number(process.env.FUSEGUARD_TOU_SEED ?? 20_261_206);

/** Local weekday and minute of the day, read from Intl for every minute (one formatter per zone). */
function localReader(timeZone: string) {
  const format = new Intl.DateTimeFormat('en-US', { timeZone, weekday: 'short', hour: 'numeric', minute: 'numeric', hourCycle: 'h23' });
  const days = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];
  return (at: number) => {
    let weekday = 0;
    let minuteOfDay = 0;
    for (const p of format.formatToParts(at)) {
      if (p.type === 'weekday') weekday = days.indexOf(p.value);
      else if (p.type === 'hour') minuteOfDay += (Number(p.value) % 24) * 60;
      else if (p.type === 'minute') minuteOfDay += Number(p.value);
    }
    return { weekday, minuteOfDay };
  };
}

/** The reference: every UTC minute of [from, to) in the period of its local minute. */
function walkMinutes(config: TouConfig, zone: string, from: number, to: number, stepMs = MINUTE_MS): Map<string | null, number> {
  const local = localReader(config.timeZone);
  const out = new Map<string | null, number>();
  for (let m = Math.floor(from / stepMs) * stepMs; m < to; m += stepMs) {
    const period = activeTouPeriod(config, zone, local(m))?.name ?? null;
    const ms = Math.min(m + stepMs, to) - Math.max(m, from);
    out.set(period, (out.get(period) ?? 0) + ms);
  }
  return out;
}

const slotArb = fc.record({
  startHour: fc.integer({ min: 0, max: 23 }), startMinute: fc.integer({ min: 0, max: 59 }),
  endHour: fc.integer({ min: 0, max: 23 }), endMinute: fc.integer({ min: 0, max: 59 }),
});
const periodArb = (name: string): fc.Arbitrary<TouPeriod> => fc.record({
  name: fc.constant(name), enabled: fc.constant(true), pct: fc.integer({ min: 0, max: 100 }),
  weekdays: fc.subarray([...WEEKDAYS] as Weekday[], { minLength: 1 }), slots: fc.array(slotArb, { minLength: 1, maxLength: 3 }),
});
const configArb = (timeZone: string): fc.Arbitrary<TouConfig> => fc.tuple(periodArb('a'), periodArb('b'), periodArb('c'), fc.integer({ min: 1, max: 3 }), fc.boolean(), fc.boolean())
  .map(([a, b, c, n, disableOne, matrix]) => ({
    enabled: true, timeZone,
    periods: [a, b, c].slice(0, n).map((p, i) => (disableOne && i === 1 ? { ...p, enabled: false } : p)),
    // The zone × period matrix (M1): zone Z gets only the first and last periods.
    ...(matrix ? { zonePeriods: { Z: ['a', 'c'] } } : {}),
  }));

// DST changes of the zones below, so that intervals often straddle one.
const CHANGES = [
  '2025-03-30T01:00:00Z', '2025-10-26T01:00:00Z', '2026-03-29T01:00:00Z', '2024-10-27T01:00:00Z', // Paris
  '2025-03-09T07:00:00Z', '2025-11-02T06:00:00Z', // New York
  '2025-04-05T15:00:00Z', '2025-10-04T15:30:00Z', // Lord Howe (30 minutes)
].map(Date.parse);
const ZONES = ['Europe/Paris', 'America/New_York', 'Australia/Lord_Howe', 'Asia/Kathmandu', 'UTC'];

describe('TOU clock (issue 14, row 6)', () => {
  it('finds the DST changes of Paris to the millisecond', () => {
    const changes = offsetChanges('Europe/Paris', Date.parse('2025-01-01T00:00:00Z'), Date.parse('2026-01-01T00:00:00Z'));
    expect(changes.map((c) => [new Date(c.from).toISOString(), c.offsetMs / 3_600_000])).toEqual([
      ['2025-01-01T00:00:00.000Z', 1], ['2025-03-30T01:00:00.000Z', 2], ['2025-10-26T01:00:00.000Z', 1],
    ]);
  });

  it('gives the time in each period that a walk minute by minute gives (random periods, zones, intervals across DST)', () => {
    fc.assert(fc.property(
      fc.constantFrom(...ZONES).chain((zone) => configArb(zone)),
      fc.constantFrom(...CHANGES), fc.integer({ min: -3 * 86_400_000, max: 3 * 86_400_000 }), fc.integer({ min: 0, max: 4 * 86_400_000 }),
      (config, near, offsetMs, lengthMs) => {
        const from = near + offsetMs;
        const to = from + lengthMs;
        const clock = touClock(config, 'Z', from, to);
        const expected = walkMinutes(config, 'Z', from, to);
        const got = clock!.between(from, to);
        clock!.names.forEach((name, p) => expect(got[p], `${name}`).toBe(expected.get(name) ?? 0));
        // A point inside: the two halves add up, and the period at an instant is the walk's.
        const mid = from + Math.floor(lengthMs / 3);
        const halves = clock!.between(from, mid).map((v, p) => v + clock!.between(mid, to)[p]);
        expect(halves).toEqual(got);
        const minute = Math.floor(mid / MINUTE_MS) * MINUTE_MS;
        expect(clock!.periodAt(mid)).toBe([...walkMinutes(config, 'Z', minute, minute + MINUTE_MS).keys()][0]);
      },
    ), { seed: SEED, numRuns: 150 });
  });

  it('is null when no period can apply', () => {
    const config: TouConfig = { enabled: true, timeZone: 'Europe/Paris', periods: [] };
    expect(touClock(config, 'Z', 0, 1)).toBeNull();
    expect(touClock({ ...config, enabled: false }, 'Z', 0, 1)).toBeNull();
  });
});
