import { describe, expect, it } from 'vitest';
import {
  ChargingProfileSet,
  DEFAULT_PROFILE_RULES,
  limitToAmps,
  shareStationCap,
  type ConnectorHardware,
  type ConnectorTransaction,
} from './charging-profiles.js';
import type { ChargingProfile, ChargingSchedulePeriod } from './ocpp-types.js';

// Monday 3 March 2025, 08:00 UTC.
const T0 = Date.parse('2025-03-03T08:00:00Z');
const S = 1_000;
const MIN = 60 * S;
const H = 60 * MIN;
const iso = (at: number): string => new Date(at).toISOString();
const HW: ConnectorHardware = { maxCurrentA: 32, phases: 3 };

let nextId = 1;
function profile(p: Partial<ChargingProfile> & { periods?: ChargingSchedulePeriod[]; limit?: number; duration?: number; start?: number }): ChargingProfile {
  const { periods, limit, duration, start, ...rest } = p;
  return {
    chargingProfileId: nextId++,
    stackLevel: 0,
    chargingProfilePurpose: 'TxDefaultProfile',
    chargingProfileKind: 'Absolute',
    ...rest,
    chargingSchedule: {
      chargingRateUnit: 'A',
      chargingSchedulePeriod: periods ?? [{ startPeriod: 0, limit: limit ?? 16 }],
      ...(duration !== undefined ? { duration } : {}),
      ...(start !== undefined ? { startSchedule: iso(start) } : {}),
      ...rest.chargingSchedule,
    },
  };
}

function set(connectorCount = 2): ChargingProfileSet {
  return new ChargingProfileSet(connectorCount, { ...DEFAULT_PROFILE_RULES, allowedUnits: ['A', 'W'] });
}

describe('limit without profiles', () => {
  it('is the connector hardware maximum', () => {
    const limit = set().limitAt(1, T0, HW);
    expect(limit).toEqual({ limitA: 32, numberPhases: 3, source: { kind: 'hardware' } });
  });
});

