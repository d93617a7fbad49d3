// OCPP 1.6 smart charging as a station applies it (spec §3.13, §5.16, §7.7-7.13). Pure: no I/O,
// no clock; every time is an argument (epoch ms). The simulator, and tests of the failsafe scheme
// (spec D5), rely on this being faithful, so each rule cites what it models.

import type {
  ChargingProfile,
  ChargingProfilePurpose,
  ChargingRateUnit,
  ChargingSchedule,
  ChargingSchedulePeriod,
  ClearChargingProfileReq,
} from './ocpp-types.js';
import { DEFAULT_PROFILE_RULES, validateProfile, type InstallResult, type ProfileRules } from './charging-profile-rules.js';
import {
  DEFAULT_NUMBER_PHASES,
  PHASE_VOLTAGE_V,
  profileBreakpoints,
  profileValueAt,
  type ConnectorTransaction,
  type InstalledProfile,
  type ProfileValue,
} from './charging-schedule.js';

export * from './charging-profile-rules.js';
export * from './charging-schedule.js';

/** The hardware of one connector. */
export interface ConnectorHardware {
  maxCurrentA: number;
  phases: number;
}

/** Where a limit comes from: a profile, or the connector's hardware when none applies. */
export type LimitSource =
  | { kind: 'hardware' }
  | { kind: 'profile'; purpose: ChargingProfilePurpose; chargingProfileId: number; stackLevel: number; connectorId: number };

export interface AppliedLimit {
  /** Amperes per phase. */
  limitA: number;
  numberPhases: number;
  source: LimitSource;
}

export interface CompositeSchedule {
  connectorId: number;
  scheduleStart: string;
  chargingSchedule: ChargingSchedule;
}

interface Candidate {
  installed: InstalledProfile;
  value: ProfileValue;
}

/** Highest stack level that applies wins (§3.13.2); on a tie, a connector's own profile beats connector 0's. */
function best(candidates: Candidate[]): Candidate | undefined {
  let winner: Candidate | undefined;
  for (const c of candidates) {
    if (
      !winner ||
      c.installed.profile.stackLevel > winner.installed.profile.stackLevel ||
      (c.installed.profile.stackLevel === winner.installed.profile.stackLevel && c.installed.connectorId > winner.installed.connectorId)
    ) {
      winner = c;
    }
  }
  return winner;
}

function sourceOf(c: Candidate): LimitSource {
  const { profile, connectorId } = c.installed;
  return {
    kind: 'profile',
    purpose: profile.chargingProfilePurpose,
    chargingProfileId: profile.chargingProfileId,
    stackLevel: profile.stackLevel,
    connectorId,
  };
}

function roundDown1(x: number): number {
  return Math.floor(x * 10 + 1e-9) / 10;
}

/**
 * The charging profiles installed on one station, with the rules for installing, replacing,
 * clearing and combining them. Holds no clock: callers pass `at`.
 */
export class ChargingProfileSet {
  private profiles: InstalledProfile[] = [];

  constructor(
    private readonly connectorCount: number,
    public rules: ProfileRules = DEFAULT_PROFILE_RULES,
  ) {}

  list(): readonly InstalledProfile[] {
    return this.profiles;
  }

  /**
   * SetChargingProfile. A profile with the same chargingProfileId, or with the same stackLevel and
   * purpose on the same connector, replaces the old one (§5.16). `tx` is the connector's running
   * transaction, needed for TxProfile.
   */
  install(connectorId: number, profile: ChargingProfile, at: number, tx?: ConnectorTransaction): InstallResult {
    const parsed = validateProfile(connectorId, profile, at, this.rules, this.connectorCount, tx);
    if (!('profile' in parsed)) return parsed;
    this.prune(at);
    const kept = this.profiles.filter(
      (p) =>
        p.profile.chargingProfileId !== profile.chargingProfileId &&
        !(
          p.connectorId === connectorId &&
          p.profile.stackLevel === profile.stackLevel &&
          p.profile.chargingProfilePurpose === profile.chargingProfilePurpose
        ),
    );
    if (kept.length + 1 > this.rules.maxInstalled) {
      return { status: 'Rejected', reason: `MaxChargingProfilesInstalled ${this.rules.maxInstalled} reached` };
    }
    kept.push(parsed);
    this.profiles = kept;
    return { status: 'Accepted' };
  }

