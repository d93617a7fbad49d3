import { describe, expect, it } from 'vitest';
import { ChargingProfileSet } from '../sim/index.js';
import { failsafeProfile, liveProfile, scheduleLimit, liveEndAt } from './charging-profiles.js';

const t0 = Date.parse('2026-11-26T10:00:00Z');

describe('charging profiles of the D5 scheme', () => {
  it('converts to watts for stations that only take W, rounding down to one decimal', () => {
    expect(scheduleLimit(16.07, { rateUnit: 'A', numberPhases: 3 })).toBe(16);
    expect(scheduleLimit(16, { rateUnit: 'W', numberPhases: 3 })).toBe(11_040);
    expect(scheduleLimit(10, { rateUnit: 'W', numberPhases: 1 })).toBe(2_300);
  });

  it('gives the live profile a duration and a validTo at the same end', () => {
    const live = liveProfile(2, 12.5, { rateUnit: 'A', numberPhases: 3 }, t0, 300);
    expect(live).toMatchObject({ chargingProfileId: 2002, stackLevel: 1, chargingProfilePurpose: 'TxDefaultProfile', validTo: '2026-11-26T10:05:00.000Z' });
    expect(live.chargingSchedule.duration).toBe(300);
  });

  it('on a station model: the live setpoint applies, then the failsafe once it runs out (D5)', () => {
    const station = new ChargingProfileSet(1);
    const unit = { rateUnit: 'A', numberPhases: 3 } as const;
    const hardware = { maxCurrentA: 32, phases: 3 };
    const limitA = (at: number) => station.limitAt(1, at, hardware).limitA;
    expect(station.install(1, failsafeProfile(1, 6, unit), t0).status).toBe('Accepted');
    expect(station.install(1, liveProfile(1, 20, unit, t0, 60), t0).status).toBe('Accepted');
    expect(limitA(t0 + 30_000)).toBe(20);
    // Renewed before the end with the same id and stack level: no gap.
    expect(station.install(1, liveProfile(1, 18, unit, t0 + 45_000, 60), t0 + 45_000).status).toBe('Accepted');
    expect(limitA(t0 + 90_000)).toBe(18);
    // Not renewed: back to the failsafe by itself.
    expect(limitA(t0 + 106_000)).toBe(6);
  });

  it('the failsafe holds whatever the station\'s clock says, even set back by a year (U3, D5)', () => {
    const station = new ChargingProfileSet(1);
    const unit = { rateUnit: 'A', numberPhases: 3 } as const;
    const aYearBack = t0 - 365 * 24 * 3_600_000;
    expect(station.install(1, failsafeProfile(1, 6, unit), t0).status).toBe('Accepted');
    expect(station.limitAt(1, aYearBack, { maxCurrentA: 32, phases: 3 }).limitA).toBe(6);
  });
});

describe('live profile ends (D8)', () => {
  it('every live profile sent in the same half-life ends at the same instant, between half a life and a life away', () => {
    const t0 = Date.parse('2026-01-01T00:00:00Z');
    const ends = [0, 1, 149_999].map((dt) => liveEndAt(t0 + dt, 300));
    expect(new Set(ends).size).toBe(1);
    expect(ends[0]).toBe(t0 + 300_000);
    const later = liveEndAt(t0 + 150_000, 300);
    expect(later).toBe(t0 + 450_000);
    for (const dt of [0, 77_000, 149_999, 150_000]) {
      const end = liveEndAt(t0 + dt, 300);
      expect(end - (t0 + dt)).toBeGreaterThan(150_000);
      expect(end - (t0 + dt)).toBeLessThanOrEqual(300_000);
    }
  });
});
