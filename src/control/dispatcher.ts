// Carries out an allocation (A8, D5, D8): reductions first; a raise only where what everyone else
// in its zones may draw now, from what their stations acknowledged, leaves room for it; live
// profiles renewed well before they run out. Nothing here waits for a station: each connector has
// at most one live profile in flight, and every answer that may free room starts a new round, so
// one slow station holds up no other. Idle connectors are held at 0 A by their live profile too:
// a car that plugs in then waits for its share instead of drawing its failsafe current next to
// cars that already use the whole zone. If Fuseguard goes away, that 0 A profile runs out and the
// failsafe applies.
import { phaseIndex, sitePhases, type AllocationResult, type PhaseIndex, type Setpoint } from '../domain/index.js';
import type { CommandSender } from '../ocpp/command-sender.js';
import type { EventLog } from '../services/event-log.js';
import { liveEndAt, liveProfile, type ProfileUnit } from './charging-profiles.js';
import { profileOutcome, type HeldProfiles } from './held-profiles.js';
import { incrementalStateError, type ConnectorRuntime, type SiteState } from './site-state.js';
import type { StationProvisioner } from './station-provisioner.js';

export interface DispatcherOptions {
  /** How long a live profile stays valid without renewal (D5): the site setting, or a test's. */
  liveProfileDurationS: () => number;
  /** Timeout of each live profile command [30 s]. */
  commandTimeoutMs: number;
  /** How often an uncontrolled connector is offered a profile again. */
  uncontrolledRetryMs: number;
  /**
   * How long renewals left for later wait for the answers of the batch before them [2 s]: a
   * station that does not answer (its command times out after 30 s) must not hold up the rest.
   */
  renewalPatienceMs?: number;
  /** Renewals per batch [RENEWALS_PER_ROUND] and per turn of the event loop [RENEWALS_PER_TURN]; smaller in the safety fuzzer's small sites. */
  renewalsPerBatch?: number;
  renewalsPerTurn?: number;
  /** Connectors looked at between two steps of applySteps [LOOKS_PER_STEP]; the safety fuzzer's small sites: 1. */
  looksPerStep?: number;
  /** The pace of a wave of renewals [RENEWALS_PER_SECOND]; Infinity (tests that count turns): a turn of the event loop each. */
  renewalsPerSecond?: number;
  /**
   * What a station's clock reads now (U3: the time it was last given); its profiles are stamped
   * on it and their expiry is judged on it. Default: Fuseguard's own clock.
   */
  stationNow?: (stationId: string) => number;
  /**
   * How long a live profile may go unanswered [ANSWER_PATIENCE_MS]: then its connector is counted
   * at what it may still draw and not allocated (notAnswering), so that the others come down instead.
   */
  answerPatienceMs?: number;
  /** An answer came: allocate again (raises that waited for it may go now). */
  answered: () => void;
}

export const REFUSALS_BEFORE_FLAG = 3;
/**
 * Live profiles end together on a grid (liveEndAt), so on a large site thousands fall due for
 * renewal at once; at most this many go at a time, the most urgent first, the next ones once they
 * are answered or after a patience (renewalPatienceMs: a station that does not answer holds up only
 * its own), from the last allocation (a renewal needs no new one). Sent at once they stalled
 * every station's calls for seconds (issue 15); spread over their whole window they would leave
 * some profiles ending a half-life before the others for long, which the allocation does not
 * count (D8).
 */
export const RENEWALS_PER_ROUND = 250;
/** How many renewals start in one turn of the event loop. */
export const RENEWALS_PER_TURN = 25;
/**
 * A wave of renewals goes at most this fast, or faster when needed to end within a third of the
 * half-life: each costs about 0.1 ms of CPU with its answer, and a 10,000-connector wave sent as
 * fast as the answers came kept the CPU busy for 3 s, every station's calls waiting behind it
 * (p99 over 100 ms, issue 15). At this pace it takes a seventh of a core. While a wave goes, a
 * raise fits only next to the unrenewed at what they may draw after their profile's end (D8).
 */
export const RENEWALS_PER_SECOND = 1_000;
/**
 * D8: a station that drops a request (Fuseguard learns it when the command times out, 30 s) keeps
 * what it held meanwhile, and a cut for it waits behind that request; after this long the others
 * are shared around it instead. Stations answer in well under a second; a slow link only costs the
 * others some current for a while.
 */
export const ANSWER_PATIENCE_MS = 2_000;
const TOLERANCE_A = 1e-6;
/** Connectors looked at between two steps of applySteps (about a millisecond of work). */
export const LOOKS_PER_STEP = 256;

