// Carries out an allocation (A8, D5, D8): reductions first; a raise only where what everyone else
// in its zones may draw now, from what their stations acknowledged, leaves room for it; live
// profiles renewed well before they run out. Nothing here waits for a station: each connector has
// at most one live profile in flight, and every answer starts a new round, so one slow station
// holds up no other. Idle connectors are held at 0 A by their live profile too: a car that plugs
// in then waits for its share instead of drawing its failsafe current next to cars that already
// use the whole zone. If Fuseguard goes away, that 0 A profile runs out and the failsafe applies.
import { phaseIndex, planChanges, type AllocationResult, type ChangeStep, type HeldSetpoint, type Setpoint } from '../domain/index.js';
import type { CommandSender } from '../ocpp/command-sender.js';
import type { EventLog } from '../services/event-log.js';
import { liveProfile, type ProfileUnit } from './charging-profiles.js';
import { profileOutcome, type HeldProfiles } from './held-profiles.js';
import type { ConnectorRuntime, SiteState } from './site-state.js';
import type { StationProvisioner } from './station-provisioner.js';

export interface DispatcherOptions {
  /** How long a live profile stays valid without renewal (D5): the site setting, or a test's. */
  liveProfileDurationS: () => number;
  /** Timeout of each live profile command [30 s]. */
  commandTimeoutMs: number;
  /** How often an uncontrolled connector is offered a profile again. */
  uncontrolledRetryMs: number;
  /**
   * What a station's clock reads now (U3: the time it was last given); its profiles are stamped
   * on it and their expiry is judged on it. Default: Fuseguard's own clock.
   */
  stationNow?: (stationId: string) => number;
  /** An answer came: allocate again (raises that waited for it may go now). */
  answered: () => void;
}

export const REFUSALS_BEFORE_FLAG = 3;
const TOLERANCE_A = 1e-6;

export class Dispatcher {
  /** Refusals in a row per connector; past REFUSALS_BEFORE_FLAG the station is uncontrolled. */
  private readonly refusals = new Map<string, number>();
  /** When each uncontrolled connector was last offered a profile. */
  private readonly retriedAt = new Map<string, number>();
  /** U3: stations whose clock moved; their live profiles go again, stamped on the new time. */
  private readonly renewDue = new Set<string>();
  /** The live profile in flight per connector: one at a time. */
  private readonly inFlight = new Map<string, Promise<void>>();
  /** Raises that found no room in the last round (D8), for tests and the API. */
  deferred = 0;

  constructor(
    private readonly commands: CommandSender,
    private readonly state: SiteState,
    private readonly provisioner: Pick<StationProvisioner, 'capabilities' | 'isReady'>,
    private readonly held: HeldProfiles,
    private readonly log: EventLog,
    private readonly now: () => number,
    private readonly options: DispatcherOptions,
  ) {}

  /** U3: Fuseguard's clock stepped by `stepMs`; the instants kept on it move with it. */
  shiftTimes(stepMs: number): void {
    for (const [key, at] of this.retriedAt) this.retriedAt.set(key, at + stepMs);
  }

  /**
   * U3: the station was given a time that moved its clock: what it holds now ends at another
   * moment of its day, so its live profiles go again at the next round (same id: no gap).
   */
  renewStation(stationId: string): void {
    this.renewDue.add(stationId);
  }

  inFlightCount(): number {
    return this.inFlight.size;
  }

  /** Resolves once no live profile is in flight. */
  async settled(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.all([...this.inFlight.values()]);
  }

