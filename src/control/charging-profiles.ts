// The failsafe scheme of spec D5, as pure functions: which charging profiles a connector holds.
//
// - Failsafe: a permanent TxDefaultProfile at the lowest stack level with the D1 failsafe
//   current. It is what the station applies by itself when Fuseguard is gone.
// - Live: a TxDefaultProfile one stack level higher with the current setpoint, valid for a short
//   time only (schedule duration AND validTo at the same end, so it expires under every reading
//   of the specification). Fuseguard renews it well before it ends, with the same id and stack
//   level, so the renewal replaces it without a gap. If Fuseguard stops renewing, the live
//   profile runs out and the failsafe below it applies again, even while the station is offline.
// TxProfile is avoided on purpose: it overrides every default profile for the whole transaction.
import type { SetChargingProfileRequest } from '../ocpp/types.generated.js';

export type ChargingProfile = SetChargingProfileRequest['csChargingProfiles'];

export const FAILSAFE_STACK_LEVEL = 0;
export const LIVE_STACK_LEVEL = 1;
/** Profile ids are fixed per connector, so that sending again replaces. */
export const failsafeProfileId = (connectorId: number) => 1000 + connectorId;
export const liveProfileId = (connectorId: number) => 2000 + connectorId;

export const NOMINAL_VOLTAGE_V = 230;

export interface ProfileUnit {
  /** What the station accepts (ChargingScheduleAllowedChargingRateUnit). */
  rateUnit: 'A' | 'W';
  /** The phases a car may use: 1 for a single-phase connector, else 3, or fewer where A7 counts fewer. */
  numberPhases: 1 | 2 | 3;
}

/** The limit in the station's unit, one decimal (OCPP), never rounded up. */
export function scheduleLimit(currentA: number, unit: ProfileUnit): number {
  const value = unit.rateUnit === 'A' ? currentA : currentA * NOMINAL_VOLTAGE_V * unit.numberPhases;
  return Math.floor(value * 10 + 1e-9) / 10;
}

/**
 * The failsafe's schedule starts at a fixed instant long past, not at "now": whatever the station's
 * clock says (it may be set back when Fuseguard's follows the CPO's, U3), the failsafe is in force.
 */
export const FAILSAFE_START = '2020-01-01T00:00:00.000Z';

export function failsafeProfile(connectorId: number, failsafeA: number, unit: ProfileUnit): ChargingProfile {
  return {
    chargingProfileId: failsafeProfileId(connectorId),
    stackLevel: FAILSAFE_STACK_LEVEL,
    chargingProfilePurpose: 'TxDefaultProfile',
    chargingProfileKind: 'Absolute',
    chargingSchedule: {
      startSchedule: FAILSAFE_START,
      chargingRateUnit: unit.rateUnit,
      chargingSchedulePeriod: [{ startPeriod: 0, limit: scheduleLimit(failsafeA, unit), numberPhases: unit.numberPhases }],
    },
  };
}

/**
 * When a live profile sent at `at` ends (D8): on a grid of half a profile's life, between half a
 * life and a whole one from `at`. Every live profile sent or renewed in the same half-life ends at
 * the same instant, so that the connectors of a station that drops (or of stations that drop
 * together) fall back to their failsafes together: never one still on its live setpoint next to
 * another already on its failsafe, which the allocation did not count together.
 */
export function liveEndAt(at: number, durationS: number): number {
  const halfMs = (durationS * 1000) / 2;
  return (Math.floor(at / halfMs) + 2) * halfMs;
}

/** The live setpoint, valid from `at` for `durationS`. */
export function liveProfile(connectorId: number, currentA: number, unit: ProfileUnit, at: number, durationS: number): ChargingProfile {
  const validTo = new Date(at + durationS * 1000).toISOString();
  return {
    chargingProfileId: liveProfileId(connectorId),
    stackLevel: LIVE_STACK_LEVEL,
    chargingProfilePurpose: 'TxDefaultProfile',
    chargingProfileKind: 'Absolute',
    validFrom: new Date(at).toISOString(),
    validTo,
    chargingSchedule: {
      startSchedule: new Date(at).toISOString(),
      duration: durationS,
      chargingRateUnit: unit.rateUnit,
      chargingSchedulePeriod: [{ startPeriod: 0, limit: scheduleLimit(currentA, unit), numberPhases: unit.numberPhases }],
    },
  };
}