export class Dispatcher {
  /** Refusals in a row per connector; past REFUSALS_BEFORE_FLAG the station is uncontrolled. */
  private readonly refusals = new Map<string, number>();
  /** When each uncontrolled connector was last offered a profile. */
  private readonly retriedAt = new Map<string, number>();
  /** U3: stations whose clock moved; their live profiles go again, stamped on the new time. */
  private readonly renewDue = new Set<string>();
  /** The live profile in flight per connector (one at a time), with what it carries. */
  private readonly inFlight = new Map<string, InFlight>();
  /** Connectors whose live profile in flight is unanswered past the patience (isNotAnswering). */
  private readonly notAnswering = new Set<string>();
  /** The queue (or one given up for a reload) still holds renewals: a round walks the site again if the queue cannot go on. */
  private renewalsLeft = false;
  /**
   * The renewals found due by the last walk (renew), the most urgent first (`dueAts`, Fuseguard's
   * clock); `next` is the first not looked at yet; `queued`: the keys of those not looked at yet. `moved`: the stations whose clock
   * moved (they go whether due or not). `perSecond`: its pace.
   */
  private renewQueue: { runtimes: ConnectorRuntime[]; dueAts: number[]; queued: Set<string>; next: number; moved: ReadonlySet<string>; configVersion: number; perSecond: number } | null = null;
  /** How long the next turn of renewals waits after the last one (their pace): ms. */
  private renewalPauseMs = 0;
  private renewalTurnTimer: NodeJS.Timeout | null = null;
  /** The last batch of renewals, how many of its sends are unanswered, and its patience timer. */
  private batchId = 0;
  private batchPending = 0;
  private batchTimer: NodeJS.Timeout | null = null;
  private stopped = false;
  /** Connectors a round wanted to send to while one was in flight: its answer calls for a round. */
  private readonly waiting = new Set<string>();
  /** Whether the last round left a step out for lack of room: a lower bound may let it go. */
  private roomWanted = false;
  /** What every zone's connectors may draw, kept between rounds for the connectors in `roomOrder` (issue 15). */
  private room: Room | null = null;
  private roomOrder: readonly ConnectorRuntime[] | null = null;
  /** The setpoint each slot was last looked at with. */
  private applied: (Setpoint | undefined)[] = [];
  /** Slots whose step did not go (no room, in flight, not ready): looked at again next round. */
  private readonly deferred = new Set<number>();
  /** No live profile falls due for renewal before this (Fuseguard's clock). */
  private nextRenewalAt = -Infinity;
  /** Tests: every round is checked against a walk of the whole site. */
  verify = process.env.FUSEGUARD_VERIFY_SNAPSHOTS === '1';
  private readonly answerPatienceMs: number;

  constructor(
    private readonly commands: CommandSender,
    private readonly state: SiteState,
    private readonly provisioner: Pick<StationProvisioner, 'capabilities' | 'isReady'>,
    private readonly held: HeldProfiles,
    private readonly log: EventLog,
    private readonly now: () => number,
    private readonly options: DispatcherOptions,
  ) {
    this.answerPatienceMs = options.answerPatienceMs ?? ANSWER_PATIENCE_MS;
  }

  /** U3: Fuseguard's clock stepped by `stepMs`; the instants kept on it move with it. */
  shiftTimes(stepMs: number): void {
    for (const [key, at] of this.retriedAt) this.retriedAt.set(key, at + stepMs);
    this.nextRenewalAt = -Infinity;
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
    this.renewQueue = null;
    if (this.batchTimer) clearTimeout(this.batchTimer);
    this.batchTimer = null;
    if (this.renewalTurnTimer) clearTimeout(this.renewalTurnTimer);
    this.renewalTurnTimer = null;
  }

  inFlightCount(): number {
    return this.inFlight.size;
  }

  /**
   * D8: a live profile sent to the connector is unanswered past the patience: until that send
   * resolves (an answer, or its timeout) nothing more reaches it (a cut waits behind it), and it
   * may still draw the most of what it held and what was sent; the allocation counts it so and
   * shares the rest among the others.
   */
  isNotAnswering(runtime: ConnectorRuntime): boolean {
    return this.notAnswering.size > 0 && this.notAnswering.has(runtime.key);
  }

  /** Resolves once no live profile is in flight. */
  async settled(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.all([...this.inFlight.values()].map((f) => f.run));
  }

  /**
   * Starts what the allocation calls for; returns without waiting for any station. Looks only at
   * connectors whose setpoint moved, that were touched since (what their station holds, whether
   * it takes profiles, an event; see SiteState.touch) or whose step waits: what everyone in a zone
   * may draw is kept per zone between rounds (issue 15). `verify` (tests) checks that against a
   * walk of the whole site. `raises: false` (the zone limits or caps moved since the snapshot: the
   * result may no longer fit): only the steps that surely lower go; the rest are looked at next round.
   */
  apply(result: AllocationResult, options: { raises?: boolean } = {}): void {
    const steps = this.applySteps(result, { raises: () => options.raises ?? true });
    while (!steps.next().done) { /* at once */ }
  }