describe('installing and replacing', () => {
  it('replaces a profile with the same chargingProfileId, wherever it was', () => {
    const s = set();
    expect(s.install(1, profile({ chargingProfileId: 7, stackLevel: 1, limit: 10, start: T0 }), T0).status).toBe('Accepted');
    expect(s.install(2, profile({ chargingProfileId: 7, stackLevel: 3, limit: 12, start: T0 }), T0).status).toBe('Accepted');
    expect(s.list()).toHaveLength(1);
    expect(s.list()[0].connectorId).toBe(2);
    expect(s.limitAt(1, T0, HW).limitA).toBe(32);
    expect(s.limitAt(2, T0, HW).limitA).toBe(12);
  });

  it('replaces a profile with the same stackLevel and purpose on the same connector', () => {
    const s = set();
    s.install(1, profile({ stackLevel: 2, limit: 10, start: T0 }), T0);
    s.install(1, profile({ stackLevel: 2, limit: 14, start: T0 }), T0);
    expect(s.list()).toHaveLength(1);
    expect(s.limitAt(1, T0, HW).limitA).toBe(14);
  });

  it('keeps profiles that differ in connector, stack level or purpose', () => {
    const s = set();
    const tx: ConnectorTransaction = { transactionId: 5, startedAt: T0 };
    s.install(1, profile({ stackLevel: 2, limit: 10, start: T0 }), T0);
    s.install(2, profile({ stackLevel: 2, limit: 11, start: T0 }), T0);
    s.install(1, profile({ stackLevel: 3, limit: 12, start: T0 }), T0);
    s.install(1, profile({ stackLevel: 2, limit: 13, chargingProfilePurpose: 'TxProfile', start: T0 }), T0, tx);
    expect(s.list()).toHaveLength(4);
  });

  it('refuses what the station cannot hold', () => {
    const s = new ChargingProfileSet(2, { maxStackLevel: 8, maxPeriods: 2, maxInstalled: 2, allowedUnits: ['A'] });
    const cases: Array<[number, ChargingProfile]> = [
      [1, profile({ stackLevel: 9 })],
      [1, profile({ stackLevel: -1 })],
      [3, profile({})],
      [1, profile({ periods: [{ startPeriod: 0, limit: 1 }, { startPeriod: 60, limit: 2 }, { startPeriod: 120, limit: 3 }] })],
      [1, profile({ periods: [{ startPeriod: 10, limit: 6 }] })],
      [1, profile({ periods: [{ startPeriod: 0, limit: 6 }, { startPeriod: 0, limit: 8 }] })],
      [1, profile({ periods: [{ startPeriod: 0, limit: -1 }] })],
      [1, profile({ periods: [{ startPeriod: 0, limit: 6, numberPhases: 4 }] })],
      [1, profile({ chargingSchedule: { chargingRateUnit: 'W', chargingSchedulePeriod: [{ startPeriod: 0, limit: 4000 }] } })],
      [1, profile({ chargingProfileKind: 'Recurring', recurrencyKind: 'Daily' })],
      [1, profile({ chargingProfileKind: 'Recurring', start: T0 })],
      [1, profile({ validFrom: iso(T0 + H), validTo: iso(T0) })],
      [1, profile({ validTo: 'not a date' })],
      [1, profile({ chargingProfilePurpose: 'ChargePointMaxProfile' })],
      [0, profile({ chargingProfilePurpose: 'ChargePointMaxProfile', chargingProfileKind: 'Relative' })],
      [0, profile({ chargingProfilePurpose: 'TxProfile' })],
    ];
    for (const [connectorId, p] of cases) {
      expect(s.install(connectorId, p, T0), JSON.stringify(p)).toMatchObject({ status: 'Rejected' });
    }
    expect(s.list()).toHaveLength(0);
  });

  it('enforces MaxChargingProfilesInstalled after replacements', () => {
    const s = new ChargingProfileSet(2, { ...DEFAULT_PROFILE_RULES, maxInstalled: 2 });
    expect(s.install(1, profile({ chargingProfileId: 100, stackLevel: 1 }), T0).status).toBe('Accepted');
    expect(s.install(1, profile({ chargingProfileId: 101, stackLevel: 2 }), T0).status).toBe('Accepted');
    expect(s.install(1, profile({ chargingProfileId: 102, stackLevel: 3 }), T0).status).toBe('Rejected');
    // A renewal replaces, so it still fits.
    expect(s.install(1, profile({ chargingProfileId: 101, stackLevel: 2, limit: 8 }), T0).status).toBe('Accepted');
  });

  it('drops expired profiles so they no longer count', () => {
    const s = new ChargingProfileSet(2, { ...DEFAULT_PROFILE_RULES, maxInstalled: 1 });
    s.install(1, profile({ stackLevel: 1, validTo: iso(T0 + MIN) }), T0);
    expect(s.install(1, profile({ stackLevel: 2 }), T0 + 2 * MIN).status).toBe('Accepted');
    expect(s.list()).toHaveLength(1);
  });
});

