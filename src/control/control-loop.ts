// The control loop: on every relevant event (debounced) and on a steady tick, build the
// snapshot, call allocate(), and hand the result to the dispatcher. One round at a time.
import { allocateSteps, siteFailsafe, type AllocationResult, type Failsafe, type SiteSnapshot } from '../domain/index.js';
import type { CommandSender } from '../ocpp/command-sender.js';
import type { EventLog } from '../services/event-log.js';
import type { SiteEvents } from '../services/site-events.js';
import type { Store } from '../store/store.js';
import { Dispatcher } from './dispatcher.js';
import { HeldProfiles } from './held-profiles.js';
import { SiteState, type ConnectorRuntime } from './site-state.js';
import { StationProvisioner, type StationControlState } from './station-provisioner.js';

/**
 * A round of a large site is long; on a steady stream of events (a boot storm, thousands of
 * MeterValues) back-to-back rounds would take the whole CPU from the stations' messages. The next
 * round waits at least this many times the last one's duration: rounds take at most a third of
 * the CPU, and one round still covers every event since the previous one (issue 15).
 */
const DEFAULT_ROUND_SPACING = 2;

/**
 * A round of a large site lets the stations' messages in after this much work (between two steps
 * of the snapshot, allocate() or the dispatch): a 10,000-connector round is 15-100 ms, which every
 * call waiting behind it would add to its answer time (issue 15). A small site's round never yields.
 */
const DEFAULT_ROUND_SLICE_MS = 5;

export interface ControlLoopOptions {
  /** Overrides the site setting, for tests. */
  liveProfileDurationS?: number;
  commandTimeoutMs?: number;
  /** How often an uncontrolled connector is offered a profile again [30 s]. */
  uncontrolledRetryMs?: number;
  debounceMs?: number;
  /** The next round waits at least this many times the last one's duration [2]; 0 (tests on a simulated clock) for none. */
  roundSpacing?: number;
  /** A round yields to other work after this many ms of work [5]; 0 (tests) after every step. */
  roundSliceMs?: number;
  /** Inputs made and connectors looked at in one step of a round [256]; the safety fuzzer's small sites: 1. */
  itemsPerStep?: number;
  /** How a round lets others run between two steps [a turn of the event loop]; the safety fuzzer lets simulated time pass there now and then. */
  roundPause?: () => Promise<void>;
  tickMs?: number;
  /** Renewals per batch and per turn of the event loop (see Dispatcher), for tests with small sites. */
  renewalsPerBatch?: number;
  renewalsPerTurn?: number;
  /** What a station's clock reads now (U3); its profiles are stamped on it. Default: `now`. */
  stationNow?: (stationId: string) => number;
  /** How long a live profile may go unanswered before the others are shared around what its connector may still draw [2 s] (Dispatcher). */
  answerPatienceMs?: number;
}

export class ControlLoop {
  readonly state: SiteState;
  /** D8: what every connector's station acknowledged, and so the most it may draw now. */
  readonly held: HeldProfiles;
  readonly provisioner: StationProvisioner;
  readonly dispatcher: Dispatcher;
  lastResult: AllocationResult | null = null;
  /** Rounds run and the time they took (allocation plus dispatch), for metrics and benchmarks. */
  /** Counters for the metrics; `failsafeRuns`: how often every connector's failsafe was computed. */
  readonly stats = { rounds: 0, allocateMs: 0, roundMs: 0, failsafeRuns: 0 };
  private debounce: NodeJS.Timeout | null = null;
  private tick: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private again = false;
  private stopped = false;
  /** The last failsafes computed, and the configuration version they were computed for. */
  private failsafeCache: { version: number; failsafes: Record<string, Failsafe> } | null = null;
  private readonly debounceMs: number;
  /** How long the last round worked (not counting the turns it let others run): the next one waits at least twice that (issue 15). */
  private lastRoundMs = 0;
  /** Counts clock steps (U3): a round that spans one is dropped. */
  private clockSteps = 0;
  /** The last round was dropped (its site changed under it): the next one runs without yielding, so that one always ends. */
  private nextRoundWhole = false;
  private readonly roundListeners = new Set<(result: AllocationResult) => void>();

