// Carries out an allocation (A8, D5): reductions first, increases once every reduction is
// confirmed or timed out; live profiles renewed well before they run out. Idle connectors are
// held at 0 A by their live profile too: a car that plugs in then waits for its share instead
// of drawing its failsafe current next to cars that already use the whole zone. If Fuseguard
// goes away, that 0 A profile runs out with the others and the failsafe applies.
import { planChanges, type AllocationResult, type ChangeStep, type Failsafe, type HeldSetpoint } from '../domain/index.js';
import type { CommandSender } from '../ocpp/command-sender.js';
import type { EventLog } from '../services/event-log.js';
import { liveProfile, type ProfileUnit } from './charging-profiles.js';
import type { ConnectorRuntime, SiteState } from './site-state.js';
import type { StationProvisioner } from './station-provisioner.js';

export interface DispatcherOptions {
  /** How long a live profile stays valid without renewal (D5): the site setting, or a test's. */
  liveProfileDurationS: () => number;
  /** Timeout of a reduction before the increases go anyway (A8) [30 s]. */
  commandTimeoutMs: number;
  /** How often an uncontrolled connector is offered a profile again. */
  uncontrolledRetryMs: number;
  /**
   * What a station's clock reads now (U3: the time it was last given); its profiles are stamped
   * on it and their expiry is judged on it. Default: Fuseguard's own clock.
   */
  stationNow?: (stationId: string) => number;
}

export const REFUSALS_BEFORE_FLAG = 3;

interface HeldLive {
  currentA: number;
  expiresAt: number;
}

export class Dispatcher {
  /** The live profile each connector holds, as far as we know. */
  private readonly held = new Map<string, HeldLive>();
  /** Connectors whose real limit is unknown (after a reboot): assumed at their maximum. */
  private readonly unknown = new Set<string>();
  /** Refusals in a row per connector; past REFUSALS_BEFORE_FLAG the station is uncontrolled. */
  private readonly refusals = new Map<string, number>();
  /** When each uncontrolled connector was last offered a profile. */
  private readonly retriedAt = new Map<string, number>();
  /** U3: stations whose clock moved; their live profiles go again, stamped on the new time. */
  private readonly renewDue = new Set<string>();

  constructor(
    private readonly commands: CommandSender,
    private readonly state: SiteState,
    private readonly provisioner: Pick<StationProvisioner, 'capabilities' | 'isReady'>,
    private readonly log: EventLog,
    private readonly now: () => number,
    private readonly options: DispatcherOptions,
  ) {}

  /** What a connector may draw now: its live profile, else its failsafe, else (unknown) its maximum. */
  heldA(runtime: ConnectorRuntime, failsafe: Failsafe | undefined): number {
    if (this.hasLive(runtime.key)) return (this.held.get(runtime.key) as HeldLive).currentA;
    if (this.unknown.has(runtime.key)) return runtime.maxCurrentA;
    return failsafe?.failsafeA ?? runtime.maxCurrentA;
  }

  private hasLive(key: string): boolean {
    const live = this.held.get(key);
    const runtime = this.state.connectors.get(key);
    // expiresAt is on the station's clock, as its validTo.
    return live !== undefined && runtime !== undefined && live.expiresAt > this.stationNow(runtime.stationId);
  }

  /** After a reboot the station may have lost its profiles: assume the worst until told. */
  forget(stationId: string): void {
    for (const runtime of this.state.connectors.values()) {
      if (runtime.stationId !== stationId) continue;
      this.held.delete(runtime.key);
      this.unknown.add(runtime.key);
    }
  }

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

  private stationNow(stationId: string): number {
    return this.options.stationNow ? this.options.stationNow(stationId) : this.now();
  }

  async apply(result: AllocationResult, failsafes: Record<string, Failsafe>): Promise<void> {
    const held: HeldSetpoint[] = [];
    for (const runtime of this.state.connectors.values()) {
      held.push({ connectorId: runtime.key, currentA: this.heldA(runtime, failsafes[runtime.key]) });
    }
    const plan = planChanges(held, result.setpoints);
    // A connector without a valid live profile gets one even when its target equals what it is
    // assumed to draw: the failsafe below must never be the only thing that holds it.
    const planned = new Set([...plan.reductions, ...plan.increases].map((step) => step.connectorId));
    for (const setpoint of result.setpoints) {
      if (!setpoint.controllable || planned.has(setpoint.connectorId) || this.hasLive(setpoint.connectorId)) continue;
      plan.reductions.push({ connectorId: setpoint.connectorId, fromA: setpoint.currentA, toA: setpoint.currentA, setpoint });
    }
    await Promise.all(plan.reductions.map((step) => this.send(step)));
    await Promise.all(plan.increases.map((step) => this.send(step)));
    await this.renew(result);
    await this.retryUncontrolled(result);
  }