describe('purposes', () => {
  it('TxDefaultProfile on connector 0 applies to every connector; one on connector N overrides it there', () => {
    const s = set();
    s.install(0, profile({ stackLevel: 1, limit: 10, start: T0 }), T0);
    expect(s.limitAt(1, T0, HW).limitA).toBe(10);
    expect(s.limitAt(2, T0, HW).limitA).toBe(10);
    s.install(2, profile({ stackLevel: 1, limit: 20, start: T0 }), T0);
    expect(s.limitAt(1, T0, HW).limitA).toBe(10);
    expect(s.limitAt(2, T0, HW)).toMatchObject({ limitA: 20, source: { connectorId: 2, stackLevel: 1 } });
    // Across connectors the stack level still decides (as EVerest does).
    s.install(0, profile({ stackLevel: 4, limit: 8, start: T0 }), T0);
    expect(s.limitAt(2, T0, HW).limitA).toBe(8);
  });

  it('ChargePointMaxProfile lives on connector 0 only and caps every connector', () => {
    const s = set();
    expect(s.install(1, profile({ chargingProfilePurpose: 'ChargePointMaxProfile', limit: 10 }), T0)).toMatchObject({ status: 'Rejected' });
    s.install(0, profile({ chargingProfilePurpose: 'ChargePointMaxProfile', limit: 20, start: T0 }), T0);
    s.install(0, profile({ stackLevel: 1, limit: 25, start: T0 }), T0);
    expect(s.limitAt(1, T0, HW)).toMatchObject({ limitA: 20, source: { purpose: 'ChargePointMaxProfile' } });
    s.install(0, profile({ stackLevel: 1, limit: 12, start: T0 }), T0);
    expect(s.limitAt(1, T0, HW)).toMatchObject({ limitA: 12, source: { purpose: 'TxDefaultProfile' } });
    expect(s.chargePointMaxAt(T0)?.limitA).toBe(20);
  });

  it('TxProfile needs a running transaction, with the right id', () => {
    const s = set();
    const p = profile({ chargingProfilePurpose: 'TxProfile', limit: 10, start: T0 });
    expect(s.install(1, p, T0)).toMatchObject({ status: 'Rejected' });
    expect(s.install(1, { ...p, transactionId: 9 }, T0, { transactionId: 8, startedAt: T0 })).toMatchObject({ status: 'Rejected' });
    expect(s.install(1, { ...p, transactionId: 8 }, T0, { transactionId: 8, startedAt: T0 }).status).toBe('Accepted');
  });

  it('TxProfile overrides TxDefaultProfile (even upwards), stays under ChargePointMaxProfile, and ends with the transaction', () => {
    const s = set();
    const tx: ConnectorTransaction = { transactionId: 8, startedAt: T0 };
    s.install(0, profile({ stackLevel: 5, limit: 10, start: T0 }), T0);
    s.install(1, profile({ chargingProfilePurpose: 'TxProfile', stackLevel: 0, limit: 24, start: T0 }), T0, tx);
    expect(s.limitAt(1, T0, HW, tx)).toMatchObject({ limitA: 24, source: { purpose: 'TxProfile' } });
    // Only for its own transaction.
    expect(s.limitAt(1, T0, HW, { transactionId: 9, startedAt: T0 }).limitA).toBe(24);
    s.install(0, profile({ chargingProfilePurpose: 'ChargePointMaxProfile', limit: 16, start: T0 }), T0);
    expect(s.limitAt(1, T0, HW, tx).limitA).toBe(16);
    s.endTransaction(1);
    expect(s.list().some((p) => p.profile.chargingProfilePurpose === 'TxProfile')).toBe(false);
    expect(s.limitAt(1, T0, HW).limitA).toBe(10);
  });

  it('a TxProfile bound to another transaction id does not apply', () => {
    const s = set();
    s.install(1, profile({ chargingProfilePurpose: 'TxProfile', transactionId: 8, limit: 6, start: T0 }), T0, { transactionId: 8, startedAt: T0 });
    expect(s.limitAt(1, T0, HW, { transactionId: 8, startedAt: T0 }).limitA).toBe(6);
    expect(s.limitAt(1, T0, HW, { transactionId: 9, startedAt: T0 }).limitA).toBe(32);
    expect(s.limitAt(1, T0, HW).limitA).toBe(32);
  });

  it('a TxProfile that has run out hands over to the TxDefaultProfile', () => {
    const s = set();
    const tx: ConnectorTransaction = { transactionId: 1, startedAt: T0 };
    s.install(0, profile({ limit: 10, start: T0 }), T0);
    s.install(1, profile({ chargingProfilePurpose: 'TxProfile', limit: 20, start: T0, duration: 60 }), T0, tx);
    expect(s.limitAt(1, T0 + 59 * S, HW, tx).limitA).toBe(20);
    expect(s.limitAt(1, T0 + 60 * S, HW, tx).limitA).toBe(10);
  });
});