  /**
   * The same in steps, others running between two (a renewal wave or a grid boundary has every
   * connector looked at again: 10,000 in one go kept every station's calls waiting, issue 15).
   * What moved meanwhile is looked at again before anything goes, so that the zones' sums count
   * what each station may draw at that instant (D8). `valid` is asked after each pause: false (the
   * site's connectors or clock changed) gives the dispatch up before anything went, and the next
   * one looks at every connector. `raises` is asked when the steps go. Returns whether they went.
   */
  *applySteps(result: AllocationResult, options: { raises?: () => boolean; valid?: () => boolean } = {}): Generator<void, boolean> {
    const liveDurationS = this.options.liveProfileDurationS();
    const takenAtS = Math.floor(this.now() / 1000);
    const touched = this.state.takeTouched();
    let order = this.state.snapshotOrder();
    const aligned = order.length === result.setpoints.length && result.setpoints.every((s, i) => s.connectorId === order[i].key);
    if (!aligned) order = result.setpoints.map((s) => this.state.connectors.get(s.connectorId) ?? null) as ConnectorRuntime[];
    let room = this.room;
    const full = !aligned || room === null || this.roomOrder !== order || !room.sameZones(result.zones);
    if (full) {
      room = this.room = new Room(result.zones, order.length);
      this.roomOrder = aligned ? order : null;
      this.applied = new Array<Setpoint | undefined>(order.length);
      this.deferred.clear();
    } else {
      (room as Room).setLimits(result.zones);
    }
    const visit = full ? null : this.toVisit(result, order, touched);
    // By slot: one looked at again replaces what it was found to need before.
    const steps = new Map<number, Step>();
    // Slot and instant (Fuseguard's clock) until which what it was counted at holds, flat: a pause
    // may cross it (the live profiles' grid, the end of a profile).
    const lookedUntil: number[] = [];
    const look = (slot: number) => {
      const runtime = order[slot];
      const setpoint = result.setpoints[slot];
      if (!runtime) return;
      this.applied[slot] = setpoint;
      const step = this.stepOf(runtime, setpoint, liveDurationS, slot, room as Room);
      if (step) steps.set(slot, step);
      else steps.delete(slot);
      const view = this.held.view(runtime, liveDurationS);
      // A second early, as the snapshot's wake-ups: a station's clock may move by less than that without a clockMoved event.
      if (aligned && view.untilAt !== Infinity) lookedUntil.push(slot, view.untilAt - (this.stationNow(runtime.stationId) - this.now()) - 1_000);
      // Its live profile, kept as it is, falls due then: renew() must look by that time (one that
      // was offline or not ready at the last look for renewals was not counted there).
      const live = view.validLive();
      // (One the queue holds goes with it, one in flight is looked at when its send ends: no walk
      // of the site for them, each round of a wave.)
      if (live && !this.inFlight.has(runtime.key) && !this.renewQueue?.queued.has(runtime.key)) this.nextRenewalAt = Math.min(this.nextRenewalAt, this.renewalDueAt(runtime, live.validToAt));
    };
    // Slots of an allocation that does not follow the snapshot (rare) are looked at in one go.
    const looksPerStep = this.options.looksPerStep ?? LOOKS_PER_STEP;
    let paused = false;
    let looked = 0;
    for (const slot of visit ?? allSlots(order.length)) {
      if (aligned && ++looked % looksPerStep === 0) {
        yield;
        paused = true;
        if (this.stopped || !(options.valid?.() ?? true)) {
          this.room = null; // half looked at: the next dispatch counts every connector again
          return false;
        }
      }
      look(slot);
    }
    if (paused) {
      // What moved while others ran: touched (an answer, a disconnect, readiness), or looked at
      // before an instant the pause crossed; and those not looked at whose bound moved meanwhile.
      const at = this.now();
      const again = new Set<number>();
      for (let i = 0; i < lookedUntil.length; i += 2) if (lookedUntil[i + 1] <= at) again.add(lookedUntil[i]);
      for (const runtime of this.state.takeTouched(takenAtS)) {
        const slot = this.state.slotOf(runtime);
        if (slot !== undefined) again.add(slot);
      }
      for (const slot of again) {
        visit?.add(slot);
        look(slot);
      }
    }
    const raises = options.raises?.() ?? true;
    if (this.verify) this.state.quietly(() => this.verifyVisit(result, order, visit, room as Room, liveDurationS));
    this.deferred.clear();
    // A step that lowers what it may draw in every state its station may be in (kept or lost
    // profiles, unanswered sends): at once. Any other may raise it in one of those states, next to
    // the others at the most they may draw: only where that leaves room (D8). One that lowers its
    // most but not surely (within what it may hold) goes down to its least first when it does not fit.
    const others: Step[] = [];
    for (const step of steps.values()) {
      if (surelyLowers(step, step.setpoint.currentA)) {
        if (!this.start(step.runtime, step.setpoint.currentA, step.toPhases)) this.deferred.add(step.slot);
      } else others.push(step);
    }
    // Those that lower its most first, then the raises; by connector for a stable order.
    const lowersMost = (s: Step) => s.setpoint.currentA <= s.fromA && s.toPhases.every((ph) => s.fromPhases.includes(ph));
    others.sort((a, b) => Number(lowersMost(b)) - Number(lowersMost(a)) || (a.setpoint.connectorId < b.setpoint.connectorId ? -1 : 1));
    this.roomWanted = false;
    for (const step of others) {
      // Every step that does not go is looked at again next round.
      this.deferred.add(step.slot);
      if (!raises) continue;
      if (this.inFlight.has(step.setpoint.connectorId)) { this.waitFor(step.runtime, step.setpoint.currentA, step.toPhases); continue; }
      if (!this.provisioner.isReady(step.runtime)) continue;
      const { currentA: toA } = step.setpoint;
      if ((room as Room).fits(step.slot, step.toPhases, toA, step.lowerA, step.lowerPhases)) {
        (room as Room).move(step.slot, step.toPhases, toA);
        if (this.start(step.runtime, toA, step.toPhases)) this.deferred.delete(step.slot);
        continue;
      }
      this.roomWanted = true;
      if (lowersMost(step) && surelyLowers(step, Math.min(toA, step.lowerA)) && step.lowerA < step.fromA) {
        this.start(step.runtime, Math.min(toA, step.lowerA), step.toPhases);
      }
    }
    this.renew(result, order);
    if (this.verify) this.state.quietly(() => this.verifyRenewals(result, order));
    if (this.state.uncontrolled.size > 0) this.retryUncontrolled(result, order);
    return true;
  }

