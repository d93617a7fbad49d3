import { describe, expect, it } from 'vitest';
import type { SetChargingProfileRequest } from '../ocpp/types.generated.js';
import { capOfProfile } from './cpo-profile.js';

const now = Date.parse('2025-01-06T08:00:00Z');
type Schedule = SetChargingProfileRequest['csChargingProfiles']['chargingSchedule'];
const profile = (schedule: Partial<Schedule>, purpose: SetChargingProfileRequest['csChargingProfiles']['chargingProfilePurpose'] = 'TxDefaultProfile'): SetChargingProfileRequest => ({
  connectorId: 1,
  csChargingProfiles: {
    chargingProfileId: 7, stackLevel: 0, chargingProfilePurpose: purpose, chargingProfileKind: 'Absolute',
    chargingSchedule: { chargingRateUnit: 'A', chargingSchedulePeriod: [{ startPeriod: 0, limit: 12 }], ...schedule },
  },
});

describe('capOfProfile (U1)', () => {
  it('takes the first period in A, TxDefaultProfile or TxProfile', () => {
    expect(capOfProfile(profile({}), now)).toBe(12);
    expect(capOfProfile(profile({}, 'TxProfile'), now)).toBe(12);
  });

  it('converts W with 230 V per phase and the number of phases [3], rounded down to 0.1 A', () => {
    expect(capOfProfile(profile({ chargingRateUnit: 'W', chargingSchedulePeriod: [{ startPeriod: 0, limit: 11_040 }] }), now)).toBe(16);
    expect(capOfProfile(profile({ chargingRateUnit: 'W', chargingSchedulePeriod: [{ startPeriod: 0, limit: 3_680, numberPhases: 1 }] }), now)).toBe(16);
    expect(capOfProfile(profile({ chargingRateUnit: 'W', chargingSchedulePeriod: [{ startPeriod: 0, limit: 5_000 }] }), now)).toBe(7.2);
  });

  it('with a start, the period valid now', () => {
    const periods = [{ startPeriod: 0, limit: 10 }, { startPeriod: 600, limit: 20 }, { startPeriod: 3_600, limit: 30 }];
    expect(capOfProfile(profile({ startSchedule: new Date(now - 900_000).toISOString(), chargingSchedulePeriod: periods }), now)).toBe(20);
    expect(capOfProfile(profile({ startSchedule: new Date(now + 60_000).toISOString(), chargingSchedulePeriod: periods }), now)).toBe(10);
  });

  it('refuses a ChargePointMaxProfile, an empty schedule, a negative limit', () => {
    expect(capOfProfile(profile({}, 'ChargePointMaxProfile'), now)).toBeNull();
    expect(capOfProfile(profile({ chargingSchedulePeriod: [] }), now)).toBeNull();
    expect(capOfProfile(profile({ chargingSchedulePeriod: [{ startPeriod: 0, limit: -1 }] }), now)).toBeNull();
  });
});