describe('stack levels and validity', () => {
  it('the highest stack level that applies wins; outside validFrom/validTo the next lower one takes over', () => {
    const s = set();
    s.install(0, profile({ stackLevel: 0, limit: 6, start: T0 }), T0);
    s.install(0, profile({ stackLevel: 3, limit: 20, start: T0, validFrom: iso(T0 + H), validTo: iso(T0 + 2 * H) }), T0);
    s.install(0, profile({ stackLevel: 1, limit: 10, start: T0 }), T0);
    expect(s.limitAt(1, T0, HW).limitA).toBe(10);
    expect(s.limitAt(1, T0 + H, HW).limitA).toBe(20);
    expect(s.limitAt(1, T0 + 2 * H - 1, HW).limitA).toBe(20);
    expect(s.limitAt(1, T0 + 2 * H, HW).limitA).toBe(10);
  });
});

describe('schedules', () => {
  const periods = [
    { startPeriod: 0, limit: 10 },
    { startPeriod: 600, limit: 20 },
    { startPeriod: 1200, limit: 8 },
  ];

  it('Absolute: nothing before startSchedule, then each period, then the last one goes on', () => {
    const s = set();
    s.install(1, profile({ periods, start: T0 + H }), T0);
    expect(s.limitAt(1, T0, HW).limitA).toBe(32);
    expect(s.limitAt(1, T0 + H, HW).limitA).toBe(10);
    expect(s.limitAt(1, T0 + H + 600 * S - 1, HW).limitA).toBe(10);
    expect(s.limitAt(1, T0 + H + 600 * S, HW).limitA).toBe(20);
    expect(s.limitAt(1, T0 + H + 1200 * S, HW).limitA).toBe(8);
    expect(s.limitAt(1, T0 + 100 * H, HW).limitA).toBe(8);
  });

  it('Absolute with a duration stops applying when it ends', () => {
    const s = set();
    s.install(1, profile({ periods, start: T0, duration: 900 }), T0);
    expect(s.limitAt(1, T0 + 899 * S, HW).limitA).toBe(20);
    expect(s.limitAt(1, T0 + 900 * S, HW).limitA).toBe(32);
  });

  it('Absolute without startSchedule starts when installed', () => {
    const s = set();
    s.install(1, profile({ periods, duration: 900 }), T0 + 5 * MIN);
    expect(s.limitAt(1, T0 + 5 * MIN, HW).limitA).toBe(10);
    expect(s.limitAt(1, T0 + 15 * MIN, HW).limitA).toBe(20);
    expect(s.limitAt(1, T0 + 20 * MIN, HW).limitA).toBe(32);
  });

  it('Relative runs from the start of the transaction', () => {
    const s = set();
    s.install(0, profile({ chargingProfileKind: 'Relative', periods, duration: 1800 }), T0);
    const tx: ConnectorTransaction = { transactionId: 3, startedAt: T0 + H };
    expect(s.limitAt(1, T0 + H, HW, tx).limitA).toBe(10);
    expect(s.limitAt(1, T0 + H + 700 * S, HW, tx).limitA).toBe(20);
    expect(s.limitAt(1, T0 + H + 1800 * S, HW, tx).limitA).toBe(32);
    // Without a transaction: as if one started at the moment asked.
    expect(s.limitAt(1, T0 + 5 * H, HW).limitA).toBe(10);
  });

  it('Recurring Daily repeats from startSchedule, the previous day covering the time before it', () => {
    const s = set();
    // Night tariff: 32 A from 22:00 for 8 h, 10 A otherwise.
    const night = [
      { startPeriod: 0, limit: 32 },
      { startPeriod: 8 * 3600, limit: 10 },
    ];
    s.install(0, profile({ chargingProfileKind: 'Recurring', recurrencyKind: 'Daily', periods: night, start: Date.parse('2025-03-01T22:00:00Z') }), T0);
    const at = (t: string) => s.limitAt(1, Date.parse(t), { maxCurrentA: 40, phases: 3 }).limitA;
    expect(at('2025-03-03T23:00:00Z')).toBe(32);
    expect(at('2025-03-04T05:59:59Z')).toBe(32);
    expect(at('2025-03-04T06:00:00Z')).toBe(10);
    expect(at('2025-03-04T21:59:59Z')).toBe(10);
    // Before the anchor itself, the previous cycle applies.
    expect(at('2025-03-01T21:00:00Z')).toBe(10);
  });

  it('Recurring with a duration applies only during that part of each cycle', () => {
    const s = set();
    s.install(0, profile({ chargingProfileKind: 'Recurring', recurrencyKind: 'Daily', limit: 6, duration: 2 * 3600, start: Date.parse('2025-03-01T17:00:00Z') }), T0);
    expect(s.limitAt(1, Date.parse('2025-03-05T18:30:00Z'), HW).limitA).toBe(6);
    expect(s.limitAt(1, Date.parse('2025-03-05T19:00:00Z'), HW).limitA).toBe(32);
  });

  it('Recurring Weekly repeats every 7 days', () => {
    const s = set();
    // Mondays 08:00-10:00 at 6 A.
    s.install(0, profile({ chargingProfileKind: 'Recurring', recurrencyKind: 'Weekly', limit: 6, duration: 7200, start: Date.parse('2025-01-06T08:00:00Z') }), T0);
    expect(s.limitAt(1, T0 + H, HW).limitA).toBe(6);
    expect(s.limitAt(1, T0 + 24 * H + H, HW).limitA).toBe(32);
    expect(s.limitAt(1, T0 + 7 * 24 * H + H, HW).limitA).toBe(6);
  });
});