  /** Tests: no live profile past its renewal time is left without one on its way or in the queue. */
  private verifyRenewals(result: AllocationResult, order: readonly ConnectorRuntime[]): void {
    // Those the queue still holds go in later turns or batches.
    const queued = new Set<string>();
    const queue = this.renewQueue;
    if (queue) for (let i = queue.next; i < queue.runtimes.length; i++) queued.add(queue.runtimes[i].key);
    for (let slot = 0; slot < order.length; slot++) {
      const runtime = order[slot];
      if (!runtime || !result.setpoints[slot].controllable || this.inFlight.has(runtime.key) || queued.has(runtime.key) || !this.provisioner.isReady(runtime)) continue;
      const live = this.held.view(runtime, 0).validLive();
      if (live && this.renewalDueAt(runtime, live.validToAt) < this.now()) throw incrementalStateError(`incremental dispatch: the live profile of ${runtime.key} is due for renewal and was not sent again`);
    }
  }

  /** The slots to look at: setpoint moved, touched, or a step that waits. */
  private toVisit(result: AllocationResult, order: readonly ConnectorRuntime[], touched: Set<ConnectorRuntime>): Set<number> {
    const visit = new Set<number>(this.deferred);
    for (const runtime of touched) {
      const slot = this.state.slotOf(runtime);
      if (slot !== undefined) visit.add(slot);
    }
    for (const key of this.waiting) {
      const runtime = this.state.connectors.get(key);
      const slot = runtime && this.state.slotOf(runtime);
      if (slot !== undefined) visit.add(slot);
    }
    const setpoints = result.setpoints;
    for (let slot = 0; slot < setpoints.length; slot++) {
      const before = this.applied[slot];
      const now = setpoints[slot];
      if (before === undefined || before.currentA !== now.currentA || before.controllable !== now.controllable || before.zone !== now.zone || !samePhases(before.phases, now.phases)) visit.add(slot);
    }
    return visit;
  }

  /**
   * Counts the connector in its zones at the most it may draw, on the phases it may use
   * (HeldProfiles); one that is not allocated, at least at what the allocation held for it. Then
   * the step its setpoint calls for, if any.
   */
  private stepOf(runtime: ConnectorRuntime, setpoint: Setpoint, liveDurationS: number, slot: number, room: Room): Step | null {
    const commandable = setpoint.controllable && this.provisioner.isReady(runtime);
    const span = commandable ? 'live-end' : 'always';
    const view = this.held.view(runtime, liveDurationS);
    const boundA = view.countedA(span);
    const fromA = setpoint.controllable ? boundA : Math.max(boundA, setpoint.currentA);
    const fromPhases = view.countedPhases(span);
    room.set(slot, setpoint.zone, fromPhases, fromA);
    if (!setpoint.controllable) return null;
    const toPhases = wantedPhases(runtime, setpoint);
    const live = view.validLive();
    // Nothing to send when it surely holds a valid live profile of the target: renew() sends it
    // again in time (fromA may be higher only because the span runs past that profile's end).
    if (live && live.limitA === setpoint.currentA && view.countedA('now') === setpoint.currentA && (live.numberPhases ?? 3) === toPhases.length) return null;
    return { slot, runtime, setpoint, fromA, fromPhases, toPhases, lowerA: view.lowerA(), lowerPhases: view.lowerPhases() };
  }

  /**
   * Tests: the zones' sums equal those of a walk of the whole site, and no connector left out
   * would have had a step.
   */
  private verifyVisit(result: AllocationResult, order: readonly ConnectorRuntime[], visit: Set<number> | null, room: Room, liveDurationS: number): void {
    const fresh = new Room(result.zones, order.length);
    for (let slot = 0; slot < order.length; slot++) {
      if (!order[slot]) continue;
      const step = this.stepOf(order[slot], result.setpoints[slot], liveDurationS, slot, fresh);
      const flight = step ? this.inFlight.get(step.runtime.key) : undefined;
      // A send in flight that carries the setpoint leaves nothing to do (see waitFor).
      const carried = flight !== undefined && step !== null && flight.toA === step.setpoint.currentA && flight.phaseCount === step.toPhases.length;
      if (step && !carried && visit !== null && !visit.has(slot)) throw incrementalStateError(`incremental dispatch left out ${order[slot].key}, whose setpoint ${step.setpoint.currentA} A calls for a step`);
    }
    const difference = room.differenceFrom(fresh);
    if (difference) throw incrementalStateError(`incremental dispatch: ${difference}`);
  }

  /**
   * Now and then an uncontrolled connector is offered a profile again: once it accepts one, it is
   * trusted again and the next round gives it its share. What it is offered never raises what it
   * may draw now, whatever state it is in (D8): its maximum is held for it, but it may apply less.
   */
  private retryUncontrolled(result: AllocationResult, order: readonly ConnectorRuntime[]): void {
    const at = this.now();
    for (let slot = 0; slot < result.setpoints.length; slot++) {
      const s = result.setpoints[slot];
      if (s.reason.code !== 'uncontrolled' || (this.retriedAt.get(s.connectorId) ?? -Infinity) + this.options.uncontrolledRetryMs > at) continue;
      const runtime = order[slot];
      if (!runtime) continue;
      this.retriedAt.set(s.connectorId, at);
      // Counted at its maximum on every wired phase: offering all of them stays within that.
      this.start(runtime, Math.min(s.currentA, this.held.lowerA(runtime)), wiredPhases(runtime));
    }
  }

