// Carries out an allocation (A8, D5, D8): reductions first; a raise only where what everyone else
// in its zones may draw now, from what their stations acknowledged, leaves room for it; live
// profiles renewed well before they run out. Nothing here waits for a station: each connector has
// at most one live profile in flight, and every answer that may free room starts a new round, so
// one slow station holds up no other. Idle connectors are held at 0 A by their live profile too:
// a car that plugs in then waits for its share instead of drawing its failsafe current next to
// cars that already use the whole zone. If Fuseguard goes away, that 0 A profile runs out and the
// failsafe applies.
import { phaseIndex, sitePhases, type AllocationResult, type PhaseIndex, type PossibleProfile, type Setpoint } from '../domain/index.js';
import type { CommandSender } from '../ocpp/command-sender.js';
import type { EventLog } from '../services/event-log.js';
import { liveEndAt, liveProfile, type ProfileUnit } from './charging-profiles.js';
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
/**
 * Live profiles end together on a grid (liveEndAt), so on a large site thousands fall due for
 * renewal at once; at most this many go at a time, the most urgent first, the next ones once they
 * are answered (from the last allocation: a renewal needs no new one). Sent at once they stalled
 * every station's calls for seconds (issue 15); spread over their whole window they would leave
 * some profiles ending a half-life before the others for long, which the allocation does not
 * count (D8).
 */
export const RENEWALS_PER_ROUND = 250;
const TOLERANCE_A = 1e-6;

export class Dispatcher {
  /** Refusals in a row per connector; past REFUSALS_BEFORE_FLAG the station is uncontrolled. */
  private readonly refusals = new Map<string, number>();
  /** When each uncontrolled connector was last offered a profile. */
  private readonly retriedAt = new Map<string, number>();
  /** U3: stations whose clock moved; their live profiles go again, stamped on the new time. */
  private readonly renewDue = new Set<string>();
  /** The live profile in flight per connector (one at a time), with what it carries. */
  private readonly inFlight = new Map<string, { run: Promise<void>; toA: number; phaseCount: number }>();
  /** Renewals left for later by the cap (RENEWALS_PER_ROUND), and the allocation they come from. */
  private renewalsLeft = false;
  private lastResult: AllocationResult | null = null;
  private stopped = false;
  /** Connectors a round wanted to send to while one was in flight: its answer calls for a round. */
  private readonly waiting = new Set<string>();
  /** Whether the last round left a step out for lack of room: a lower bound may let it go. */
  private roomWanted = false;

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

  /** The control loop stopped: nothing more goes out on its own. */
  stop(): void {
    this.stopped = true;
  }

  inFlightCount(): number {
    return this.inFlight.size;
  }

  /** Resolves once no live profile is in flight. */
  async settled(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.all([...this.inFlight.values()].map((f) => f.run));
  }