describe('units', () => {
  it('converts W with 230 V per phase × numberPhases (default 3)', () => {
    expect(limitToAmps(11040, 'W', 3)).toBeCloseTo(16);
    expect(limitToAmps(3680, 'W', 1)).toBeCloseTo(16);
    const s = set();
    s.install(1, profile({ chargingSchedule: { chargingRateUnit: 'W', chargingSchedulePeriod: [{ startPeriod: 0, limit: 11040 }] }, start: T0 }), T0);
    expect(s.limitAt(1, T0, HW).limitA).toBeCloseTo(16);
    s.install(1, profile({ chargingSchedule: { chargingRateUnit: 'W', chargingSchedulePeriod: [{ startPeriod: 0, limit: 3680, numberPhases: 1 }] }, start: T0 }), T0);
    expect(s.limitAt(1, T0, HW)).toMatchObject({ numberPhases: 1 });
    expect(s.limitAt(1, T0, HW).limitA).toBeCloseTo(16);
  });

  it('a one-phase connector converts a W limit over its one phase', () => {
    const s = set();
    s.install(1, profile({ chargingSchedule: { chargingRateUnit: 'W', chargingSchedulePeriod: [{ startPeriod: 0, limit: 3680 }] }, start: T0 }), T0);
    expect(s.limitAt(1, T0, { maxCurrentA: 32, phases: 1 }).limitA).toBeCloseTo(16);
  });
});

