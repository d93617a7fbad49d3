// How long each TOU period (M1) applies within any interval, arithmetically (W10, issue 14 row 6):
// the periods repeat every local week, so a week is one table of segments with running totals,
// and local time runs at the pace of UTC between two changes of the site's UTC offset (DST), which
// are found from Intl. Cost: a few Intl calls per week of the interval (offset probes), then
// O(log segments) per instant, however long the interval. Pure: instants are arguments.
import { activeTouPeriod, type TouConfig } from './tou.js';

const MINUTE_MS = 60_000;
const DAY_MS = 1440 * MINUTE_MS;
const WEEK_MS = 7 * DAY_MS;
/** 1970-01-01 (epoch 0) was a Thursday: shifted by three days, local time 0 is a Monday 00:00. */
const MONDAY_SHIFT_MS = 3 * DAY_MS;
/**
 * The site's UTC offset is probed this often, and a change found is bisected to the millisecond.
 * A zone that changes its offset and back within one probe step would be missed: none does (DST
 * changes are months apart).
 */
export const OFFSET_PROBE_MS = 7 * DAY_MS;

/** The weekly table: segments from `starts[i]` (ms since local Monday 00:00) to the next, each in one period or none. */
interface WeekTable {
  starts: number[];
  periods: (number | null)[];
  /** Per period (index in `names`), ms spent in it from the week's start to `starts[i]`. */
  before: number[][];
  perWeek: number[];
  names: string[];
}

function weekTable(config: TouConfig, zone: string): WeekTable {
  const names = config.periods.map((p) => p.name);
  const minutes = new Set<number>([0]);
  for (let day = 0; day < 7; day++) minutes.add(day * 1440);
  for (const period of config.periods) {
    for (const slot of period.slots) {
      for (let day = 0; day < 7; day++) {
        minutes.add((day * 1440 + slot.startHour * 60 + slot.startMinute) % 10080);
        minutes.add((day * 1440 + slot.endHour * 60 + slot.endMinute) % 10080);
      }
    }
  }
  const starts: number[] = [];
  const periods: (number | null)[] = [];
  for (const minute of [...minutes].filter((m) => m >= 0 && m < 10080).sort((a, b) => a - b)) {
    const active = activeTouPeriod(config, zone, { weekday: Math.floor(minute / 1440), minuteOfDay: minute % 1440 });
    const period = active ? names.indexOf(active.name) : null;
    if (periods.length > 0 && periods[periods.length - 1] === period) continue;
    starts.push(minute * MINUTE_MS);
    periods.push(period);
  }
  const before = names.map(() => [0]);
  for (let i = 1; i <= starts.length; i++) {
    const length = (i < starts.length ? starts[i] : WEEK_MS) - starts[i - 1];
    names.forEach((_, p) => before[p].push(before[p][i - 1] + (periods[i - 1] === p ? length : 0)));
  }
  return { starts, periods, before, perWeek: names.map((_, p) => before[p][starts.length]), names };
}

