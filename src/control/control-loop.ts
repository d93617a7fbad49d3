// The control loop: on every relevant event (debounced) and on a steady tick, build the
// snapshot, call allocate(), and hand the result to the dispatcher. One round at a time.
import { allocate, siteFailsafe, type AllocationResult, type Failsafe } from '../domain/index.js';
import type { CommandSender } from '../ocpp/command-sender.js';
import type { EventLog } from '../services/event-log.js';
import type { SiteEvents } from '../services/site-events.js';
import type { Store } from '../store/store.js';
import { Dispatcher } from './dispatcher.js';
import { SiteState } from './site-state.js';
import { StationProvisioner } from './station-provisioner.js';

export interface ControlLoopOptions {
  /** Overrides the site setting, for tests. */
  liveProfileDurationS?: number;
  commandTimeoutMs?: number;
  /** How often an uncontrolled connector is offered a profile again [30 s]. */
  uncontrolledRetryMs?: number;
  debounceMs?: number;
  tickMs?: number;
  /** What a station's clock reads now (U3); its profiles are stamped on it. Default: `now`. */
  stationNow?: (stationId: string) => number;
}

export class ControlLoop {
  readonly state: SiteState;
  readonly provisioner: StationProvisioner;
  /** The provisionings running per station (a connection and a boot may overlap). */
  private readonly provisioning = new Map<string, Set<Promise<void>>>();
  readonly dispatcher: Dispatcher;
  lastResult: AllocationResult | null = null;
  /** Rounds run and the time they took (allocation plus dispatch), for metrics and benchmarks. */
  readonly stats = { rounds: 0, allocateMs: 0, roundMs: 0 };
  private debounce: NodeJS.Timeout | null = null;
  private tick: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private again = false;
  private stopped = false;
  private readonly debounceMs: number;
  private readonly roundListeners = new Set<(result: AllocationResult) => void>();

  constructor(store: Store, commands: CommandSender, private readonly events: SiteEvents, private readonly log: EventLog, private readonly now: () => number, private readonly options: ControlLoopOptions = {}) {
    this.state = new SiteState(store);
    this.provisioner = new StationProvisioner(commands, this.state, log);
    this.dispatcher = new Dispatcher(commands, this.state, this.provisioner, log, now, {
      liveProfileDurationS: () => options.liveProfileDurationS ?? this.state.settings.liveProfileDurationS,
      commandTimeoutMs: options.commandTimeoutMs ?? 30_000,
      uncontrolledRetryMs: options.uncontrolledRetryMs ?? 30_000,
      ...(options.stationNow ? { stationNow: options.stationNow } : {}),
    });
    this.debounceMs = options.debounceMs ?? 50;
  }

  async start(): Promise<void> {
    await this.state.load();
    this.state.attach(this.events, () => this.schedule());
    // O5: on every connection and every boot, the station gets what it must hold.
    this.events.on('station.connected', ({ stationId }) => void this.provision(stationId));
    this.events.on('station.disconnected', ({ stationId }) => this.provisioner.reset(stationId));
    this.events.on('station.booted', ({ stationId, admitted }) => {
      if (!admitted) return;
      this.dispatcher.forget(stationId);
      this.provisioner.reset(stationId);
      void this.provision(stationId);
    });
    // U3: a station given a time that moves its clock gets its live profiles again, stamped on it.
    this.events.on('station.clockMoved', ({ stationId }) => {
      this.dispatcher.renewStation(stationId);
      this.schedule();
    });
    this.tick = setInterval(() => this.schedule(), this.options.tickMs ?? 5_000);
    this.schedule();
  }

  stop(): void {
    this.stopped = true;
    if (this.debounce) clearTimeout(this.debounce);
    if (this.tick) clearInterval(this.tick);
  }

  /** Resolves when the current round (if any) and the one it asked for are done. */
  async settled(): Promise<void> {
    while (this.running || this.debounce) await (this.running ?? new Promise((r) => setTimeout(r, this.debounceMs)));
  }

  failsafes(): Record<string, Failsafe> {
    const snapshot = this.state.snapshot();
    return siteFailsafe(snapshot.zones, snapshot.connectors, snapshot.settings);
  }

  /** Calls `listener` with the result of every round (live events, W6); returns the unsubscribe. */
  onRound(listener: (result: AllocationResult) => void): () => void {
    this.roundListeners.add(listener);
    return () => { this.roundListeners.delete(listener); };
  }

  /** U3: the reference clock stepped by `stepMs`: remembered instants move with it. */
  shiftTimes(stepMs: number): void {
    this.state.shiftTimes(stepMs);
    this.dispatcher.shiftTimes(stepMs);
  }

  /** Something outside the site events changed (an input, a meter): allocate again soon. */
  poke(): void {
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
    }, this.debounceMs);
  }

  private async round(): Promise<void> {
    const startedAt = performance.now();
    try {
      const snapshot = this.state.snapshot();
      const result = allocate(snapshot, this.now());
      this.stats.allocateMs += performance.now() - startedAt;
      this.state.allocatorState = result.state;
      this.lastResult = result;
      for (const listener of this.roundListeners) {
        try { listener(result); } catch { /* a listener's failure must not stop the dispatch */ }
      }
      await this.dispatcher.apply(result, siteFailsafe(snapshot.zones, snapshot.connectors, snapshot.settings));
      this.stats.rounds += 1;
      this.stats.roundMs += performance.now() - startedAt;
    } catch (error) {
      this.log.error(`allocation round failed: ${error instanceof Error ? error.stack ?? error.message : String(error)}`, { action: 'control-loop' });
    }
  }

  /**
   * Resolves once no provisioning of the station (failsafe profiles, D5/O5) runs: what must reach
   * it before anything else sends it commands (the authentication keys wait for it).
   */
  async provisioned(stationId: string): Promise<void> {
    for (let runs = this.provisioning.get(stationId); runs?.size; runs = this.provisioning.get(stationId)) await Promise.allSettled([...runs]);
  }

  private provision(stationId: string): Promise<void> {
    const runs = this.provisioning.get(stationId) ?? new Set<Promise<void>>();
    const run = this.provisionNow(stationId).finally(() => {
      runs.delete(run);
      if (runs.size === 0 && this.provisioning.get(stationId) === runs) this.provisioning.delete(stationId);
    });
    this.provisioning.set(stationId, runs.add(run));
    return run;
  }

  private async provisionNow(stationId: string): Promise<void> {
    if (!this.state.connectedStations.has(stationId)) return;
    try {
      await this.provisioner.provision(stationId, this.failsafes());
    } catch (error) {
      this.log.error(`provisioning failed: ${error instanceof Error ? error.message : String(error)}`, { stationId, action: 'provision' });
    }
    this.schedule();
  }
}