  /**
   * Sends again every live profile in the last half of its life, with the same id and value: no
   * gap (D5). Also one whose connector waits for another value (a raise that did not fit yet): its
   * profile must not end meanwhile. One walk of the site makes the queue, those ending first first;
   * it goes RENEWALS_PER_ROUND at a time (startBatch).
   */
  private renew(result: AllocationResult, order: readonly ConnectorRuntime[]): void {
    // Nothing can be due before the earliest due time seen (issue 15: no walk of the site each
    // round), but what the queue holds (it goes on by itself, batch after batch).
    const going = this.renewQueue !== null && this.renewQueue.configVersion === this.state.configVersion ? this.renewQueue : null;
    if (this.renewDue.size === 0 && (going || !this.renewalsLeft) && this.now() < this.nextRenewalAt) return;
    // A wave that goes on keeps its pace: what fell due since its walk (a connector back online, one
    // that ends later) joins its end; only a clock move starts it again (those go first).
    const append = going !== null && this.renewDue.size === 0 ? going : null;
    if (!append) this.dropQueue();
    const moved = new Set(this.renewDue);
    this.renewDue.clear();
    const due: { runtime: ConnectorRuntime; dueAt: number }[] = [];
    let next = Infinity;
    for (let slot = 0; slot < result.setpoints.length; slot++) {
      const runtime = order[slot];
      if (!runtime || append?.queued.has(runtime.key)) continue;
      // One in flight is looked at again when what it carries falls due (a refusal walks again).
      const flight = this.inFlight.get(runtime.key);
      if (flight) {
        next = Math.min(next, this.renewalDueAt(runtime, flight.validToAt));
        // Its clock moved while a send was in flight (stamped on the old one): it goes again after.
        if (moved.has(runtime.stationId)) this.renewDue.add(runtime.stationId);
        continue;
      }
      const live = this.held.view(runtime, 0).validLive();
      if (!live) continue;
      const dueAt = this.renewalDueAt(runtime, live.validToAt);
      // Offline or uncontrolled: not renewed, but looked at again from its due time (it may be back).
      // Those whose station's clock moved first: what they hold ends at another moment than the grid.
      const controllable = result.setpoints[slot].controllable;
      if (controllable && moved.has(runtime.stationId)) due.push({ runtime, dueAt: -Infinity });
      else if (controllable && dueAt < this.now()) due.push({ runtime, dueAt });
      else next = Math.min(next, dueAt);
    }
    this.nextRenewalAt = next;
    if (due.length > (this.options.renewalsPerBatch ?? RENEWALS_PER_ROUND)) due.sort((a, b) => a.dueAt - b.dueAt);
    // Paced so as to end within a third of the half-life, at RENEWALS_PER_SECOND at the least.
    const halfLifeS = this.options.liveProfileDurationS() / 2;
    const paceFor = (count: number) => Math.max(this.options.renewalsPerSecond ?? RENEWALS_PER_SECOND, count / (halfLifeS / 3));
    if (append) {
      if (due.length === 0) return;
      // In their place by due time, and the pace raised so that all that is left ends within a
      // third of the half-life from now (a large wave that falls due behind a small one).
      const left = append.runtimes.slice(append.next).map((runtime, i) => ({ runtime, dueAt: append.dueAts[append.next + i] })).concat(due);
      left.sort((a, b) => a.dueAt - b.dueAt);
      append.runtimes = left.map((d) => d.runtime);
      append.dueAts = left.map((d) => d.dueAt);
      append.next = 0;
      for (const { runtime } of due) append.queued.add(runtime.key);
      append.perSecond = Math.max(append.perSecond, paceFor(left.length));
      return;
    }
    const runtimes = due.map((d) => d.runtime);
    this.renewQueue = { runtimes, dueAts: due.map((d) => d.dueAt), queued: new Set(runtimes.map((r) => r.key)), next: 0, moved, configVersion: this.state.configVersion, perSecond: paceFor(due.length) };
    this.startBatch();
  }

  /**
   * The next RENEWALS_PER_ROUND of the queue. They start RENEWALS_PER_TURN per turn of the event
   * loop (250 sends in one turn stalled every station's calls for 30-60 ms: issue 15); the next
   * batch goes once they are all answered, or after the patience (renewalPatienceMs), so that a
   * station that does not answer holds up only its own renewal.
   */
  private startBatch(): void {
    const batch = ++this.batchId;
    this.batchPending = 0;
    if (this.batchTimer) clearTimeout(this.batchTimer);
    this.batchTimer = null;
    if (this.renewalTurnTimer) clearTimeout(this.renewalTurnTimer);
    this.renewalTurnTimer = null;
    this.startRenewals(batch, this.options.renewalsPerBatch ?? RENEWALS_PER_ROUND);
  }

