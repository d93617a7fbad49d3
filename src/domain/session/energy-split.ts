// A session's energy per time-of-use period (M1) for the session export (W10), from its energy
// register readings: the energy between two consecutive readings is spread evenly over the time
// between them, split at the period boundaries and clipped to the exported span of time (issue 16,
// item 3: a session across a month's end counts in each month for the energy within it). Pure:
// time and TOU are arguments.
import type { TouConfig } from '../limits/tou.js';
import { touClock } from '../limits/tou-split.js';

/** One energy register reading (Energy.Active.Import.Register, Wh). */
export interface EnergyReading {
  at: number;
  wh: number;
}

export interface EnergySplit {
  /** Energy outside every TOU period (the export's `NoPeriod`). */
  noPeriodWh: number;
  /** Per period name, every period of the configuration (0 when none was charged in it). */
  byPeriodWh: Record<string, number>;
  /** All of it: `noPeriodWh` and every period, counted once (exact for whole intervals). */
  totalWh: number;
}

/** The span of time exported, [fromAt, toAt); an end left out is open. */
export interface TimeWindow {
  fromAt?: number;
  toAt?: number;
}

/**
 * The energy of a session per TOU period, within `window`. The readings are completed with the
 * start and end readings; energy between two readings is spread evenly over the time between
 * them, and the time in each period is computed, not walked (issue 14, row 6: a session of years
 * costs what a day does). Without a window the parts sum to the session's energy,
 * `max(0, end.wh - start.wh)`: a register that goes back (a station's fault) counts as standing
 * still, never as negative energy.
 */
export function splitEnergyByTou(
  start: EnergyReading, end: EnergyReading, readings: readonly EnergyReading[],
  config: TouConfig | null | undefined, zone: string, window: TimeWindow = {},
): EnergySplit {
  const split = energySplitter(start, end, config, zone, window);
  for (const r of [...readings].sort((a, b) => a.at - b.at)) split.add(r);
  return split.finish();
}

export interface EnergySplitter {
  /** The next reading, in time order; those outside the session are ignored. */
  add(reading: EnergyReading): void;
  /** True once no later reading can change the split: the last one added is at or after the window's end. */
  readonly settled: boolean;
  finish(): EnergySplit;
}

/**
 * The same, fed one reading at a time in time order (an export reads a session's readings a page
 * at a time: a session may have millions). Readings before the window still count: they set the
 * register the window's energy starts from (one that went back stands still).
 */
export function energySplitter(
  start: EnergyReading, end: EnergyReading, config: TouConfig | null | undefined, zone: string, window: TimeWindow = {},
): EnergySplitter {
  const byPeriodWh: Record<string, number> = Object.fromEntries((config?.periods ?? []).map((p) => [p.name, 0]));
  const split: EnergySplit = { noPeriodWh: 0, byPeriodWh, totalWh: 0 };
  const add = (period: string | null, wh: number) => {
    if (period === null) split.noPeriodWh += wh;
    else byPeriodWh[period] = (byPeriodWh[period] ?? 0) + wh;
  };
  const windowFromAt = window.fromAt ?? -Infinity;
  const windowToAt = window.toAt ?? Infinity;
  const endAt = Math.max(end.at, start.at);
  const endWh = Math.max(end.wh, start.wh);
  // The clock only ever reads instants of the session within the window.
  const clockFromAt = Math.max(start.at, windowFromAt);
  const clock = touClock(config, zone, clockFromAt, Math.max(clockFromAt, Math.min(endAt, windowToAt)));
  let last = start;
  /** The energy from the last point to `b`, a later one. */
  const step = (b: EnergyReading) => {
    const a = last;
    // Monotonic, within the session's start and end registers.
    const wh = Math.min(endWh, Math.max(a.wh, b.wh));
    last = { at: b.at, wh };
    const energyWh = wh - a.wh;
    if (energyWh === 0) return;
    if (b.at <= a.at) {
      // Readings at the same instant: the energy belongs to that instant (and its period).
      if (a.at < windowFromAt || a.at >= windowToAt) return;
      split.totalWh += energyWh;
      add(clock ? clock.periodAt(a.at) : null, energyWh);
      return;
    }
    const fromAt = Math.max(a.at, windowFromAt);
    const toAt = Math.min(b.at, windowToAt);
    if (toAt <= fromAt) return;
    const lengthMs = b.at - a.at;
    split.totalWh += toAt - fromAt === lengthMs ? energyWh : (energyWh * (toAt - fromAt)) / lengthMs;
    if (!clock) {
      add(null, (energyWh * (toAt - fromAt)) / lengthMs);
      return;
    }
    let noPeriodMs = toAt - fromAt;
    clock.between(fromAt, toAt).forEach((ms, p) => {
      noPeriodMs -= ms;
      if (ms > 0) add(clock.names[p], (energyWh * ms) / lengthMs);
    });
    if (noPeriodMs > 0) add(null, (energyWh * noPeriodMs) / lengthMs);
  };
  return {
    add(reading) {
      if (reading.at > start.at && reading.at < endAt && reading.at >= last.at) step(reading);
    },
    get settled() {
      return last.at >= windowToAt;
    },
    finish() {
      step({ at: endAt, wh: endWh });
      return split;
    },
  };
}