  constructor(store: Store, commands: CommandSender, private readonly events: SiteEvents, private readonly log: EventLog, private readonly now: () => number, private readonly options: ControlLoopOptions = {}) {
    this.state = new SiteState(store, now);
    const stationNow = options.stationNow ?? (() => now());
    this.held = new HeldProfiles(stationNow, (runtime, failsafeA) => {
      void store.commit((db) => store.stations.setFailsafeHeld(runtime.stationId, runtime.connectorId, failsafeA, db)).catch((error: unknown) => {
        log.error(`could not store the failsafe held: ${error instanceof Error ? error.message : String(error)}`, { stationId: runtime.stationId, action: 'provision' });
      });
    });
    // A change of what a connector's station holds reaches the next snapshot (issue 15).
    this.held.onChange = (runtime) => this.state.touch(runtime);
    this.provisioner = new StationProvisioner(commands, this.state, this.held, log, () => this.failsafes(), () => this.schedule());
    this.dispatcher = new Dispatcher(commands, this.state, this.provisioner, this.held, log, now, {
      liveProfileDurationS: () => this.liveProfileDurationS(),
      commandTimeoutMs: options.commandTimeoutMs ?? 30_000,
      uncontrolledRetryMs: options.uncontrolledRetryMs ?? 30_000,
      stationNow,
      answered: () => this.schedule(),
      renewalsPerBatch: options.renewalsPerBatch,
      renewalsPerTurn: options.renewalsPerTurn,
      answerPatienceMs: options.answerPatienceMs,
      looksPerStep: options.itemsPerStep,
    });
    if (options.itemsPerStep !== undefined) this.state.inputsPerStep = options.itemsPerStep;
    // D8: the allocation counts every connector at what its station may let it draw now.
    this.state.control = (runtime, connected) => {
      const ready = connected && this.provisioner.isReady(runtime);
      const view = this.held.view(runtime, this.liveProfileDurationS());
      // Not answering: nothing reaches it, not even a renewal, so over all time as the dispatcher does.
      const notAnswering = ready && this.dispatcher.isNotAnswering(runtime);
      return {
        // Commandable: what it may draw now (the dispatcher checks each raise further ahead).
        heldA: runtime.kind === 'DC' ? undefined : view.countedA(ready && !notAnswering ? 'now' : 'always'),
        provisioned: !connected || ready,
        notAnswering,
        // The view holds until then on the station's clock (U3): on Fuseguard's, as far ahead.
        // A DC connector too: the dispatcher counts it from the same view.
        untilAt: view.untilAt - (stationNow(runtime.stationId) - now()),
      };
    };
    this.debounceMs = options.debounceMs ?? 50;
  }

  async start(): Promise<void> {
    await this.state.load();
    // D8: what stations held when Fuseguard stopped: their stored failsafe, under whatever live
    // profile it had sent, which runs out within a live profile's duration from now.
    const liveEndsAt = this.now() + this.liveProfileDurationS() * 1000;
    for (const runtime of this.state.connectors.values()) {
      if (typeof runtime.storedFailsafeA === 'number') this.held.restore(runtime, runtime.storedFailsafeA, liveEndsAt);
    }
    this.state.attach(this.events, () => this.schedule());
    // D8, O5: a boot may have lost the station's profiles; once it takes requests (its boot
    // accepted, or a request after reconnecting) it gets what it must hold, once.
    this.events.on('station.disconnected', ({ stationId }) => this.provisioner.disconnected(stationId));
    this.events.on('station.booted', ({ stationId, admitted }) => {
      if (admitted) this.provisioner.booted(stationId);
      this.schedule();
    });
    this.events.on('station.registered', ({ stationId }) => {
      if (this.state.connectedStations.has(stationId)) void this.provisioner.registered(stationId);
    });
    // U3: a station given a time that moves its clock gets its live profiles again, stamped on it.
    this.events.on('station.clockMoved', ({ stationId }) => {
      this.state.touchStation(stationId);
      this.dispatcher.renewStation(stationId);
      this.schedule();
    });
    this.tick = setInterval(() => this.schedule(), this.options.tickMs ?? 5_000);
    this.schedule();
  }

