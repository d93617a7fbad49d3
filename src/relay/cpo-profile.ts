// The CPO's charging profiles as an extra cap on the LMS's setpoints (U1): the limit valid when the
// profile arrives, in A per phase. Later periods of its schedule are not followed.
import type { SetChargingProfileRequest } from '../ocpp/types.generated.js';

/** Volts per phase for a schedule in W. */
export const CPO_PROFILE_VOLTAGE_V = 230;

/**
 * The cap a SetChargingProfile stands for, A per phase (rounded down to 0.1 A), or null when it
 * is not one Fuseguard honours (ChargePointMaxProfile, no period, an unusable limit).
 */
export function capOfProfile(request: SetChargingProfileRequest, now: number): number | null {
  const profile = request.csChargingProfiles;
  if (profile.chargingProfilePurpose !== 'TxDefaultProfile' && profile.chargingProfilePurpose !== 'TxProfile') return null;
  const schedule = profile.chargingSchedule;
  const periods = [...schedule.chargingSchedulePeriod].sort((a, b) => a.startPeriod - b.startPeriod);
  if (periods.length === 0) return null;
  // An absolute schedule with its start: the period running now; otherwise (or before it starts) the first.
  const start = schedule.startSchedule ? Date.parse(schedule.startSchedule) : NaN;
  const elapsedS = Number.isFinite(start) ? (now - start) / 1_000 : 0;
  let period = periods[0];
  for (const p of periods) if (p.startPeriod <= elapsedS) period = p;
  const limit = period.limit;
  if (!Number.isFinite(limit) || limit < 0) return null;
  const phases = period.numberPhases === 1 || period.numberPhases === 2 ? period.numberPhases : 3;
  const capA = schedule.chargingRateUnit === 'W' ? limit / (CPO_PROFILE_VOLTAGE_V * phases) : limit;
  return Math.floor(capA * 10 + 1e-9) / 10;
}