  private startRenewals(batch: number, places: number): void {
    const queue = this.renewQueue;
    // A round made a new queue or batch meanwhile, the site was loaded again (its runtimes are new:
    // the next round makes its own queue), or the loop stopped.
    if (this.stopped || batch !== this.batchId || !queue) return;
    if (queue.configVersion !== this.state.configVersion) {
      this.dropQueue(); // renewalsLeft stays: the next round walks the new site
      return;
    }
    let sent = 0;
    for (let turn = 0; turn < (this.options.renewalsPerTurn ?? RENEWALS_PER_TURN) && places > 0 && queue.next < queue.runtimes.length; turn++) {
      const runtime = queue.runtimes[queue.next++];
      queue.queued.delete(runtime.key);
      // Looked at again now, not as it was at the walk: a round may have sent it another value
      // since (that one is renewed from its own end), or it may be in flight.
      if (this.inFlight.has(runtime.key)) continue;
      const live = this.held.view(runtime, 0).validLive();
      if (!live) continue;
      const dueAt = this.renewalDueAt(runtime, live.validToAt);
      if (!queue.moved.has(runtime.stationId) && dueAt >= this.now()) { this.nextRenewalAt = Math.min(this.nextRenewalAt, dueAt); continue; }
      // What it holds, again: on the phases it holds it on (the first of its rotation). One that
      // cannot go now (not ready) takes no place, and is looked for again next round.
      if (this.start(runtime, live.limitA, sitePhases(runtime.wiring).slice(0, live.numberPhases ?? 3), batch)) {
        this.batchPending += 1;
        places -= 1;
        sent += 1;
      } else {
        this.nextRenewalAt = -Infinity;
      }
    }
    const left = queue.next < queue.runtimes.length;
    this.renewalsLeft = left;
    // The next turn, of this batch or the next, keeps the pace (RENEWALS_PER_SECOND).
    this.renewalPauseMs = Number.isFinite(queue.perSecond) ? (sent * 1000) / queue.perSecond : 0;
    if (left && places > 0) {
      this.afterPause(() => this.startRenewals(batch, places));
      return;
    }
    if (!left) {
      this.renewQueue = null;
      return;
    }
    if (this.batchPending === 0) {
      this.nextBatch();
      return;
    }
    this.batchTimer = setTimeout(() => { this.batchTimer = null; this.nextBatch(); }, this.options.renewalPatienceMs ?? 2_000);
    this.batchTimer.unref();
  }

  /**
   * When (Fuseguard's clock) a live profile ending at `validToAt` (the station's clock) enters the
   * last half of its life: it is sent again from then on.
   */
  private renewalDueAt(runtime: ConnectorRuntime, validToAt: number | null): number {
    const halfLifeMs = (this.options.liveProfileDurationS() * 1000) / 2;
    return (validToAt ?? Infinity) - halfLifeMs - (this.stationNow(runtime.stationId) - this.now());
  }

  private stationNow(stationId: string): number {
    return this.options.stationNow ? this.options.stationNow(stationId) : this.now();
  }

  /** A round wants `toA` on `phases` while a send is in flight: unless that send carries it, its answer calls for a round. */
  private waitFor(runtime: ConnectorRuntime, toA: number, phases: readonly PhaseIndex[]): void {
    const target = this.inFlight.get(runtime.key);
    if (target && target.toA === toA && target.phaseCount === phases.length) return;
    this.waiting.add(runtime.key);
    // It waits behind a send already past its patience: shared around at once (D8).
    if (target?.pastPatience) this.overdue(runtime, target);
  }

  /**
   * Gives the queue up (a new walk replaces it, or the site was loaded again): its stations whose
   * clock moved and that did not go yet stay due, for the next walk; the rest it finds again.
   */
  private dropQueue(): void {
    const queue = this.renewQueue;
    if (!queue) return;
    this.renewQueue = null;
    for (let i = queue.next; i < queue.runtimes.length; i++) if (queue.moved.has(queue.runtimes[i].stationId)) this.renewDue.add(queue.runtimes[i].stationId);
  }

  /** Renewals left for later go on from the queue, without a round: they send again what each connector holds. */
  private nextBatch(): void {
    const batch = this.batchId;
    this.afterPause(() => {
      // Not if a round started a batch meanwhile (see startRenewals for the rest).
      if (!this.renewalsLeft || batch !== this.batchId) return;
      this.startBatch();
    });
  }

  /** Runs `next` after the renewals' pause (renewalPauseMs), or at the next turn of the event loop. */
  private afterPause(next: () => void): void {
    if (this.renewalPauseMs <= 0) {
      setImmediate(next);
      return;
    }
    if (this.renewalTurnTimer) clearTimeout(this.renewalTurnTimer);
    this.renewalTurnTimer = setTimeout(() => { this.renewalTurnTimer = null; next(); }, this.renewalPauseMs);
    this.renewalTurnTimer.unref();
  }

