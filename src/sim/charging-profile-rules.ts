// Which charging profiles a station accepts (OCPP 1.6 §5.16, §7.8, §7.13) and its capabilities.

import type { ChargingProfile, ChargingRateUnit, ServerCalls } from './ocpp-types.js';
import type { ConnectorTransaction, InstalledProfile } from './charging-schedule.js';

/** The station's smart-charging capabilities (its read-only configuration keys). */
export interface ProfileRules {
  /** ChargeProfileMaxStackLevel */
  maxStackLevel: number;
  /** ChargingScheduleMaxPeriods */
  maxPeriods: number;
  /** MaxChargingProfilesInstalled */
  maxInstalled: number;
  /** ChargingScheduleAllowedChargingRateUnit: Current → 'A', Power → 'W' */
  allowedUnits: readonly ChargingRateUnit[];
}

export const DEFAULT_PROFILE_RULES: ProfileRules = {
  maxStackLevel: 8,
  maxPeriods: 24,
  maxInstalled: 32,
  allowedUnits: ['A'],
};

/** SetChargingProfile's answer status. */
export type InstallStatus = ServerCalls['SetChargingProfile']['conf']['status'];
export interface InstallResult {
  status: InstallStatus;
  /** Why it was refused, for logs and tests. */
  reason?: string;
}

function parseTime(value: string | undefined): number | undefined | null {
  if (value === undefined) return undefined;
  const at = Date.parse(value);
  return Number.isFinite(at) ? at : null;
}

function reject(reason: string): InstallResult {
  return { status: 'Rejected', reason };
}

/**
 * Checks a profile against the rules of §5.16 / §7.8 and the station's capabilities. Returns the
 * parsed profile, or why it is refused.
 */
export function validateProfile(
  connectorId: number,
  profile: ChargingProfile,
  at: number,
  rules: ProfileRules,
  connectorCount: number,
  tx: ConnectorTransaction | undefined,
): InstalledProfile | InstallResult {
  const schedule = profile.chargingSchedule;
  const periods = schedule.chargingSchedulePeriod;
  if (!Number.isInteger(connectorId) || connectorId < 0 || connectorId > connectorCount) {
    return reject(`connector ${connectorId} does not exist`);
  }
  if (profile.stackLevel < 0 || profile.stackLevel > rules.maxStackLevel) {
    return reject(`stackLevel ${profile.stackLevel} outside 0..${rules.maxStackLevel} (ChargeProfileMaxStackLevel)`);
  }
  if (!rules.allowedUnits.includes(schedule.chargingRateUnit)) {
    return reject(`chargingRateUnit ${schedule.chargingRateUnit} not allowed (ChargingScheduleAllowedChargingRateUnit)`);
  }
  if (periods.length === 0) return reject('chargingSchedulePeriod is empty');
  if (periods.length > rules.maxPeriods) {
    return reject(`${periods.length} periods exceed ChargingScheduleMaxPeriods ${rules.maxPeriods}`);
  }
  // §7.13: the first period starts at 0 and periods are in ascending order.
  if (periods[0].startPeriod !== 0) return reject('the first period must have startPeriod 0');
  for (let i = 0; i < periods.length; i++) {
    const period = periods[i];
    if (i > 0 && period.startPeriod <= periods[i - 1].startPeriod) return reject('startPeriod must increase');
    if (!(period.limit >= 0)) return reject('limit must be >= 0');
    if (period.numberPhases !== undefined && (period.numberPhases < 1 || period.numberPhases > 3)) {
      return reject('numberPhases must be 1, 2 or 3');
    }
  }
  if (schedule.duration !== undefined && schedule.duration < 0) return reject('duration must be >= 0');

  const validFromAt = parseTime(profile.validFrom);
  const validToAt = parseTime(profile.validTo);
  const startScheduleAt = parseTime(schedule.startSchedule);
  if (validFromAt === null || validToAt === null || startScheduleAt === null) return reject('unreadable date');
  if (validFromAt !== undefined && validToAt !== undefined && validToAt <= validFromAt) {
    return reject('validTo must be after validFrom');
  }

  switch (profile.chargingProfileKind) {
    case 'Recurring':
      if (!profile.recurrencyKind) return reject('Recurring needs recurrencyKind');
      if (startScheduleAt === undefined) return reject('Recurring needs startSchedule');
      break;
    case 'Absolute':
    case 'Relative':
      break;
  }

  switch (profile.chargingProfilePurpose) {
    case 'ChargePointMaxProfile':
      if (connectorId !== 0) return reject('ChargePointMaxProfile only on connector 0');
      if (profile.chargingProfileKind === 'Relative') return reject('ChargePointMaxProfile cannot be Relative');
      break;
    case 'TxProfile':
      if (connectorId === 0) return reject('TxProfile needs a connector > 0');
      if (!tx) return reject('TxProfile without a running transaction');
      if (profile.transactionId !== undefined && profile.transactionId !== tx.transactionId) {
        return reject(`transactionId ${profile.transactionId} is not the running transaction`);
      }
      break;
    case 'TxDefaultProfile':
      break;
  }

  return {
    connectorId,
    profile: structuredClone(profile),
    installedAt: at,
    validFromAt,
    validToAt,
    startScheduleAt,
  };
}