  /** Starts what the allocation calls for; returns without waiting for any station. */
  apply(result: AllocationResult): void {
    const room = new Room(result);
    const liveDurationS = this.options.liveProfileDurationS();
    const steps: Step[] = [];
    for (const setpoint of result.setpoints) {
      const runtime = this.state.connectors.get(setpoint.connectorId);
      if (!runtime) continue;
      // What it may draw, on the phases it may use (HeldProfiles); one that is not allocated, at
      // least what the allocation held for it.
      const commandable = setpoint.controllable && this.provisioner.isReady(runtime);
      const span = commandable ? 'live-end' : 'always';
      const view = this.held.view(runtime, liveDurationS);
      const boundA = view.countedA(span);
      const fromA = setpoint.controllable ? boundA : Math.max(boundA, setpoint.currentA);
      const fromPhases = view.countedPhases(span);
      room.add(setpoint.zone, fromPhases, fromA);
      if (!setpoint.controllable) continue;
      const toPhases = wantedPhases(runtime, setpoint);
      const live = view.validLive();
      // Nothing to send when it surely holds a valid live profile of the target: renew() sends it
      // again in time (fromA may be higher only because the span runs past that profile's end).
      if (live && live.limitA === setpoint.currentA && view.countedA('now') === setpoint.currentA && (live.numberPhases ?? 3) === toPhases.length) continue;
      steps.push({ runtime, setpoint, fromA, fromPhases, toPhases, lowerA: view.lowerA(), lowerPhases: view.lowerPhases() });
    }
    // A step that lowers what it may draw in every state its station may be in (kept or lost
    // profiles, unanswered sends): at once. Any other may raise it in one of those states, next to
    // the others at the most they may draw: only where that leaves room (D8). One that lowers its
    // most but not surely (within what it may hold) goes down to its least first when it does not fit.
    const others: Step[] = [];
    for (const step of steps) {
      if (surelyLowers(step, step.setpoint.currentA)) this.start(step.runtime, step.setpoint.currentA, step.toPhases);
      else others.push(step);
    }
    // Those that lower its most first, then the raises; by connector for a stable order.
    const lowersMost = (s: Step) => s.setpoint.currentA <= s.fromA && s.toPhases.every((ph) => s.fromPhases.includes(ph));
    others.sort((a, b) => Number(lowersMost(b)) - Number(lowersMost(a)) || (a.setpoint.connectorId < b.setpoint.connectorId ? -1 : 1));
    this.roomWanted = false;
    for (const step of others) {
      if (this.inFlight.has(step.setpoint.connectorId)) { this.waitFor(step.runtime, step.setpoint.currentA, step.toPhases); continue; }
      if (!this.provisioner.isReady(step.runtime)) continue;
      const { zone, currentA: toA } = step.setpoint;
      if (room.fits(zone, step.fromPhases, step.fromA, step.toPhases, toA, step.lowerA, step.lowerPhases)) {
        room.move(zone, step.fromPhases, step.fromA, step.toPhases, toA);
        this.start(step.runtime, toA, step.toPhases);
        continue;
      }
      this.roomWanted = true;
      if (lowersMost(step) && surelyLowers(step, Math.min(toA, step.lowerA)) && step.lowerA < step.fromA) {
        this.start(step.runtime, Math.min(toA, step.lowerA), step.toPhases);
      }
    }
    this.lastResult = result;
    this.renew(result);
    this.retryUncontrolled(result);
  }

  /**
   * Now and then an uncontrolled connector is offered a profile again: once it accepts one, it is
   * trusted again and the next round gives it its share. What it is offered never raises what it
   * may draw now, whatever state it is in (D8): its maximum is held for it, but it may apply less.
   */
  private retryUncontrolled(result: AllocationResult): void {
    const at = this.now();
    for (const s of result.setpoints) {
      if (s.reason.code !== 'uncontrolled' || (this.retriedAt.get(s.connectorId) ?? -Infinity) + this.options.uncontrolledRetryMs > at) continue;
      const runtime = this.state.connectors.get(s.connectorId);
      if (!runtime) continue;
      this.retriedAt.set(s.connectorId, at);
      // Counted at its maximum on every wired phase: offering all of them stays within that.
      this.start(runtime, Math.min(s.currentA, this.held.lowerA(runtime)), wiredPhases(runtime));
    }
  }

  /**
   * Sends again every live profile in the last half of its life, with the same id and value: no
   * gap (D5). Also one whose connector waits for another value (a raise that did not fit yet): its
   * profile must not end meanwhile. At most RENEWALS_PER_ROUND per round, those ending first first.
   */
  private renew(result: AllocationResult): void {
    const halfLifeMs = (this.options.liveProfileDurationS() * 1000) / 2;
    const moved = new Set(this.renewDue);
    this.renewDue.clear();
    const due: { runtime: ConnectorRuntime; live: PossibleProfile }[] = [];
    for (const s of result.setpoints) {
      if (!s.controllable) continue;
      const runtime = this.state.connectors.get(s.connectorId);
      if (!runtime || this.inFlight.has(runtime.key)) continue;
      const live = this.held.view(runtime, 0).validLive();
      if (!live) continue;
      if (moved.has(runtime.stationId) || (live.validToAt ?? Infinity) < this.stationNow(runtime.stationId) + halfLifeMs) due.push({ runtime, live });
    }
    if (due.length > RENEWALS_PER_ROUND) due.sort((a, b) => (a.live.validToAt ?? Infinity) - (b.live.validToAt ?? Infinity));
    this.renewalsLeft = due.length > RENEWALS_PER_ROUND;
    for (const { runtime, live } of due.slice(0, RENEWALS_PER_ROUND)) {
      // What it holds, again: on the phases it holds it on (the first of its rotation).
      this.start(runtime, live.limitA, sitePhases(runtime.wiring).slice(0, live.numberPhases ?? 3));
    }
    // A station whose clock moved and that was left for later stays due.
    for (const { runtime } of due.slice(RENEWALS_PER_ROUND)) if (moved.has(runtime.stationId)) this.renewDue.add(runtime.stationId);
  }