  /** Sends a live profile unless one is in flight or the connector is not ready; whether it went. */
  private start(runtime: ConnectorRuntime, toA: number, phases: readonly PhaseIndex[], renewalBatch?: number): boolean {
    if (this.inFlight.has(runtime.key)) { this.waitFor(runtime, toA, phases); return false; }
    if (!this.provisioner.isReady(runtime)) return false;
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
    // It ends with every other live profile of this half-life (liveEndAt), on the station's clock.
    const at = this.stationNow(runtime.stationId);
    const endAt = liveEndAt(at, this.options.liveProfileDurationS());
    // Unanswered past the patience, a cut of a car, or a send that another value waits behind (a cut
    // behind a renewal or a raise): the others are shared around what it may still draw. A slow
    // answer that nothing waits for changes nothing (a storm's renewals; an idle connector is
    // counted at what it may hold anyway).
    const entry: InFlight = { run: Promise.resolve(), toA, phaseCount: phases.length, validToAt: endAt, answered: false, lowers: toA < nowBefore && runtime.session !== null, pastPatience: false };
    const patience = setTimeout(() => {
      entry.pastPatience = true;
      if (entry.lowers || this.waiting.has(runtime.key)) this.overdue(runtime, entry);
    }, this.answerPatienceMs);
    patience.unref();
    entry.run = this.send(runtime, toA, phases.length as 1 | 2 | 3, at, endAt, entry).then((plainAcceptance) => { plain = plainAcceptance; }, (error: unknown) => {
      this.log.error(`live profile failed: ${error instanceof Error ? error.message : String(error)}`, { stationId: runtime.stationId, action: 'SetChargingProfile' });
    }).finally(() => {
      this.inFlight.delete(runtime.key);
      clearTimeout(patience);
      // It answered (or its send timed out): allocated again, from what it holds now.
      const wasNotAnswering = this.notAnswering.delete(runtime.key);
      if (wasNotAnswering) this.state.touch(runtime);
      // Not taken: an older live profile may fall due sooner than this one would have.
      if (!plain) this.nextRenewalAt = -Infinity;
      const wanted = this.waiting.delete(runtime.key);
      const after = this.held.view(runtime, liveDurationS);
      // Lower now: the allocation, which counts what it may draw now, may give others more.
      const loweredNow = after.countedA('now') < nowBefore;
      const lowered = after.countedA('live-end') < boundBefore || after.countedPhases('live-end').length < phasesBefore;
      if (wanted || !plain || loweredNow || wasNotAnswering || (lowered && this.roomWanted)) this.options.answered();
      // The last of a batch of renewals answered: the next batch (see renew).
      if (renewalBatch === this.batchId && --this.batchPending === 0 && this.batchTimer) {
        clearTimeout(this.batchTimer);
        this.batchTimer = null;
        this.nextBatch();
      }
    });
    // Its end on the station's clock: when it falls due on Fuseguard's is worked out at each look (U3: clocks move).
    this.inFlight.set(runtime.key, entry);
    return true;
  }

  /** A send past its patience that matters is still unanswered: the next round shares around it (isNotAnswering). */
  private overdue(runtime: ConnectorRuntime, entry: InFlight): void {
    if (this.stopped || entry.answered || this.inFlight.get(runtime.key) !== entry || this.notAnswering.has(runtime.key)) return;
    this.notAnswering.add(runtime.key);
    this.state.touch(runtime);
    this.log.warn(`connector ${runtime.connectorId} has not answered a live profile of ${entry.toA} A for ${this.answerPatienceMs / 1000} s: counted at what it may still draw, the others share the rest until it answers`, { stationId: runtime.stationId, action: 'SetChargingProfile' });
    this.options.answered();
  }