/** The last i with sorted[i] <= x (sorted[0] <= x). */
function lastAtOrBefore(sorted: readonly number[], x: number): number {
  let lo = 0;
  let hi = sorted.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (sorted[mid] <= x) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/** ms spent in each period from local time 0 (a Monday 00:00) to local time `local`. */
function sinceLocalEpoch(table: WeekTable, local: number): number[] {
  const weeks = Math.floor(local / WEEK_MS);
  const within = local - weeks * WEEK_MS;
  const i = lastAtOrBefore(table.starts, within);
  return table.perWeek.map((perWeek, p) => weeks * perWeek + table.before[p][i] + (table.periods[i] === p ? within - table.starts[i] : 0));
}

/** The UTC offset (ms) of a time zone at an instant, from Intl. */
export function utcOffsetMs(format: Intl.DateTimeFormat, at: number): number {
  const fields: Record<string, number> = {};
  for (const part of format.formatToParts(at)) if (part.type !== 'literal') fields[part.type] = Number(part.value);
  const wall = new Date(0);
  wall.setUTCFullYear(fields.year, fields.month - 1, fields.day);
  wall.setUTCHours(fields.hour % 24, fields.minute, fields.second, 0);
  const wholeSecond = at - (((at % 1000) + 1000) % 1000);
  return wall.getTime() - wholeSecond;
}

const offsetFormat = (timeZone: string) => new Intl.DateTimeFormat('en-US', {
  timeZone, hourCycle: 'h23', era: 'short', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric',
});

/** The instants in [from, to] where the offset changes, with the offset from each on (the first at `from`). */
export function offsetChanges(timeZone: string, from: number, to: number): { from: number; offsetMs: number }[] {
  const format = offsetFormat(timeZone);
  const offset = (at: number) => utcOffsetMs(format, at);
  const changes = [{ from, offsetMs: offset(from) }];
  let at = from;
  let known = changes[0].offsetMs;
  while (at < to) {
    const next = Math.min(to, at + OFFSET_PROBE_MS);
    const nextOffset = offset(next);
    if (nextOffset !== known) {
      // The first instant with the new offset, to the millisecond.
      let lo = at;
      let hi = next;
      while (hi - lo > 1) {
        const mid = Math.floor((lo + hi) / 2);
        if (offset(mid) === known) lo = mid;
        else hi = mid;
      }
      changes.push({ from: hi, offsetMs: offset(hi) });
      known = changes[changes.length - 1].offsetMs;
      at = hi;
      continue;
    }
    at = next;
  }
  return changes;
}

/**
 * Time in each TOU period between instants of [from, to]: `between(a, b)` gives, per period name,
 * the ms of [a, b) it applies (the lowest percentage where periods overlap, as M1 says), and
 * `periodAt(a)` the period at an instant. Null when no period can apply (TOU off, none enabled).
 */
export interface TouClock {
  names: readonly string[];
  between(a: number, b: number): number[];
  periodAt(at: number): string | null;
}

export function touClock(config: TouConfig | null | undefined, zone: string, from: number, to: number): TouClock | null {
  if (!config || !config.enabled || config.periods.every((p) => !p.enabled)) return null;
  const table = weekTable(config, zone);
  const changes = offsetChanges(config.timeZone, from, Math.max(from, to));
  const changeStarts = changes.map((c) => c.from);
  // Per offset interval: the time spent in each period from `from` to its start.
  const atChange: number[][] = [table.names.map(() => 0)];
  for (let k = 1; k < changes.length; k++) {
    const previous = changes[k - 1];
    const a = sinceLocalEpoch(table, previous.from + previous.offsetMs + MONDAY_SHIFT_MS);
    const b = sinceLocalEpoch(table, changes[k].from + previous.offsetMs + MONDAY_SHIFT_MS);
    atChange.push(atChange[k - 1].map((v, p) => v + b[p] - a[p]));
  }
  const sinceFrom = (at: number): number[] => {
    const k = at <= changeStarts[0] ? 0 : lastAtOrBefore(changeStarts, at);
    const { from: start, offsetMs } = changes[k];
    const a = sinceLocalEpoch(table, start + offsetMs + MONDAY_SHIFT_MS);
    const b = sinceLocalEpoch(table, at + offsetMs + MONDAY_SHIFT_MS);
    return atChange[k].map((v, p) => v + b[p] - a[p]);
  };
  return {
    names: table.names,
    between(a, b) {
      const x = sinceFrom(a);
      return sinceFrom(b).map((v, p) => v - x[p]);
    },
    periodAt(at) {
      const k = at <= changeStarts[0] ? 0 : lastAtOrBefore(changeStarts, at);
      const local = at + changes[k].offsetMs + MONDAY_SHIFT_MS;
      const within = local - Math.floor(local / WEEK_MS) * WEEK_MS;
      const period = table.periods[lastAtOrBefore(table.starts, within)];
      return period === null ? null : table.names[period];
    },
  };
}