describe('ClearChargingProfile', () => {
  function filled(): ChargingProfileSet {
    const s = set();
    const tx: ConnectorTransaction = { transactionId: 1, startedAt: T0 };
    s.install(0, profile({ chargingProfileId: 1, chargingProfilePurpose: 'ChargePointMaxProfile', stackLevel: 0 }), T0);
    s.install(0, profile({ chargingProfileId: 2, stackLevel: 0 }), T0);
    s.install(1, profile({ chargingProfileId: 3, stackLevel: 1 }), T0);
    s.install(2, profile({ chargingProfileId: 4, stackLevel: 1 }), T0);
    s.install(1, profile({ chargingProfileId: 5, chargingProfilePurpose: 'TxProfile', stackLevel: 2 }), T0, tx);
    return s;
  }
  const ids = (s: ChargingProfileSet) => s.list().map((p) => p.profile.chargingProfileId).sort();

  it('by id: Accepted, then Unknown', () => {
    const s = filled();
    expect(s.clear({ id: 3 })).toBe('Accepted');
    expect(ids(s)).toEqual([1, 2, 4, 5]);
    expect(s.clear({ id: 3 })).toBe('Unknown');
  });

  it('by connector, purpose and stack level, alone or together', () => {
    let s = filled();
    expect(s.clear({ connectorId: 1 })).toBe('Accepted');
    expect(ids(s)).toEqual([1, 2, 4]);
    s = filled();
    expect(s.clear({ chargingProfilePurpose: 'TxDefaultProfile' })).toBe('Accepted');
    expect(ids(s)).toEqual([1, 5]);
    s = filled();
    expect(s.clear({ stackLevel: 1 })).toBe('Accepted');
    expect(ids(s)).toEqual([1, 2, 5]);
    s = filled();
    expect(s.clear({ connectorId: 2, chargingProfilePurpose: 'TxDefaultProfile', stackLevel: 1 })).toBe('Accepted');
    expect(ids(s)).toEqual([1, 2, 3, 5]);
    expect(s.clear({ connectorId: 2, chargingProfilePurpose: 'TxProfile' })).toBe('Unknown');
  });

  it('without criteria clears everything; on an empty station it is Unknown', () => {
    const s = filled();
    expect(s.clear({})).toBe('Accepted');
    expect(s.list()).toHaveLength(0);
    expect(s.clear({})).toBe('Unknown');
  });
});

describe('failsafe scheme (spec D5)', () => {
  const FAILSAFE_A = 6;
  const LIVE_S = 120;
  function live(at: number, limitA: number): ChargingProfile {
    // Same id and stack level every time: a renewal replaces the previous live profile.
    return profile({
      chargingProfileId: 2,
      stackLevel: 1,
      limit: limitA,
      start: at,
      duration: LIVE_S,
      validTo: iso(at + LIVE_S * S),
    });
  }

  it('falls back to the failsafe current by itself when the live profile is not renewed', () => {
    const s = set();
    expect(s.install(0, profile({ chargingProfileId: 1, stackLevel: 0, chargingProfileKind: 'Relative', limit: FAILSAFE_A }), T0).status).toBe('Accepted');
    expect(s.install(1, live(T0, 20), T0).status).toBe('Accepted');
    const tx: ConnectorTransaction = { transactionId: 1, startedAt: T0 - H };
    expect(s.limitAt(1, T0, HW, tx).limitA).toBe(20);
    expect(s.limitAt(1, T0 + (LIVE_S - 1) * S, HW, tx).limitA).toBe(20);
    expect(s.limitAt(1, T0 + LIVE_S * S, HW, tx)).toMatchObject({ limitA: FAILSAFE_A, source: { chargingProfileId: 1 } });
    expect(s.limitAt(1, T0 + 10 * H, HW, tx).limitA).toBe(FAILSAFE_A);
    // The other connector never had a live profile: failsafe all along.
    expect(s.limitAt(2, T0, HW).limitA).toBe(FAILSAFE_A);
  });

  it('renewing before the end keeps the live setpoint with no gap', () => {
    const s = set();
    s.install(0, profile({ chargingProfileId: 1, stackLevel: 0, limit: FAILSAFE_A }), T0);
    s.install(1, live(T0, 20), T0);
    for (let t = T0 + 60 * S; t < T0 + 10 * MIN; t += 60 * S) {
      expect(s.limitAt(1, t - 1, HW).limitA).toBe(20);
      s.install(1, live(t, 20), t);
      expect(s.limitAt(1, t, HW).limitA).toBe(20);
      expect(s.list()).toHaveLength(2);
    }
  });

  it('expires under either reading: duration alone or validTo alone', () => {
    const s = set();
    s.install(0, profile({ chargingProfileId: 1, stackLevel: 0, limit: FAILSAFE_A }), T0);
    s.install(1, profile({ chargingProfileId: 2, stackLevel: 1, limit: 20, start: T0, duration: LIVE_S }), T0);
    s.install(2, profile({ chargingProfileId: 3, stackLevel: 1, limit: 20, start: T0, validTo: iso(T0 + LIVE_S * S) }), T0);
    expect(s.limitAt(1, T0 + LIVE_S * S, HW).limitA).toBe(FAILSAFE_A);
    expect(s.limitAt(2, T0 + LIVE_S * S, HW).limitA).toBe(FAILSAFE_A);
  });

  it('GetCompositeSchedule shows the live setpoint then the failsafe', () => {
    const s = set();
    s.install(0, profile({ chargingProfileId: 1, stackLevel: 0, limit: FAILSAFE_A }), T0);
    s.install(1, live(T0, 20), T0);
    const composite = s.compositeSchedule(1, T0, 600, 'A', [HW, HW], () => undefined);
    expect(composite.scheduleStart).toBe(iso(T0));
    expect(composite.chargingSchedule).toEqual({
      duration: 600,
      startSchedule: iso(T0),
      chargingRateUnit: 'A',
      chargingSchedulePeriod: [
        { startPeriod: 0, limit: 20, numberPhases: 3 },
        { startPeriod: LIVE_S, limit: FAILSAFE_A, numberPhases: 3 },
      ],
    });
  });
});

