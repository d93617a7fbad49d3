// The electrical side of a simulated station: its connectors, the cars on them, and how time
// moves current and energy given the charging profiles that apply.

import { shareStationCap, type ChargingProfileSet, type ConnectorTransaction } from './charging-profiles.js';
import type { ConnectorReading } from './station-meter.js';
import type { Vehicle } from './vehicle.js';
import type { ChargePointErrorCode, ChargePointStatus, ChargingProfile, MeterValue } from './ocpp-types.js';

export interface Session {
  /** Local key; the central system's transactionId comes later (see Outbox). */
  key: number;
  idTag: string;
  startedAt: number;
  beginValue: MeterValue;
  nextSampleAt: number;
}

export interface Connector {
  id: number;
  phases: 1 | 3;
  maxCurrentA: number;
  status: ChargePointStatus;
  errorCode: ChargePointErrorCode;
  operative: boolean;
  /** ChangeAvailability Inoperative waiting for the transaction to end. */
  inoperativeScheduled: boolean;
  plugged: boolean;
  /** The transaction ended with the cable still in. */
  finishing: boolean;
  vehicle?: Vehicle;
  session?: Session;
  /** A badge or remote start waiting for the cable (until ConnectionTimeOut). */
  authorized?: { idTag: string; expiresAt: number; profile?: ChargingProfile };
  energyWh: number;
  offeredA: number;
  drawA: number;
  drawPhases: number;
  powerW: number;
  lastLimitA?: number;
}

export function createConnector(id: number, phases: 1 | 3, maxCurrentA: number): Connector {
  return {
    id,
    phases,
    maxCurrentA,
    status: 'Available',
    errorCode: 'NoError',
    operative: true,
    inoperativeScheduled: false,
    plugged: false,
    finishing: false,
    energyWh: 0,
    offeredA: 0,
    drawA: 0,
    drawPhases: 0,
    powerW: 0,
  };
}

/** The status a real station would show for the connector's state (§7.7). */
export function desiredStatus(c: Connector): ChargePointStatus {
  if (c.session) {
    const vehicle = c.vehicle;
    if (!vehicle || c.offeredA < vehicle.options.minCurrentA) return 'SuspendedEVSE';
    if (vehicle.acceptanceA() <= 0) return 'SuspendedEV';
    return 'Charging';
  }
  if (!c.operative) return 'Unavailable';
  if (c.plugged) return c.finishing ? 'Finishing' : 'Preparing';
  if (c.authorized) return 'Preparing';
  return 'Available';
}

export function readingOf(c: Connector): ConnectorReading {
  return {
    energyWh: c.energyWh,
    currentA: c.drawA,
    drawPhases: c.drawPhases,
    connectorPhases: c.phases,
    powerW: c.powerW,
    offeredA: c.offeredA,
    soc: c.vehicle?.soc,
  };
}

export interface PhysicsDeps {
  connectors: readonly Connector[];
  profiles: ChargingProfileSet;
  txContext(c: Connector): ConnectorTransaction | undefined;
  /** MeterValueSampleInterval, read at each sample. */
  sampleIntervalS(): number;
  /** A periodic sample falls due at `at`. */
  onSample(c: Connector, at: number): void;
  /** After each step of a connector (to update its status). */
  onStepped(c: Connector): void;
}

/** Limits are read again at least this often. */
const MAX_STEP_MS = 1_000;

export class StationPhysics {
  constructor(
    private readonly deps: PhysicsDeps,
    public lastStepAt: number,
  ) {}

  /** Steps cars and meters up to `target`, sampling on each session's interval. */
  advanceTo(target: number): void {
    if (target <= this.lastStepAt) return;
    const active = this.deps.connectors.filter((c) => c.session);
    if (active.length === 0) {
      this.lastStepAt = target; // idle stations cost nothing
      return;
    }
    let t = this.lastStepAt;
    while (t < target) {
      let end = Math.min(target, t + MAX_STEP_MS);
      for (const c of active) {
        const next = c.session?.nextSampleAt ?? Infinity;
        if (next > t && next < end) end = next;
      }
      this.step(active, t, end);
      t = end;
      for (const c of active) {
        const session = c.session;
        if (session && session.nextSampleAt <= t) {
          this.deps.onSample(c, t);
          const intervalS = this.deps.sampleIntervalS();
          session.nextSampleAt = intervalS > 0 ? session.nextSampleAt + intervalS * 1000 : Infinity;
        }
      }
    }
    this.lastStepAt = target;
  }

  private step(active: Connector[], from: number, to: number): void {
    const { profiles } = this.deps;
    const limits = active.map((c) => profiles.limitAt(c.id, from, c, this.deps.txContext(c)));
    let offered = limits.map((l) => l.limitA);
    const cap = active.length > 1 ? profiles.chargePointMaxAt(from) : undefined;
    if (cap) {
      // ChargePointMaxProfile caps the station as a whole: share it among the cars.
      const wants = active.map((c, i) => Math.min(offered[i], c.vehicle?.acceptanceA() ?? 0));
      offered = shareStationCap(wants, cap.limitA);
    }
    active.forEach((c, i) => {
      c.offeredA = offered[i];
      if (c.vehicle) {
        const step = c.vehicle.step(offered[i], to - from, Math.min(c.phases, limits[i].numberPhases));
        c.energyWh += step.energyWh;
        c.drawA = step.currentA;
        c.drawPhases = step.phases;
        c.powerW = step.powerW;
      }
      this.deps.onStepped(c);
    });
  }
}