  stop(): void {
    this.stopped = true;
    this.dispatcher.stop();
    if (this.debounce) clearTimeout(this.debounce);
    if (this.tick) clearInterval(this.tick);
  }

  private liveProfileDurationS(): number {
    return this.options.liveProfileDurationS ?? this.state.settings.liveProfileDurationS;
  }

  /** Resolves when no round runs or is due and no live profile is in flight. */
  async settled(): Promise<void> {
    for (;;) {
      if (this.running || this.debounce) await (this.running ?? new Promise((r) => setTimeout(r, this.debounceMs)));
      else if (this.dispatcher.inFlightCount() > 0) await this.dispatcher.settled();
      else return;
    }
  }

  /** D8: a connector's lifecycle state, what it may draw now and what it should hold, for the API. */
  connectorControl(runtime: ConnectorRuntime, failsafes: Record<string, Failsafe> = this.failsafes()): {
    state: StationControlState | 'uncontrolled'; heldA: number | null; failsafeHeldA: number | null; failsafeWantedA: number | null;
  } {
    const connected = this.state.connectedStations.has(runtime.stationId);
    const failsafe = runtime.kind === 'DC' ? null : (failsafes[runtime.key]?.failsafeA ?? 0);
    return {
      state: this.state.uncontrolled.has(runtime.key) ? 'uncontrolled' : this.provisioner.controlState(runtime, connected),
      heldA: runtime.kind === 'DC' ? null : this.held.boundA(runtime),
      failsafeHeldA: runtime.kind === 'DC' ? null : (this.held.exactlyA(runtime, 'failsafe') ?? null),
      failsafeWantedA: failsafe,
    };
  }

  /**
   * Every connector's failsafe (D1). Made of the configuration only (zones, connectors, settings),
   * so it is computed again only when that moved: a boot storm's provisioning runs do not each
   * walk the site (issue 15).
   */
  failsafes(snapshot?: SiteSnapshot): Record<string, Failsafe> {
    if (this.failsafeCache?.version !== this.state.configVersion) {
      snapshot ??= this.state.snapshot();
      this.stats.failsafeRuns += 1;
      this.failsafeCache = { version: this.state.configVersion, failsafes: siteFailsafe(snapshot.zones, snapshot.connectors, snapshot.settings) };
    }
    return this.failsafeCache.failsafes;
  }

  /** Calls `listener` with the result of every round (live events, W6); returns the unsubscribe. */
  onRound(listener: (result: AllocationResult) => void): () => void {
    this.roundListeners.add(listener);
    return () => { this.roundListeners.delete(listener); };
  }

  /** U3: the reference clock stepped by `stepMs`: remembered instants move with it. */
  shiftTimes(stepMs: number): void {
    this.clockSteps += 1;
    this.state.shiftTimes(stepMs);
    this.dispatcher.shiftTimes(stepMs);
  }

  /** Something outside the site events changed (an input, a meter): allocate again soon. */
  poke(): void {
    this.state.limitsVersion += 1;
    this.schedule();
  }

  private schedule(): void {
    if (this.stopped || this.debounce) return;
    this.debounce = setTimeout(() => {
      this.debounce = null;
      if (this.running) { this.again = true; return; }
      this.running = this.round().finally(() => {
        this.running = null;
        if (this.again) { this.again = false; this.schedule(); }
      });
    }, Math.max(this.debounceMs, (this.options.roundSpacing ?? DEFAULT_ROUND_SPACING) * this.lastRoundMs));
  }