  /** Starts what the allocation calls for; returns without waiting for any station. */
  apply(result: AllocationResult): void {
    const room = new Room(result);
    const counted: HeldSetpoint[] = [];
    const bySetpoint = new Map<string, Setpoint>();
    for (const setpoint of result.setpoints) {
      const runtime = this.state.connectors.get(setpoint.connectorId);
      if (!runtime) continue;
      bySetpoint.set(setpoint.connectorId, setpoint);
      // What it may draw now; one that is not allocated is counted at what the allocation held for it.
      const boundA = this.held.boundA(runtime);
      const currentA = setpoint.controllable ? boundA : Math.max(boundA, setpoint.currentA);
      counted.push({ connectorId: setpoint.connectorId, currentA });
      room.add(setpoint, currentA);
    }
    const plan = planChanges(counted, result.setpoints);
    // A connector without a valid live profile gets one even when its target equals what it may
    // draw now: the failsafe below must never be the only thing that holds it.
    const planned = new Set([...plan.reductions, ...plan.increases].map((step) => step.connectorId));
    for (const setpoint of result.setpoints) {
      const runtime = this.state.connectors.get(setpoint.connectorId);
      if (!runtime || !setpoint.controllable || planned.has(setpoint.connectorId) || this.held.validLive(runtime)) continue;
      plan.reductions.push({ connectorId: setpoint.connectorId, fromA: setpoint.currentA, toA: setpoint.currentA, setpoint });
    }
    for (const step of plan.reductions) this.start(step);
    let deferred = 0;
    for (const step of plan.increases) {
      const setpoint = bySetpoint.get(step.connectorId);
      const runtime = this.state.connectors.get(step.connectorId);
      if (!setpoint || !runtime || this.inFlight.has(step.connectorId) || !this.provisioner.isReady(runtime)) continue;
      // D8: only where what everyone else may draw leaves room; else the next round tries again.
      if (!room.fits(setpoint, step.fromA, step.toA)) { deferred++; continue; }
      room.move(setpoint, step.fromA, step.toA);
      this.start(step);
    }
    this.deferred = deferred;
    this.renew(result);
    this.retryUncontrolled(result);
  }

  /**
   * Now and then an uncontrolled connector is offered a profile again: once it accepts one, it is
   * trusted again and the next round gives it its share. What it is offered never raises what it
   * may draw now (D8): its maximum is held for it, but another station's may have been given
   * meanwhile from what it really applies.
   */
  private retryUncontrolled(result: AllocationResult): void {
    const at = this.now();
    for (const s of result.setpoints) {
      if (s.reason.code !== 'uncontrolled' || (this.retriedAt.get(s.connectorId) ?? -Infinity) + this.options.uncontrolledRetryMs > at) continue;
      const runtime = this.state.connectors.get(s.connectorId);
      if (!runtime) continue;
      this.retriedAt.set(s.connectorId, at);
      const offerA = Math.min(s.currentA, this.held.boundA(runtime));
      this.start({ connectorId: s.connectorId, fromA: offerA, toA: offerA, setpoint: s });
    }
  }

  /** Sends again every live profile past half its life, with the same id: no gap (D5). */
  private renew(result: AllocationResult): void {
    const halfLifeMs = (this.options.liveProfileDurationS() * 1000) / 2;
    const moved = new Set(this.renewDue);
    this.renewDue.clear();
    for (const s of result.setpoints) {
      const runtime = this.state.connectors.get(s.connectorId);
      const live = runtime ? this.held.validLive(runtime) : undefined;
      if (!s.controllable || !runtime || !live || live.limitA !== s.currentA) continue;
      if (moved.has(runtime.stationId) || (live.validToAt ?? Infinity) < this.stationNow(runtime.stationId) + halfLifeMs) {
        this.start({ connectorId: s.connectorId, fromA: s.currentA, toA: s.currentA, setpoint: s });
      }
    }
  }

  private stationNow(stationId: string): number {
    return this.options.stationNow ? this.options.stationNow(stationId) : this.now();
  }

  private start(step: ChangeStep): void {
    if (this.inFlight.has(step.connectorId)) return;
    const runtime = this.state.connectors.get(step.connectorId);
    if (!runtime || !this.provisioner.isReady(runtime)) return;
    const run = this.send(runtime, step.toA).catch((error: unknown) => {
      this.log.error(`live profile failed: ${error instanceof Error ? error.message : String(error)}`, { stationId: runtime.stationId, action: 'SetChargingProfile' });
    }).finally(() => {
      this.inFlight.delete(step.connectorId);
      this.options.answered();
    });
    this.inFlight.set(step.connectorId, run);
  }