  /** Sends a live profile; resolves true for a plain acceptance (nothing more for a round to do). */
  private async send(runtime: ConnectorRuntime, toA: number, numberPhases: 1 | 2 | 3, at: number, endAt: number, entry: InFlight): Promise<boolean> {
    const unit: ProfileUnit = { rateUnit: this.provisioner.capabilities(runtime.stationId)?.rateUnit ?? 'A', numberPhases };
    // In whole seconds of schedule from a start just before now.
    const durationS = Math.ceil((endAt - at) / 1000);
    const profile = liveProfile(runtime.connectorId, toA, unit, endAt - durationS * 1000, durationS);
    const sendId = this.held.sent(runtime, 'live', { limitA: toA, validToAt: endAt, numberPhases });
    this.nextRenewalAt = Math.min(this.nextRenewalAt, this.renewalDueAt(runtime, endAt));
    const result = await this.commands.send(runtime.stationId, 'SetChargingProfile', { connectorId: runtime.connectorId, csChargingProfiles: profile }, { timeoutMs: this.options.commandTimeoutMs });
    const outcome = profileOutcome(result);
    this.held.answered(runtime, 'live', sendId, outcome);
    entry.answered = true; // what follows (storing a flag) is not the station's delay
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

/** A live profile in flight: what it carries, until when, and whether the station answered yet. */
interface InFlight {
  run: Promise<void>;
  toA: number;
  phaseCount: number;
  validToAt: number;
  answered: boolean;
  /** It lowers what the connector's car may draw now. */
  lowers: boolean;
  /** Its patience (answerPatienceMs) ran out before an answer. */
  pastPatience: boolean;
}

interface Step {
  /** Its place in the snapshot (SiteState.snapshotOrder) and the allocation's setpoints. */
  slot: number;
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

function* allSlots(count: number): Generator<number> {
  for (let slot = 0; slot < count; slot++) yield slot;
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

function samePhases(a: readonly string[], b: readonly string[]): boolean {
  return a === b || (a.length === b.length && a.every((ph, i) => ph === b[i]));
}

/** Amps in whole microamps, rounded up: sums of them are exact, so a sum kept for hours never drifts. */
const MICRO = 1e6;
const toMicroA = (amps: number): number => (Number.isFinite(amps) ? Math.ceil(amps * MICRO - 1e-6) : 1e12);
const TOLERANCE_UA = TOLERANCE_A * MICRO;

/**
 * D8: per zone and phase, what the connectors in its subtree may draw now, against the zone's
 * limit of the allocation; each on the phases its station may let a car use. Kept between rounds:
 * each connector (by its slot) adds what it was last counted at, replaced when it is counted anew.
 */
class Room {
  private readonly usedUA: Float64Array;
  private readonly limitUA: Float64Array;
  private readonly zoneIndex: Map<string, number>;
  private readonly parentOf: Int32Array;
  private readonly zoneNames: string;
  /** Per slot and phase, what it is counted at; and in which zone (-1: not counted). */
  private readonly countedUA: Float64Array;
  private readonly zoneOfSlot: Int32Array;

  constructor(zones: AllocationResult['zones'], slots: number) {
    this.zoneIndex = new Map(zones.map((z, i) => [z.zone, i]));
    this.parentOf = Int32Array.from(zones, (z) => (z.parent === null ? -1 : this.zoneIndex.get(z.parent) ?? -1));
    this.zoneNames = zoneKey(zones);
    this.usedUA = new Float64Array(zones.length * 3);
    this.limitUA = new Float64Array(zones.length * 3);
    this.countedUA = new Float64Array(slots * 3);
    this.zoneOfSlot = new Int32Array(slots).fill(-1);
    this.setLimits(zones);
  }

  /** Whether the zone tree is the one this was made for. */
  sameZones(zones: AllocationResult['zones']): boolean {
    return zones.length * 3 === this.limitUA.length && zoneKey(zones) === this.zoneNames;
  }

  setLimits(zones: AllocationResult['zones']): void {
    zones.forEach((z, i) => { for (let ph = 0; ph < 3; ph++) this.limitUA[i * 3 + ph] = z.limitA[ph] * MICRO; });
  }

  /** The connector in `slot` is counted at `amountA` on `phases` in `zone` (instead of what it was). */
  set(slot: number, zone: string, phases: readonly PhaseIndex[], amountA: number): void {
    const zoneIndex = this.zoneIndex.get(zone) ?? -1;
    const amountUA = toMicroA(amountA);
    const before = this.zoneOfSlot[slot];
    for (let ph = 0; ph < 3; ph++) {
      const was = this.countedUA[slot * 3 + ph];
      const next = phases.includes(ph as PhaseIndex) ? amountUA : 0;
      if (before === zoneIndex && was === next) continue;
      for (let z = before; z >= 0; z = this.parentOf[z]) this.usedUA[z * 3 + ph] -= was;
      for (let z = zoneIndex; z >= 0; z = this.parentOf[z]) this.usedUA[z * 3 + ph] += next;
      this.countedUA[slot * 3 + ph] = next;
    }
    this.zoneOfSlot[slot] = zoneIndex;
  }

  /**
   * Whether the connector in `slot`, which may draw between `lowerA` (on `lowerPhases`) and what
   * it is counted at, may be given `toA` on `toPhases`: on every phase where that may raise it,
   * the others at the most they may draw, and it at `toA`, stay within every zone's limit. A value
   * it already may hold is no proof: it may be a raise in the state the others' most comes from.
   */
  fits(slot: number, toPhases: readonly PhaseIndex[], toA: number, lowerA: number, lowerPhases: readonly PhaseIndex[]): boolean {
    const toUA = toMicroA(toA);
    for (let z = this.zoneOfSlot[slot]; z >= 0; z = this.parentOf[z]) {
      for (const ph of toPhases) {
        const leastA = lowerPhases.includes(ph) ? lowerA : 0;
        if (toA <= leastA) continue;
        // Where it still holds what it held nothing changes; where it took `toA`, it counts `toA`.
        if (this.usedUA[z * 3 + ph] - this.countedUA[slot * 3 + ph] + toUA > this.limitUA[z * 3 + ph] + TOLERANCE_UA) return false;
      }
    }
    return true;
  }

  /** A profile of `toA` on `toPhases` leaves: until answered it may hold either. */
  move(slot: number, toPhases: readonly PhaseIndex[], toA: number): void {
    const toUA = toMicroA(toA);
    for (let ph = 0; ph < 3; ph++) {
      const was = this.countedUA[slot * 3 + ph];
      const next = Math.max(was, toPhases.includes(ph as PhaseIndex) ? toUA : 0);
      for (let z = this.zoneOfSlot[slot]; z >= 0; z = this.parentOf[z]) this.usedUA[z * 3 + ph] += next - was;
      this.countedUA[slot * 3 + ph] = next;
    }
  }

  /** Tests: where this and `other` (made for the same site) count differently, or null. */
  differenceFrom(other: Room): string | null {
    for (let i = 0; i < this.usedUA.length; i++) {
      if (this.usedUA[i] !== other.usedUA[i]) return `zone ${[...this.zoneIndex.keys()][Math.floor(i / 3)]} phase ${(i % 3) + 1}: kept ${this.usedUA[i] / MICRO} A, a full count gives ${other.usedUA[i] / MICRO} A`;
    }
    return null;
  }
}

function zoneKey(zones: AllocationResult['zones']): string {
  return zones.map((z) => `${z.zone}<${z.parent ?? ''}`).join('|');
}
