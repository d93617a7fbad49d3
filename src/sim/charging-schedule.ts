// When and how much one charging profile allows (OCPP 1.6 §3.13, §7.8, §7.13). Pure: times are
// arguments (epoch ms).

import type { ChargingProfile, ChargingRateUnit, ChargingSchedulePeriod } from './ocpp-types.js';

/** Nominal phase voltage used to convert W limits to A (and back). */
export const PHASE_VOLTAGE_V = 230;
/** OCPP 1.6 §7.13: numberPhases defaults to 3 when absent. */
export const DEFAULT_NUMBER_PHASES = 3;

const DAY_MS = 86_400_000;
const WEEK_MS = 7 * DAY_MS;

/** A profile as the station holds it, with its times parsed once. */
export interface InstalledProfile {
  connectorId: number;
  profile: ChargingProfile;
  installedAt: number;
  validFromAt?: number;
  validToAt?: number;
  startScheduleAt?: number;
}

/** What the station knows about a connector's transaction. */
export interface ConnectorTransaction {
  /** Absent while the StartTransaction answer has not arrived yet. */
  transactionId?: number;
  startedAt: number;
}

/** A profile's value at one moment, already in A per phase. */
export interface ProfileValue {
  limitA: number;
  numberPhases: number;
}

/** Converts a schedule limit to A per phase: W / (230 V × phases). */
export function limitToAmps(limit: number, unit: ChargingRateUnit, numberPhases: number): number {
  return unit === 'A' ? limit : limit / (PHASE_VOLTAGE_V * numberPhases);
}

/** When the schedule of `p` starts, for the cycle that contains `at` (Recurring), or undefined. */
function scheduleStartFor(p: InstalledProfile, at: number, txStartAt: number | undefined): number | undefined {
  switch (p.profile.chargingProfileKind) {
    case 'Absolute':
      // Lenient like many stations: without startSchedule, it starts when it was installed.
      return p.startScheduleAt ?? p.installedAt;
    case 'Relative':
      // Without a transaction, evaluate as if one started at the moment asked (as EVerest does).
      return txStartAt ?? at;
    case 'Recurring': {
      const base = p.startScheduleAt as number;
      const cycle = p.profile.recurrencyKind === 'Weekly' ? WEEK_MS : DAY_MS;
      // floor(): before the anchor, the previous cycle applies.
      return base + Math.floor((at - base) / cycle) * cycle;
    }
  }
}

function scheduleDurationMs(p: InstalledProfile): number | undefined {
  const duration = p.profile.chargingSchedule.duration;
  if (p.profile.chargingProfileKind === 'Recurring') {
    const cycle = p.profile.recurrencyKind === 'Weekly' ? WEEK_MS : DAY_MS;
    return duration === undefined ? cycle : Math.min(duration * 1000, cycle);
  }
  return duration === undefined ? undefined : duration * 1000;
}

/**
 * The value of one profile at `at`, or undefined when it does not apply then: outside
 * validFrom/validTo, before its schedule starts, or after its schedule's duration has run out.
 */
export function profileValueAt(
  p: InstalledProfile,
  at: number,
  txStartAt: number | undefined,
  connectorPhases: number = DEFAULT_NUMBER_PHASES,
): ProfileValue | undefined {
  if (p.validFromAt !== undefined && at < p.validFromAt) return undefined;
  if (p.validToAt !== undefined && at >= p.validToAt) return undefined;
  const start = scheduleStartFor(p, at, txStartAt);
  if (start === undefined || at < start) return undefined;
  const offsetMs = at - start;
  const durationMs = scheduleDurationMs(p);
  if (durationMs !== undefined && offsetMs >= durationMs) return undefined;
  const schedule = p.profile.chargingSchedule;
  let current: ChargingSchedulePeriod | undefined;
  for (const period of schedule.chargingSchedulePeriod) {
    if (period.startPeriod * 1000 <= offsetMs) current = period;
    else break;
  }
  if (!current) return undefined;
  const numberPhases = Math.min(current.numberPhases ?? DEFAULT_NUMBER_PHASES, connectorPhases);
  return { limitA: limitToAmps(current.limit, schedule.chargingRateUnit, numberPhases), numberPhases };
}

/** Moments within [from, to) where a profile's value may change. */
export function profileBreakpoints(p: InstalledProfile, from: number, to: number, txStartAt: number | undefined): number[] {
  const points: number[] = [];
  if (p.validFromAt !== undefined) points.push(p.validFromAt);
  if (p.validToAt !== undefined) points.push(p.validToAt);
  const periods = p.profile.chargingSchedule.chargingSchedulePeriod;
  const durationMs = scheduleDurationMs(p);
  const addCycle = (start: number): void => {
    for (const period of periods) points.push(start + period.startPeriod * 1000);
    if (durationMs !== undefined) points.push(start + durationMs);
  };
  if (p.profile.chargingProfileKind === 'Recurring') {
    const cycle = p.profile.recurrencyKind === 'Weekly' ? WEEK_MS : DAY_MS;
    for (let start = scheduleStartFor(p, from, txStartAt) as number; start < to; start += cycle) addCycle(start);
  } else {
    addCycle(scheduleStartFor(p, from, txStartAt) as number);
  }
  return points.filter((t) => t > from && t < to);
}