  private stationNow(stationId: string): number {
    return this.options.stationNow ? this.options.stationNow(stationId) : this.now();
  }

  /** A round wants `toA` on `phases` while a send is in flight: unless that send carries it, its answer calls for a round. */
  private waitFor(runtime: ConnectorRuntime, toA: number, phases: readonly PhaseIndex[]): void {
    const target = this.inFlight.get(runtime.key);
    if (!target || target.toA !== toA || target.phaseCount !== phases.length) this.waiting.add(runtime.key);
  }

  private start(runtime: ConnectorRuntime, toA: number, phases: readonly PhaseIndex[]): void {
    if (this.inFlight.has(runtime.key)) { this.waitFor(runtime, toA, phases); return; }
    if (!this.provisioner.isReady(runtime)) return;
    // An answer calls for a round when something may wait for it: a refusal (tried again), a
    // round that wanted this connector meanwhile, a lower bound now (the allocation may give
    // others more), or a lower bound over the live span while a step waits for room. A renewal
    // while nothing waits does not: on a large site renewals would start a round of the whole site
    // several hundred times a second (issue 15); the next round reads it.
    const liveDurationS = this.options.liveProfileDurationS();
    const view = this.held.view(runtime, liveDurationS);
    const nowBefore = view.countedA('now');
    const boundBefore = view.countedA('live-end');
    const phasesBefore = view.countedPhases('live-end').length;
    let plain = false;
    const run = this.send(runtime, toA, phases.length as 1 | 2 | 3).then((plainAcceptance) => { plain = plainAcceptance; }, (error: unknown) => {
      this.log.error(`live profile failed: ${error instanceof Error ? error.message : String(error)}`, { stationId: runtime.stationId, action: 'SetChargingProfile' });
    }).finally(() => {
      this.inFlight.delete(runtime.key);
      const wanted = this.waiting.delete(runtime.key);
      const after = this.held.view(runtime, liveDurationS);
      // Lower now: the allocation, which counts what it may draw now, may give others more.
      const loweredNow = after.countedA('now') < nowBefore;
      const lowered = after.countedA('live-end') < boundBefore || after.countedPhases('live-end').length < phasesBefore;
      if (wanted || !plain || loweredNow || (lowered && this.roomWanted)) this.options.answered();
      // Renewals left for later go on from the last allocation, without a round: they send again
      // what each connector holds, which needs no new allocation.
      if (this.renewalsLeft && this.inFlight.size === 0 && this.lastResult && !this.stopped) {
        const result = this.lastResult;
        setImmediate(() => this.renew(result));
      }
    });
    this.inFlight.set(runtime.key, { run, toA, phaseCount: phases.length });
  }

  /** Sends a live profile; resolves true for a plain acceptance (nothing more for a round to do). */
  private async send(runtime: ConnectorRuntime, toA: number, numberPhases: 1 | 2 | 3): Promise<boolean> {
    const at = this.stationNow(runtime.stationId);
    const unit: ProfileUnit = { rateUnit: this.provisioner.capabilities(runtime.stationId)?.rateUnit ?? 'A', numberPhases };
    // It ends with every other live profile of this half-life (liveEndAt), in whole seconds of
    // schedule from a start just before now.
    const endAt = liveEndAt(at, this.options.liveProfileDurationS());
    const durationS = Math.ceil((endAt - at) / 1000);
    const profile = liveProfile(runtime.connectorId, toA, unit, endAt - durationS * 1000, durationS);
    const sendId = this.held.sent(runtime, 'live', { limitA: toA, validToAt: endAt, numberPhases });
    const result = await this.commands.send(runtime.stationId, 'SetChargingProfile', { connectorId: runtime.connectorId, csChargingProfiles: profile }, { timeoutMs: this.options.commandTimeoutMs });
    const outcome = profileOutcome(result);
    this.held.answered(runtime, 'live', sendId, outcome);
    if (outcome === 'accepted') {
      this.refusals.delete(runtime.key);
      if (this.state.uncontrolled.has(runtime.key)) {
        this.retriedAt.delete(runtime.key);
        await this.state.flagStation(runtime.stationId, null);
        this.log.info(`connector ${runtime.connectorId} accepts live profiles again: no longer counted at its maximum`, { stationId: runtime.stationId, action: 'SetChargingProfile' });
        return false; // trusted again: the next round gives it its share
      }
      return true;
    }
    if (!result.ok && result.notSent) return false; // it went offline or booted: nothing to hold against it
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
    return false;
  }
}