  private async send(runtime: ConnectorRuntime, toA: number): Promise<void> {
    const at = this.stationNow(runtime.stationId);
    const unit: ProfileUnit = {
      rateUnit: this.provisioner.capabilities(runtime.stationId)?.rateUnit ?? 'A',
      numberPhases: runtime.wiring.length === 2 ? 1 : 3,
    };
    const durationS = this.options.liveProfileDurationS();
    const profile = liveProfile(runtime.connectorId, toA, unit, at, durationS);
    const sendId = this.held.sent(runtime, 'live', { limitA: toA, validToAt: at + durationS * 1000 });
    const result = await this.commands.send(runtime.stationId, 'SetChargingProfile', { connectorId: runtime.connectorId, csChargingProfiles: profile }, { timeoutMs: this.options.commandTimeoutMs });
    const outcome = profileOutcome(result);
    this.held.answered(runtime, 'live', sendId, outcome);
    if (outcome === 'accepted') {
      this.refusals.delete(runtime.key);
      if (this.state.uncontrolled.has(runtime.key)) {
        this.retriedAt.delete(runtime.key);
        await this.state.flagStation(runtime.stationId, null);
        this.log.info(`connector ${runtime.connectorId} accepts live profiles again: no longer counted at its maximum`, { stationId: runtime.stationId, action: 'SetChargingProfile' });
      }
      return;
    }
    if (!result.ok && result.notSent) return; // it went offline or booted: nothing to hold against it
    // Retried by the next round (the tick at the latest); a station that keeps refusing is
    // counted at its full maximum so that the others stay safe, and flagged.
    const refusals = (this.refusals.get(runtime.key) ?? 0) + 1;
    this.refusals.set(runtime.key, refusals);
    const why = result.ok ? result.response.status : result.message;
    if (refusals === REFUSALS_BEFORE_FLAG) {
      await this.state.flagStation(runtime.stationId, `connector ${runtime.connectorId} refuses live profiles (${why})`);
      this.log.error(`connector ${runtime.connectorId} refused ${refusals} live profiles in a row (${why}): counted at its maximum ${runtime.maxCurrentA} A until it accepts one`, { stationId: runtime.stationId, action: 'SetChargingProfile' });
    } else if (refusals < REFUSALS_BEFORE_FLAG) {
      this.log.warn(`live profile ${toA} A refused: ${why}`, { stationId: runtime.stationId, action: 'SetChargingProfile' });
    }
  }
}

/**
 * D8: per zone and phase, what the connectors in its subtree may draw now, against the zone's
 * limit of the allocation; each connector on the phases the allocation counts it on.
 */
class Room {
  private readonly usedA: Float64Array;
  private readonly limitA: Float64Array;
  private readonly zoneIndex: Map<string, number>;
  private readonly parentOf: Int32Array;

  constructor(result: AllocationResult) {
    const zones = result.zones;
    this.zoneIndex = new Map(zones.map((z, i) => [z.zone, i]));
    this.parentOf = Int32Array.from(zones, (z) => (z.parent === null ? -1 : this.zoneIndex.get(z.parent) ?? -1));
    this.usedA = new Float64Array(zones.length * 3);
    this.limitA = new Float64Array(zones.length * 3);
    zones.forEach((z, i) => { for (let ph = 0; ph < 3; ph++) this.limitA[i * 3 + ph] = z.limitA[ph]; });
  }

  add(setpoint: Setpoint, amountA: number): void {
    this.each(setpoint, (c) => { this.usedA[c] += amountA; });
  }

  fits(setpoint: Setpoint, fromA: number, toA: number): boolean {
    let fits = true;
    this.each(setpoint, (c) => { if (this.usedA[c] - fromA + toA > this.limitA[c] + TOLERANCE_A) fits = false; });
    return fits;
  }

  move(setpoint: Setpoint, fromA: number, toA: number): void {
    this.add(setpoint, toA - fromA);
  }

  private each(setpoint: Setpoint, visit: (constraint: number) => void): void {
    for (let z = this.zoneIndex.get(setpoint.zone) ?? -1; z >= 0; z = this.parentOf[z]) {
      for (const ph of setpoint.phases) visit(z * 3 + phaseIndex(ph));
    }
  }
}