describe('GetCompositeSchedule', () => {
  it('without profiles: the hardware maximum for the whole duration', () => {
    const composite = set().compositeSchedule(1, T0 + 400, 3600, 'A', [HW, HW], () => undefined);
    expect(composite.scheduleStart).toBe(iso(T0));
    expect(composite.chargingSchedule.chargingSchedulePeriod).toEqual([{ startPeriod: 0, limit: 32, numberPhases: 3 }]);
  });

  it('in W, and for connector 0 as the station total capped by ChargePointMaxProfile', () => {
    const s = set();
    s.install(0, profile({ limit: 10, start: T0 }), T0);
    s.install(0, profile({ chargingProfilePurpose: 'ChargePointMaxProfile', periods: [{ startPeriod: 0, limit: 30 }, { startPeriod: 60, limit: 16 }], start: T0 }), T0);
    const w = s.compositeSchedule(1, T0, 120, 'W', [HW, HW], () => undefined);
    expect(w.chargingSchedule.chargingSchedulePeriod).toEqual([{ startPeriod: 0, limit: 6900, numberPhases: 3 }]);
    const station = s.compositeSchedule(0, T0, 120, 'A', [HW, HW], () => undefined);
    expect(station.chargingSchedule.chargingSchedulePeriod).toEqual([
      { startPeriod: 0, limit: 20, numberPhases: 3 },
      { startPeriod: 60, limit: 16, numberPhases: 3 },
    ]);
  });

  it('follows a Relative profile from the transaction start', () => {
    const s = set();
    s.install(0, profile({ chargingProfileKind: 'Relative', periods: [{ startPeriod: 0, limit: 10 }, { startPeriod: 300, limit: 16 }] }), T0);
    const tx: ConnectorTransaction = { transactionId: 1, startedAt: T0 - 100 * S };
    const composite = s.compositeSchedule(1, T0, 600, 'A', [HW, HW], (id) => (id === 1 ? tx : undefined));
    expect(composite.chargingSchedule.chargingSchedulePeriod).toEqual([
      { startPeriod: 0, limit: 10, numberPhases: 3 },
      { startPeriod: 200, limit: 16, numberPhases: 3 },
    ]);
  });
});

describe('shareStationCap', () => {
  it('gives everyone what they want under the cap', () => {
    expect(shareStationCap([10, 6], 32)).toEqual([10, 6]);
  });
  it('water-fills above it: small demands served, the rest split evenly', () => {
    expect(shareStationCap([6, 16, 16], 30)).toEqual([6, 12, 12]);
    expect(shareStationCap([16, 16], 20)).toEqual([10, 10]);
  });
});