interface Step {
  runtime: ConnectorRuntime;
  setpoint: Setpoint;
  /** The most it may draw (over the span it is counted on), and on which phases. */
  fromA: number;
  fromPhases: readonly PhaseIndex[];
  toPhases: readonly PhaseIndex[];
  /** The least it may be held to now, and the phases it lets a car use in every state. */
  lowerA: number;
  lowerPhases: readonly PhaseIndex[];
}

/** Whether a profile of `toA` on the step's phases lowers what it may draw in every state its station may be in. */
function surelyLowers(step: Step, toA: number): boolean {
  return toA <= step.lowerA && toA <= step.fromA && step.toPhases.every((ph) => step.lowerPhases.includes(ph) && step.fromPhases.includes(ph));
}

function wiredPhases(runtime: ConnectorRuntime): readonly PhaseIndex[] {
  return sitePhases(runtime.wiring);
}

/**
 * The phases its live profile lets a car use (OCPP numberPhases, in its rotation): fewer than
 * wired when A7 counts it on fewer, so that the station itself holds the car to what the
 * allocation counted; only when those are the first of its rotation (a car's phase 1 first).
 */
function wantedPhases(runtime: ConnectorRuntime, setpoint: Setpoint): readonly PhaseIndex[] {
  const wired = wiredPhases(runtime);
  const counted = setpoint.phases.map(phaseIndex);
  if (counted.length === 0 || counted.length >= wired.length) return wired;
  return counted.every((ph, i) => wired[i] === ph) ? wired.slice(0, counted.length) : wired;
}

/**
 * D8: per zone and phase, what the connectors in its subtree may draw now, against the zone's
 * limit of the allocation; each on the phases its station may let a car use.
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

  add(zone: string, phases: readonly PhaseIndex[], amountA: number): void {
    for (let z = this.zoneIndex.get(zone) ?? -1; z >= 0; z = this.parentOf[z]) for (const ph of phases) this.usedA[z * 3 + ph] += amountA;
  }

  /**
   * Whether a connector that may draw between `lowerA` (on `lowerPhases`) and `fromA` (on
   * `fromPhases`) may be given `toA` on `toPhases`: on every phase where that may raise it, the
   * others at the most they may draw, and it at `toA`, stay within every zone's limit. A value it
   * already may hold is no proof: it may be a raise in the state the others' most comes from.
   */
  fits(zone: string, fromPhases: readonly PhaseIndex[], fromA: number, toPhases: readonly PhaseIndex[], toA: number, lowerA: number, lowerPhases: readonly PhaseIndex[]): boolean {
    for (let z = this.zoneIndex.get(zone) ?? -1; z >= 0; z = this.parentOf[z]) {
      for (const ph of toPhases) {
        const leastA = lowerPhases.includes(ph) ? lowerA : 0;
        if (toA <= leastA) continue;
        const before = fromPhases.includes(ph) ? fromA : 0;
        // Where it still holds what it held nothing changes; where it took `toA`, it counts `toA`.
        if (this.usedA[z * 3 + ph] - before + toA > this.limitA[z * 3 + ph] + TOLERANCE_A) return false;
      }
    }
    return true;
  }

  move(zone: string, fromPhases: readonly PhaseIndex[], fromA: number, toPhases: readonly PhaseIndex[], toA: number): void {
    for (let z = this.zoneIndex.get(zone) ?? -1; z >= 0; z = this.parentOf[z]) {
      for (let ph = 0; ph < 3; ph++) {
        const before = fromPhases.includes(ph as PhaseIndex) ? fromA : 0;
        this.usedA[z * 3 + ph] += Math.max(before, toPhases.includes(ph as PhaseIndex) ? toA : 0) - before;
      }
    }
  }
}