  /**
   * ClearChargingProfile (§5.5): by id, or by any combination of connector, purpose and stack
   * level; no criteria clears everything. Accepted when at least one profile was removed.
   */
  clear(req: ClearChargingProfileReq): 'Accepted' | 'Unknown' {
    const before = this.profiles.length;
    this.profiles = this.profiles.filter((p) => {
      if (req.id !== undefined) return p.profile.chargingProfileId !== req.id;
      const matches =
        (req.connectorId === undefined || req.connectorId === p.connectorId) &&
        (req.chargingProfilePurpose === undefined || req.chargingProfilePurpose === p.profile.chargingProfilePurpose) &&
        (req.stackLevel === undefined || req.stackLevel === p.profile.stackLevel);
      return !matches;
    });
    return this.profiles.length < before ? 'Accepted' : 'Unknown';
  }

  /** The TxProfiles of a connector end with its transaction (§3.13.1). */
  endTransaction(connectorId: number): void {
    this.profiles = this.profiles.filter(
      (p) => !(p.connectorId === connectorId && p.profile.chargingProfilePurpose === 'TxProfile'),
    );
  }

  /** Drops profiles whose validTo has passed: they can never apply again. */
  prune(at: number): void {
    this.profiles = this.profiles.filter((p) => p.validToAt === undefined || p.validToAt > at);
  }

  clearAll(): void {
    this.profiles = [];
  }

  /**
   * The limit a connector applies at `at` = min(hardware, ChargePointMaxProfile, TxProfile if one
   * applies else TxDefaultProfile). Within a purpose the highest applying stack level wins, so when
   * a profile runs out (duration or validTo) the next lower one takes over by itself.
   */
  limitAt(connectorId: number, at: number, hw: ConnectorHardware, tx?: ConnectorTransaction): AppliedLimit {
    return this.evaluate(connectorId, at, hw, tx, true);
  }

  private evaluate(
    connectorId: number,
    at: number,
    hw: ConnectorHardware,
    tx: ConnectorTransaction | undefined,
    withStationCap: boolean,
  ): AppliedLimit {
    const txStartAt = tx?.startedAt;
    const cpMax: Candidate[] = [];
    const txDefault: Candidate[] = [];
    const txOnly: Candidate[] = [];
    for (const installed of this.profiles) {
      const purpose = installed.profile.chargingProfilePurpose;
      if (purpose === 'ChargePointMaxProfile') {
        if (!withStationCap) continue;
        const value = profileValueAt(installed, at, txStartAt, hw.phases);
        if (value) cpMax.push({ installed, value });
      } else if (purpose === 'TxDefaultProfile') {
        if (installed.connectorId !== 0 && installed.connectorId !== connectorId) continue;
        const value = profileValueAt(installed, at, txStartAt, hw.phases);
        if (value) txDefault.push({ installed, value });
      } else {
        if (installed.connectorId !== connectorId || !tx) continue;
        if (installed.profile.transactionId !== undefined && installed.profile.transactionId !== tx.transactionId) continue;
        const value = profileValueAt(installed, at, txStartAt, hw.phases);
        if (value) txOnly.push({ installed, value });
      }
    }
    let result: AppliedLimit = { limitA: hw.maxCurrentA, numberPhases: hw.phases, source: { kind: 'hardware' } };
    const base = best(txOnly) ?? best(txDefault);
    for (const c of [base, best(cpMax)]) {
      if (!c) continue;
      if (c.value.limitA < result.limitA) {
        result = { limitA: c.value.limitA, numberPhases: Math.min(result.numberPhases, c.value.numberPhases), source: sourceOf(c) };
      } else {
        result = { ...result, numberPhases: Math.min(result.numberPhases, c.value.numberPhases) };
      }
    }
    return result;
  }