  /**
   * Now and then an uncontrolled connector is offered its maximum, which is held for it anyway:
   * once it accepts, it is trusted again and the next round gives it its share.
   */
  private async retryUncontrolled(result: AllocationResult): Promise<void> {
    const at = this.now();
    const due = result.setpoints.filter((s) => s.reason.code === 'uncontrolled'
      && (this.retriedAt.get(s.connectorId) ?? -Infinity) + this.options.uncontrolledRetryMs <= at);
    for (const s of due) this.retriedAt.set(s.connectorId, at);
    await Promise.all(due.map((s) => this.send({ connectorId: s.connectorId, fromA: s.currentA, toA: s.currentA, setpoint: s })));
  }

  /** Sends again every live profile past half its life, with the same id: no gap (D5). */
  private async renew(result: AllocationResult): Promise<void> {
    const halfLifeMs = (this.options.liveProfileDurationS() * 1000) / 2;
    const moved = new Set(this.renewDue);
    this.renewDue.clear();
    const due = result.setpoints.filter((s) => {
      const live = this.held.get(s.connectorId);
      const runtime = this.state.connectors.get(s.connectorId);
      if (!s.controllable || !live || !runtime || live.currentA !== s.currentA) return false;
      return moved.has(runtime.stationId) || live.expiresAt < this.stationNow(runtime.stationId) + halfLifeMs;
    });
    await Promise.all(due.map((s) => this.send({ connectorId: s.connectorId, fromA: s.currentA, toA: s.currentA, setpoint: s })));
  }

  private async send(step: ChangeStep): Promise<void> {
    const runtime = this.state.connectors.get(step.connectorId);
    if (!runtime || !this.provisioner.isReady(runtime.stationId)) return;
    const at = this.stationNow(runtime.stationId);
    const unit: ProfileUnit = {
      rateUnit: this.provisioner.capabilities(runtime.stationId)?.rateUnit ?? 'A',
      numberPhases: runtime.wiring.length === 2 ? 1 : 3,
    };
    const durationS = this.options.liveProfileDurationS();
    const profile = liveProfile(runtime.connectorId, step.toA, unit, at, durationS);
    const result = await this.commands.send(runtime.stationId, 'SetChargingProfile', { connectorId: runtime.connectorId, csChargingProfiles: profile }, { timeoutMs: this.options.commandTimeoutMs });
    if (result.ok && result.response.status === 'Accepted') {
      this.held.set(runtime.key, { currentA: step.toA, expiresAt: at + durationS * 1000 });
      this.unknown.delete(runtime.key);
      this.refusals.delete(runtime.key);
      if (this.state.uncontrolled.has(runtime.key)) {
        this.retriedAt.delete(runtime.key);
        await this.state.flagStation(runtime.stationId, null);
        this.log.info(`connector ${runtime.connectorId} accepts live profiles again: no longer counted at its maximum`, { stationId: runtime.stationId, action: 'SetChargingProfile' });
      }
      return;
    }
    // Retried by the next round (the tick at the latest); a station that keeps refusing is
    // counted at its full maximum so that the others stay safe, and flagged.
    const refusals = (this.refusals.get(runtime.key) ?? 0) + 1;
    this.refusals.set(runtime.key, refusals);
    const why = result.ok ? result.response.status : result.message;
    if (refusals === REFUSALS_BEFORE_FLAG) {
      await this.state.flagStation(runtime.stationId, `connector ${runtime.connectorId} refuses live profiles (${why})`);
      this.log.error(`connector ${runtime.connectorId} refused ${refusals} live profiles in a row (${why}): counted at its maximum ${runtime.maxCurrentA} A until it accepts one`, { stationId: runtime.stationId, action: 'SetChargingProfile' });
    } else if (refusals < REFUSALS_BEFORE_FLAG) {
      this.log.warn(`live profile ${step.toA} A refused: ${why}`, { stationId: runtime.stationId, action: 'SetChargingProfile' });
    }
  }
}