  private async round(): Promise<void> {
    const slices = new Slices(this.nextRoundWhole ? Infinity : (this.options.roundSliceMs ?? DEFAULT_ROUND_SLICE_MS), () => this.stopped, this.options.roundPause ?? nextTurn);
    this.nextRoundWhole = false;
    const configVersion = this.state.configVersion;
    const clockSteps = this.clockSteps;
    const limitsVersion = this.state.limitsVersion;
    const sameSite = () => configVersion === this.state.configVersion && clockSteps === this.clockSteps;
    try {
      // The snapshot is plain data that nothing changes (SiteState replaces inputs, never edits them).
      const snapshot = await slices.run(this.state.snapshotSteps());
      const result = snapshot && await slices.run(allocateSteps(snapshot, this.now()));
      if (!snapshot || !result) return; // stopped
      this.stats.allocateMs += slices.elapsedMs();
      if (!sameSite()) {
        // Made for connectors, zones or a clock that are no longer so: nothing of it goes out.
        // The next round runs whole, so that a site that keeps changing still gets rounds.
        this.nextRoundWhole = true;
        this.again = true;
        return;
      }
      const limitsMoved = () => limitsVersion !== this.state.limitsVersion;
      if (limitsMoved()) {
        // A limit or cap moved while it was made: what it lowers still goes (lower is safe in
        // every case), nothing it raises; the next round, whole, does the rest.
        await slices.run(this.dispatcher.applySteps(result, { raises: () => false, valid: sameSite }));
        this.nextRoundWhole = true;
        this.again = true;
        return;
      }
      // The same while the dispatch lets others run: a limit that moves meanwhile lets no raise go.
      const went = await slices.run(this.dispatcher.applySteps(result, { raises: () => !limitsMoved(), valid: sameSite }));
      if (went === undefined) return; // stopped
      if (!went || limitsMoved()) {
        // Given up, or only its reductions went (as above): the next round, whole, does the rest.
        this.nextRoundWhole = true;
        this.again = true;
        return;
      }
      // Gone out whole: the allocation's memory, and what the UI shows.
      this.state.allocatorState = result.state;
      this.lastResult = result;
      for (const listener of this.roundListeners) {
        try { listener(result); } catch { /* a listener's failure must not stop the dispatch */ }
      }
      // D8: every connected station's failsafe follows the site (in the background).
      this.provisioner.reconcile(this.failsafes(snapshot));
      this.stats.rounds += 1;
      this.lastRoundMs = slices.elapsedMs();
      this.stats.roundMs += this.lastRoundMs;
    } catch (error) {
      this.log.error(`allocation round failed: ${error instanceof Error ? error.stack ?? error.message : String(error)}`, { action: 'control-loop' });
    }
  }

  /**
   * Resolves once no provisioning of the station (failsafe profiles, D5/O5) runs: what must reach
   * it before anything else sends it commands (the authentication keys wait for it).
   */
  async provisioned(stationId: string): Promise<void> {
    await this.provisioner.settled(stationId);
  }
}

const nextTurn = (): Promise<void> => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * Runs a round's steps (snapshot, allocation, dispatch), letting the stations' messages in after
 * `sliceMs` of work; counts the time it worked, not the time others ran.
 */
class Slices {
  private workedMs = 0;
  private startedAt = performance.now();

  constructor(private readonly sliceMs: number, private readonly stopped: () => boolean, private readonly pause: () => Promise<void>) {}

  /** The generator's value; undefined when the loop stopped meanwhile. */
  async run<T>(steps: Generator<void, T>): Promise<T | undefined> {
    for (;;) {
      const next = steps.next();
      if (next.done) return next.value;
      if (performance.now() - this.startedAt < this.sliceMs) continue;
      this.workedMs += performance.now() - this.startedAt;
      await this.pause();
      if (this.stopped()) return undefined;
      this.startedAt = performance.now();
    }
  }

  elapsedMs(): number {
    return this.workedMs + performance.now() - this.startedAt;
  }
}