  /**
   * GetCompositeSchedule (§5.7): what the connector will really apply over [at, at + duration).
   * Connector 0 gives the station total: the sum of its connectors, capped by ChargePointMaxProfile.
   */
  compositeSchedule(
    connectorId: number,
    at: number,
    durationS: number,
    unit: ChargingRateUnit,
    hardware: readonly ConnectorHardware[],
    txOf: (connectorId: number) => ConnectorTransaction | undefined,
  ): CompositeSchedule {
    const from = Math.floor(at / 1000) * 1000;
    const to = from + durationS * 1000;
    const points = new Set<number>([from]);
    for (const p of this.profiles) {
      const connectors = connectorId === 0 ? hardware.map((_, i) => i + 1) : [connectorId];
      for (const c of connectors) {
        for (const t of profileBreakpoints(p, from, to, txOf(c)?.startedAt)) points.add(t);
      }
    }
    const sorted = [...points].sort((a, b) => a - b);
    const periods: ChargingSchedulePeriod[] = [];
    for (const t of sorted) {
      const { limitA, numberPhases } = this.compositeValueAt(connectorId, t, hardware, txOf);
      const limit = roundDown1(unit === 'A' ? limitA : limitA * PHASE_VOLTAGE_V * numberPhases);
      const startPeriod = Math.round((t - from) / 1000);
      const last = periods[periods.length - 1];
      if (last && last.limit === limit && last.numberPhases === numberPhases) continue;
      if (last && last.startPeriod === startPeriod) periods.pop();
      periods.push({ startPeriod, limit, numberPhases });
    }
    const startSchedule = new Date(from).toISOString();
    return {
      connectorId,
      scheduleStart: startSchedule,
      chargingSchedule: { duration: durationS, startSchedule, chargingRateUnit: unit, chargingSchedulePeriod: periods },
    };
  }

  private compositeValueAt(
    connectorId: number,
    at: number,
    hardware: readonly ConnectorHardware[],
    txOf: (connectorId: number) => ConnectorTransaction | undefined,
  ): ProfileValue {
    if (connectorId !== 0) {
      const { limitA, numberPhases } = this.limitAt(connectorId, at, hardware[connectorId - 1], txOf(connectorId));
      return { limitA, numberPhases };
    }
    let sumA = 0;
    let phases = 1;
    for (let c = 1; c <= hardware.length; c++) {
      const withoutCap = this.evaluate(c, at, hardware[c - 1], txOf(c), false);
      sumA += withoutCap.limitA;
      phases = Math.max(phases, withoutCap.numberPhases);
    }
    const cap = this.chargePointMaxAt(at, phases);
    return cap && cap.limitA < sumA ? cap : { limitA: sumA, numberPhases: phases };
  }

  /** The ChargePointMaxProfile value at `at` (the cap on the whole station), if one applies. */
  chargePointMaxAt(at: number, phases: number = DEFAULT_NUMBER_PHASES): ProfileValue | undefined {
    return best(
      this.profiles
        .filter((p) => p.profile.chargingProfilePurpose === 'ChargePointMaxProfile')
        .map((installed) => ({ installed, value: profileValueAt(installed, at, undefined, phases) }))
        .filter((c): c is Candidate => c.value !== undefined),
    )?.value;
  }
}

/**
 * A ChargePointMaxProfile caps the whole station, not each connector: when the connectors
 * together want more than the cap, the station shares it. Water-filling: no connector gets more
 * than it wants, and the rest is split evenly.
 */
export function shareStationCap(demandsA: readonly number[], capA: number): number[] {
  const total = demandsA.reduce((s, d) => s + d, 0);
  if (total <= capA) return [...demandsA];
  const order = demandsA.map((d, i) => ({ d, i })).sort((a, b) => a.d - b.d);
  const out = new Array<number>(demandsA.length).fill(0);
  let left = Math.max(0, capA);
  let remaining = order.length;
  for (const { d, i } of order) {
    const share = left / remaining;
    const given = Math.min(d, share);
    out[i] = given;
    left -= given;
    remaining--;
  }
  return out;
}
