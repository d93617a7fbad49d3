// Runs one fuzz scenario against the real application on a simulated clock (issue 13, D8) and
// checks the zone invariant at every instant where anything can change.
//
// The clock: vitest's fake timers fake setTimeout/setInterval/Date only; setImmediate, nextTick
// and microtasks stay real, so the store's group commit and Fastify run as in production. Time
// moves from one timer to the next (never more than `maxStepMs`), and between two timers every
// pending setImmediate turn runs, and every file operation in the thread pool ends (the store's
// group commit syncs its log there): at each instant Fuseguard and the stations do all they would do
// before time moves on. Station models ask for a timer at each boundary of the profiles they hold
// (validFrom, validTo, end of schedule), so those instants are checked too.
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pino } from 'pino';
import { vi } from 'vitest';
import { startFuseguard, type Fuseguard } from '../../../src/app/fuseguard.js';
import { applySite } from '../../../src/site/apply-site.js';
import { Store } from '../../../src/store/store.js';
import { tempDir } from '../temp-dir.js';
import { describeEvent, siteFileOf, type FuzzEvent, type FuzzStation, type FuzzZone, type Scenario } from './scenario.js';
import { StationModel, type SitePhase } from './station-model.js';

export const START_AT = Date.UTC(2025, 0, 6, 8, 0, 0);
/** After a zone maximum is lowered, its stations have this long to come down (checked against the old maximum meanwhile). */
export const DECREASE_GRACE_MS = 10_000;
/**
 * How long Fuseguard has to get a profile onto a connector that holds none (a station rebooted
 * and lost its profiles, a station never provisioned, a connector Fuseguard did not know), from
 * the moment it can: the station registered (boot Accepted, or its first request after
 * reconnecting), the transaction reported, the connector configured. Until then the car draws
 * the connector's hardware maximum and no central system can prevent it; a violation to which
 * such a connector contributes is not Fuseguard's. (Issue 13: "provisioned within 2 s of the boot".)
 */
export const REACTION_MS = 3_000;
// (The same window covers a connector that holds only its failsafe: provisioning sends the
// failsafe first, then the live setpoint, D5. Every request its station dropped since adds a
// command timeout: Fuseguard learns of a drop only when its timeout runs out.)
const LIVE_PROFILE_S = 60;
const COMMAND_TIMEOUT_MS = 5_000;

export interface Contribution {
  connector: string;
  /** The station holds no profile that applies: the car draws the connector's hardware maximum. */
  unmanaged: boolean;
  /** Until when an unmanaged connector is not Fuseguard's fault (REACTION_MS). */
  excusedUntil: number;
  /** Since when (ms into the scenario) Fuseguard could have given it a profile. */
  reachableAt: number;
  wiring: string;
  car: string;
  limitA: number;
  source: string;
}

export interface Violation {
  zone: string;
  phase: SitePhase;
  /** Since the scenario started. */
  at: number;
  sumA: number;
  limitA: number;
  contributions: Contribution[];
}

export interface RunResult {
  seed: number;
  violation: Violation | null;
  faults: string[];
  /** How many events ran before the run ended (all of them, or up to the violation). */
  executed: number;
  skipped: number;
  /** Instants over a limit only because of connectors Fuseguard could not have reached yet. */
  excused: number;
  peak: number;
  trace: string[];
  simulatedMs: number;
}

interface ZoneState extends FuzzZone {
  /** Earlier, higher maxima that still count until `until` (a decrease's grace). */
  previous: { maxA: number; until: number }[];
}

interface StationState {
  spec: FuzzStation;
  model: StationModel;
  zone: string | null;
  /** Connector ids Fuseguard was told about (site file or API), with when. */
  configured: Map<number, number>;
}

/** File operations in libuv's thread pool (the store syncs its log there): they take real time. */
const FILE_REQUESTS = new Set(['FSReqPromise', 'FSReqCallback']);

const settleImmediates = async (): Promise<void> => {
  // Up to 200 turns of work, and as many more as the thread pool's file operations need.
  for (let i = 0, turns = 0; turns < 200 && i < 200_000; i++) {
    await new Promise<void>((resolve) => setImmediate(resolve));
    const pending = process.getActiveResourcesInfo();
    const onFiles = pending.some((kind) => FILE_REQUESTS.has(kind));
    if (!onFiles) turns += 1;
    if (!onFiles && !pending.includes('Immediate')) return;
  }
};

/**
 * One running Fuseguard on the simulated clock, for one scenario or several in a row (starting
 * the application costs about a second of CPU, most of it compiling the API's schemas). Scenarios
 * that share it use names of their own, and their stations and zones are removed at their end.
 */
export class FuzzApp {
  app!: Fuseguard;
  dataDir = '';
  token = '';
  readonly faults: string[] = [];
  private cleanupDir: () => void = () => undefined;
  /** Pauses of rounds since the scenario started (see roundPause): a seed replays the same. */
  pauses = 0;
  private readonly onRejection = (reason: unknown) => this.faults.push(`unhandled rejection: ${reason instanceof Error ? reason.stack ?? reason.message : String(reason)}`);
  private readonly onException = (error: Error) => this.faults.push(`uncaught exception: ${error.stack ?? error.message}`);

  async start(): Promise<void> {
    process.on('unhandledRejection', this.onRejection);
    process.on('uncaughtException', this.onException);
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date'], now: START_AT });
    const dir = tempDir('fuseguard-fuzz-');
    this.cleanupDir = dir.cleanup;
    this.dataDir = join(dir.path, 'data');
    mkdirSync(this.dataDir, { recursive: true });
    const siteFile = join(dir.path, 'site.json');
    writeFileSync(siteFile, JSON.stringify({ settings: SITE_SETTINGS }));
    this.app = await startFuseguard({
      dataDir: this.dataDir, port: 0, host: '127.0.0.1', siteFile, logger: pino({ level: 'silent' }),
      commandTimeoutMs: COMMAND_TIMEOUT_MS,
      // No spacing by the rounds' real duration: a seed replays the same on a busy machine.
      // Renewals in batches of 3, 2 a turn: the queue's batches and turns happen on these small sites too (issue 15).
      control: { liveProfileDurationS: LIVE_PROFILE_S, commandTimeoutMs: COMMAND_TIMEOUT_MS, debounceMs: 50, roundSpacing: 0, roundSliceMs: 0, itemsPerStep: 1, roundPause: () => this.roundPause(), tickMs: 2_000, renewalsPerBatch: 3, renewalsPerTurn: 2 },
    });
    // An admin API token, stored as POST /api/tokens would store it (the guard checks it for real);
    // logging in would cost three scrypt hashes.
    this.token = `fgt_${randomBytes(24).toString('base64url')}`;
    await this.app.store.users.insertToken({
      id: randomUUID(), name: 'fuzz', role: 'admin', token_hash: createHash('sha256').update(this.token).digest('hex'),
      created_by: 'fuzz', created_at: Date.now(), last_used_at: null, revoked_at: null,
    });
  }

  private roundPause(): Promise<void> {
    this.pauses += 1;
    return pauseWithTime(this.pauses);
  }

  async close(): Promise<void> {
    try {
      if (this.app) await drive(this.app.close(), () => false, 'closing Fuseguard');
    } catch (error) {
      this.faults.push(`close failed: ${String(error)}`);
    } finally {
      vi.useRealTimers();
      process.off('unhandledRejection', this.onRejection);
      process.off('uncaughtException', this.onException);
      this.cleanupDir();
    }
  }
}

/** Moves the clock forward by `ms`, timer by timer, calling `check` at every instant; stops early when it returns true. */
async function advance(ms: number, check: () => boolean): Promise<void> {
  const end = Date.now() + ms;
  const sentinel = setTimeout(() => undefined, ms);
  try {
    while (Date.now() < end) {
      await vi.advanceTimersToNextTimerAsync();
      await settleImmediates();
      if (check()) return;
    }
  } finally {
    clearTimeout(sentinel);
  }
}

/** Awaits `promise`; work outside the event loop (thread pool) goes first, then the clock moves 10 ms at a time. */
async function drive<T>(promise: Promise<T>, check: () => boolean, what = 'an operation'): Promise<T> {
  let done = false;
  promise.then(() => { done = true; }, () => { done = true; });
  for (let i = 0; !done; i++) {
    if (i > 20_000) throw new Error(`${what} did not finish within 200 simulated seconds`);
    for (let turn = 0; turn < 2_000 && !done; turn++) await new Promise<void>((resolve) => setImmediate(resolve));
    if (!done) await advance(10, check);
  }
  return promise;
}

/**
 * How a round lets others run between its steps (the `count`-th pause of the scenario): a turn of the event loop, and now and then (one
 * pause in five, in a fixed pattern) 1-37 ms of simulated time, so that events, answers and the
 * instants where held bounds move (the live profiles' grid, a profile's end) also fall inside a
 * round (issue 15: its snapshot and dispatch run in steps).
 */
function pauseWithTime(count: number): Promise<void> {
  if (count % 5 !== 3) return new Promise<void>((resolve) => setImmediate(resolve));
  return new Promise<void>((resolve) => setTimeout(resolve, 1 + ((count * 7) % 37)));
}

const SITE_SETTINGS = { unknownStations: 'pending', meterValueSampleIntervalS: 10 } as const;

export class FuzzRun {
  private readonly zones = new Map<string, ZoneState>();
  private readonly stations: StationState[] = [];
  private readonly trace: string[] = [];
  private readonly faults: string[] = [];
  private violation: Violation | null = null;
  private executed = 0;
  private skipped = 0;
  /** Instants where the sum went over only because of connectors Fuseguard could not have reached yet. */
  excused = 0;
  /** The highest sum / limit seen (1 = a zone used to its limit). */
  peak = 0;
  private t0 = 0;

  constructor(private readonly scenario: Scenario, private readonly host: FuzzApp) {}

  private get app(): Fuseguard {
    return this.host.app;
  }

  async run(): Promise<RunResult> {
    this.t0 = Date.now();
    this.host.pauses = 0;
    const faultsBefore = this.host.faults.length;
    try {
      await this.start();
      for (const event of this.scenario.events) {
        if (this.stopped()) break;
        await this.execute(event);
        this.executed += 1;
        await this.settleAndCheck();
      }
    } catch (error) {
      this.faults.push(`the run failed: ${error instanceof Error ? error.stack ?? error.message : String(error)}`);
    }
    const simulatedMs = Date.now() - this.t0;
    await this.stop();
    this.faults.push(...this.host.faults.splice(faultsBefore));
    return { seed: this.scenario.seed, violation: this.violation, faults: this.faults, executed: this.executed, skipped: this.skipped, excused: this.excused, peak: this.peak, trace: this.trace, simulatedMs };
  }

  private stopped(): boolean {
    return this.violation !== null || this.faults.length > 0 || this.host.faults.length > 0;
  }

  // ---- Start and stop ----

  private async start(): Promise<void> {
    // As `fuseguard site apply` with the server told to reload (the site file of the scenario).
    await applySite(this.app.store, { ...siteFileOf(this.scenario.site), settings: SITE_SETTINGS }, Date.now());
    await this.drive(this.app.reload(), 'reload');
    for (const zone of this.scenario.site.zones) this.zones.set(zone.name, { ...zone, previous: [] });
    this.scenario.site.stations.forEach((spec, i) => {
      const model = new StationModel(spec, this.scenario.seed * 31 + i, {
        attach: (link) => this.app.stationServer.attachClient(link.client),
        wakeAt: (at) => { if (at > Date.now()) setTimeout(() => undefined, at - Date.now()); },
        fault: (message) => this.faults.push(`${this.clock()} ${message}`),
        trace: (message) => this.note(message),
      });
      this.stations.push({ spec, model, zone: spec.zone, configured: new Map(spec.zone === null ? [] : spec.connectors.slice(0, spec.listedConnectors).map((c) => [c.id, this.t0])) });
    });
  }

  /** Every station goes, then the scenario's stations and zones are removed from Fuseguard. */
  private async stop(): Promise<void> {
    try {
      for (const s of this.stations) s.model.dispose();
      await advance(1_000, () => false);
      for (const s of this.stations) {
        const r = await this.api('DELETE', `/api/stations/${encodeURIComponent(s.spec.id)}`);
        if (r.status !== 200 && r.status !== 404) this.faults.push(`removing ${s.spec.id}: ${r.status} ${JSON.stringify(r.body)}`);
      }
      const depth = (z: FuzzZone): number => (z.parent ? 1 + depth(this.zones.get(z.parent) as FuzzZone) : 0);
      for (const zone of [...this.zones.values()].sort((a, b) => depth(b) - depth(a))) {
        const r = await this.api('DELETE', `/api/zones/${encodeURIComponent(zone.name)}`);
        if (r.status !== 200) this.faults.push(`removing zone ${zone.name}: ${r.status} ${JSON.stringify(r.body)}`);
      }
      await advance(1_000, () => false);
    } catch (error) {
      this.faults.push(`cleaning up failed: ${error instanceof Error ? error.stack ?? error.message : String(error)}`);
    }
  }

  // ---- Time ----

  private clock(): string {
    return `+${((Date.now() - this.t0) / 1000).toFixed(3)}s`;
  }

  private note(message: string): void {
    this.trace.push(`${this.clock()} ${message}`);
    if (this.trace.length > 600) this.trace.splice(0, 100);
  }

  private async settleAndCheck(): Promise<void> {
    await settleImmediates();
    this.check();
  }

  private advance(ms: number): Promise<void> {
    return advance(ms, () => { this.check(); return this.stopped(); });
  }

  private drive<T>(promise: Promise<T>, what?: string): Promise<T> {
    return drive(promise, () => { this.check(); return this.stopped(); }, what);
  }

  // ---- Events ----

  /**
   * The target of an event: its index picks among the stations (or connectors) the event can
   * apply to now, so that few events are wasted; none: the event is skipped.
   */
  private pick<T>(candidates: T[], index: number): T | undefined {
    return candidates.length === 0 ? undefined : candidates[index % candidates.length];
  }

  private skip(event: FuzzEvent, why: string): void {
    this.skipped += 1;
    this.note(`skipped "${describeEvent(event, this.scenario.site)}": ${why}`);
  }

  private connectorsWhere(index: number, wanted: (s: StationState, connectorId: number) => boolean): { s: StationState; connectorId: number } | undefined {
    const all = this.stations.flatMap((s) => s.spec.connectors.filter((c) => wanted(s, c.id)).map((c) => ({ s, connectorId: c.id })));
    return this.pick(all, index);
  }

  private async execute(event: FuzzEvent): Promise<void> {
    const target = (wanted: (s: StationState) => boolean): StationState | undefined => ('station' in event ? this.pick(this.stations.filter(wanted), event.station) : undefined);
    const name = (s: StationState | undefined) => s?.spec.id ?? '-';
    switch (event.kind) {
      case 'wait':
        await this.advance(event.ms);
        return;
      case 'connect':
      case 'reconnect': {
        const s = target((x) => !x.model.online && !x.model.down);
        if (!s) return this.skip(event, 'every station is connected or down');
        const boot = event.kind === 'connect' || event.boot;
        this.note(`EVENT ${event.kind === 'connect' ? 'connect' : `reconnect ${boot ? 'with' : 'without'} boot`} ${name(s)}`);
        await this.drive(s.model.connect(boot));
        return;
      }
      case 'disconnect': {
        const s = target((x) => x.model.online);
        if (!s) return this.skip(event, 'no station connected');
        this.note(`EVENT disconnect ${name(s)}`);
        s.model.disconnect();
        return;
      }
      case 'reboot': {
        const s = target((x) => !x.model.down);
        if (!s) return this.skip(event, 'every station is down');
        this.note(`EVENT reboot ${name(s)} (${event.keepProfiles ? 'keeps' : 'loses'} its profiles, down ${event.downMs} ms)`);
        s.model.reboot(event.keepProfiles, event.downMs);
        return;
      }
      case 'dropping': {
        const s = target((x) => x.model.dropping !== event.on);
        if (!s) return this.skip(event, 'nothing to change');
        this.note(`EVENT ${name(s)} ${event.on ? 'starts' : 'stops'} dropping requests`);
        s.model.setDropping(event.on);
        return;
      }
      case 'plug': {
        // A station that was never accepted (pending) charges no car (D8 counts admitted stations).
        const c = this.connectorsWhere(event.station * 2 + event.connector, (s, id) => s.zone !== null && s.model.everAccepted && !s.model.down && s.model.connectors[id - 1].car === null);
        if (!c) return this.skip(event, 'no free connector at an admitted station');
        this.note(`EVENT car (${event.phases}-phase, ${event.carMaxA} A) plugs into ${name(c.s)}/${c.connectorId}`);
        c.s.model.plugIn(c.connectorId, { phases: event.phases, maxCurrentA: event.carMaxA });
        return;
      }
      case 'unplug': {
        const c = this.connectorsWhere(event.station * 2 + event.connector, (s, id) => s.model.connectors[id - 1].car !== null);
        if (!c) return this.skip(event, 'no car');
        this.note(`EVENT car leaves ${name(c.s)}/${c.connectorId}`);
        c.s.model.unplug(c.connectorId);
        return;
      }
      case 'admit': {
        const s = target((x) => x.zone === null && x.model.everConnected);
        if (!s) return this.skip(event, 'no pending station has connected');
        return this.admit(event, s);
      }
      case 'zoneMax':
        return this.zoneMax(event);
      case 'addConnector': {
        const s = target((x) => x.zone !== null && x.spec.connectors.some((c) => !x.configured.has(c.id)));
        if (!s) return this.skip(event, 'no connector missing');
        return this.addConnector(s);
      }
    }
  }

  private async api(method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE', url: string, payload?: unknown): Promise<{ status: number; body: unknown }> {
    const response = await this.drive(this.app.inject({ method, url, headers: { authorization: `Bearer ${this.host.token}` }, ...(payload !== undefined ? { payload: payload as object } : {}) }), `${method} ${url}`);
    if (response.statusCode >= 500) this.faults.push(`${this.clock()} ${method} ${url} answered ${response.statusCode}: ${response.body}`);
    let body: unknown = response.body;
    try { body = JSON.parse(response.body); } catch { /* not JSON */ }
    return { status: response.statusCode, body };
  }

  private async admit(event: Extract<FuzzEvent, { kind: 'admit' }>, s: StationState): Promise<void> {
    const zone = this.scenario.site.zones[event.zone % this.scenario.site.zones.length].name;
    this.note(`EVENT admit ${s.spec.id} into ${zone} by ${event.via === 'api' ? 'the API' : 'the CLI (a second Store on the database)'}`);
    if (event.via === 'api') {
      const r = await this.api('POST', `/api/stations/${s.spec.id}/admit`, { zone });
      if (r.status !== 200) return this.skip(event, `API answered ${r.status} ${JSON.stringify(r.body)}`);
    } else {
      // `fuseguard stations admit`: another process writes the same database.
      const store = await this.drive(Store.open(this.host.dataDir));
      try {
        if (!(await this.drive(store.stations.admit(s.spec.id, zone)))) return this.skip(event, 'CLI: no such station');
      } finally {
        await this.drive(store.close());
      }
    }
    s.zone = zone;
  }

  private async zoneMax(event: Extract<FuzzEvent, { kind: 'zoneMax' }>): Promise<void> {
    const zone = [...this.zones.values()][event.zone % this.zones.size];
    const parent = zone.parent ? this.zones.get(zone.parent) : undefined;
    const childMax = Math.max(1, ...[...this.zones.values()].filter((z) => z.parent === zone.name).map((z) => z.maxCurrentA));
    this.note(`EVENT zone ${zone.name} maximum x${event.fraction.toFixed(2)}`);
    const wanted = Math.min(parent?.maxCurrentA ?? 200, Math.max(childMax, Math.round(zone.maxCurrentA * event.fraction)));
    if (wanted === zone.maxCurrentA) return this.skip(event, 'no change');
    const decrease = wanted < zone.maxCurrentA;
    if (decrease) {
      // A station Fuseguard cannot reach (offline, not registered, dropping requests) cannot be
      // turned down: it holds what it was given until that runs out. Decreases are only made while
      // every station in the zone's subtree can hear Fuseguard.
      const subtree = this.subtree(zone.name);
      const unreachable = this.stations.filter((s) => s.zone !== null && subtree.has(s.zone) && (!s.model.online || !s.model.registered || s.model.dropping || s.model.down));
      if (unreachable.length > 0) return this.skip(event, `decrease while ${unreachable.map((s) => s.spec.id).join(', ')} cannot be reached`);
    }
    const r = await this.api('PUT', `/api/zones/${encodeURIComponent(zone.name)}`, {
      parent: zone.parent, maxCurrentA: wanted, mode: 'static', ...(zone.parent === null ? { authMode: 'lms-allow-all' } : {}),
    });
    if (r.status !== 200) return this.skip(event, `API answered ${r.status} ${JSON.stringify(r.body)}`);
    this.note(`zone ${zone.name}: ${zone.maxCurrentA} A -> ${wanted} A`);
    if (decrease) zone.previous.push({ maxA: zone.maxCurrentA, until: Date.now() + DECREASE_GRACE_MS });
    zone.maxCurrentA = wanted;
    // Nothing else happens while the stations come down.
    if (decrease) await this.advance(DECREASE_GRACE_MS);
  }

  private async addConnector(s: StationState): Promise<void> {
    const missing = s.spec.connectors.find((c) => !s.configured.has(c.id)) as FuzzStation['connectors'][number];
    this.note(`EVENT add connector ${missing.id} of ${s.spec.id} through the API`);
    const r = await this.api('PATCH', `/api/stations/${s.spec.id}`, {
      connectors: [{ connectorId: missing.id, phases: missing.wiring, maxCurrentA: missing.maxCurrentA, minCurrentA: missing.minCurrentA }],
    });
    if (r.status !== 200) { this.note(`API answered ${r.status} ${JSON.stringify(r.body)}`); return; }
    s.configured.set(missing.id, Date.now());
  }

  // ---- The invariant ----

  private subtree(name: string): Set<string> {
    const names = new Set([name]);
    for (let grew = true; grew;) {
      grew = false;
      for (const z of this.zones.values()) {
        if (z.parent !== null && names.has(z.parent) && !names.has(z.name)) { names.add(z.name); grew = true; }
      }
    }
    return names;
  }

  /** FUSEGUARD_FUZZ_DEBUG: what Fuseguard believed at the violation (its last allocation, held limits). */
  private dumpFuseguardView(connectors: string[]): void {
    const control = this.app.control;
    if (!control) return;
    const result = control.lastResult;
    console.error(`  Fuseguard's view (allocation at +${(((result?.at ?? 0) - this.t0) / 1000).toFixed(3)} s):`);
    for (const z of result?.zones ?? []) console.error(`    zone ${z.zone}: limit ${z.limitA.join('/')} reserved ${z.reservedA.join('/')} allocated ${z.allocatedA.join('/')}`);
    for (const id of connectors) {
      const runtime = control.state.connectors.get(id);
      const sp = result?.setpoints.find((x) => x.connectorId === id);
      console.error(`    ${id}: ${runtime ? `${runtime.wiring} max ${runtime.maxCurrentA} zone ${runtime.zone} session ${runtime.session ? "yes" : "no"} measured ${JSON.stringify(runtime.measured)}` : "unknown to Fuseguard"}; setpoint ${JSON.stringify(sp && { a: sp.currentA, phases: sp.phases, c: sp.controllable, r: sp.reason.code })}; control ${runtime ? JSON.stringify(control.connectorControl(runtime)) : '-'}`);
    }
  }

  /** The zone's limit now: its maximum, or a higher one it had less than DECREASE_GRACE_MS ago. */
  private zoneLimit(zone: ZoneState, at: number): number {
    zone.previous = zone.previous.filter((p) => p.until > at);
    return Math.max(zone.maxCurrentA, ...zone.previous.map((p) => p.maxA));
  }

  /**
   * For every zone and phase: Σ over connectors with a car in a running transaction (at the
   * station, online or not) of what the station allows on the site phases the car uses ≤ the
   * zone's limit.
   */
  check(): void {
    if (this.violation) return;
    const at = Date.now();
    for (const zone of this.zones.values()) {
      const subtree = this.subtree(zone.name);
      const sums: Record<SitePhase, number> = { L1: 0, L2: 0, L3: 0 };
      const parts: Record<SitePhase, Contribution[]> = { L1: [], L2: [], L3: [] };
      for (const s of this.stations) {
        if (s.zone === null || !subtree.has(s.zone)) continue;
        for (const c of s.spec.connectors) {
          const load = s.model.load(c.id, at);
          if (!load) continue;
          const state = s.model.connectors[c.id - 1];
          const car = state.car;
          const unmanaged = !s.model.managed(c.id, at);
          const from = Math.max(s.model.registeredAt ?? Infinity, state.tx?.reportedAt ?? Infinity, s.configured.get(c.id) ?? -Infinity);
          // Provisioning goes failsafe first, then the live setpoint (D5): a connector that holds
          // only its failsafe gets the same time to come down to its setpoint.
          const onFailsafeOnly = !unmanaged && load.applied.source.kind === 'profile' && load.applied.source.stackLevel === 0;
          // Each request the station dropped since then cost Fuseguard a command timeout.
          const dropped = s.model.droppedAt.filter((t) => t >= Math.min(from, s.model.registeredAt ?? from)).length;
          const excusedUntil = unmanaged || onFailsafeOnly ? from + REACTION_MS + dropped * COMMAND_TIMEOUT_MS : -Infinity;
          const source = unmanaged ? 'hardware (no profile applies)' : load.applied.source.kind === 'hardware' ? 'hardware (its profile allows more)'
            : `profile #${load.applied.source.chargingProfileId} stack ${load.applied.source.stackLevel} on c${load.applied.source.connectorId}`;
          for (const phase of load.phases) {
            sums[phase] += load.limitA;
            parts[phase].push({
              connector: `${s.spec.id}/${c.id}`, unmanaged, excusedUntil, reachableAt: from - this.t0, wiring: c.wiring, car: `${car?.phases}-phase ${car?.maxCurrentA} A`, limitA: load.limitA,
              source: `${source}; ${s.model.online ? (s.model.registered ? 'online' : 'connected, not registered') : s.model.down ? 'down' : 'offline'}`,
            });
          }
        }
      }
      const limitA = this.zoneLimit(zone, at);
      for (const phase of ['L1', 'L2', 'L3'] as const) {
        this.peak = Math.max(this.peak, sums[phase] / limitA);
        if (sums[phase] > limitA + 1e-6) {
          // Connectors that hold no profile (or only their failsafe) and that Fuseguard could not have reached yet, or
          // unmanaged connectors that alone exceed the limit (no one can turn them down): the
          // physics of the site, not a fault of the central system.
          const unmanaged = parts[phase].filter((p) => p.unmanaged);
          if (parts[phase].some((p) => p.excusedUntil > at) || unmanaged.reduce((sum, p) => sum + p.limitA, 0) > limitA + 1e-6) {
            this.excused += 1;
            continue;
          }
          this.violation = { zone: zone.name, phase, at: at - this.t0, sumA: sums[phase], limitA, contributions: parts[phase] };
          if (process.env.FUSEGUARD_FUZZ_DEBUG) this.dumpFuseguardView(parts[phase].map((p) => p.connector));
          return;
        }
      }
    }
  }
}

export function describeSite(scenario: Scenario): string[] {
  const { site } = scenario;
  return [
    ...site.zones.map((z) => `zone ${z.name}${z.parent ? ` (in ${z.parent})` : ''}: ${z.maxCurrentA} A`),
    ...site.stations.map((s) => `station ${s.id} ${s.zone ? `in ${s.zone}` : '(pending)'}: ${s.connectors.map((c) => `c${c.id} ${c.wiring} ${c.minCurrentA}-${c.maxCurrentA} A${c.id > s.listedConnectors ? ' (not in the site file)' : ''}`).join(', ')}; before boot: ${s.behaviour.beforeBoot}, boot delay ${s.behaviour.bootDelayMs} ms, latency ${s.behaviour.latencyMs} ms`),
  ];
}

export function formatFailure(result: RunResult, scenario: Scenario): string {
  const lines: string[] = [`seed ${result.seed}:`];
  const v = result.violation;
  if (v) {
    lines.push(`  VIOLATION zone ${v.zone} phase ${v.phase} at +${(v.at / 1000).toFixed(3)} s: ${v.sumA.toFixed(1)} A allowed > ${v.limitA} A`);
    for (const c of v.contributions) lines.push(`    ${c.connector} (${c.wiring}, car ${c.car}): ${c.limitA} A from ${c.source}${c.unmanaged ? `; no profile applies, though Fuseguard could reach it since +${(c.reachableAt / 1000).toFixed(3)} s` : ''}`);
  }
  for (const f of result.faults.slice(0, 5)) lines.push(`  FAULT ${f}`);
  lines.push('  site:', ...describeSite(scenario).map((l) => `    ${l}`));
  lines.push(`  events (${result.executed} of ${scenario.events.length} done, the last one running when it failed):`);
  scenario.events.slice(0, result.executed + 1).forEach((e, i) => lines.push(`    ${i}. ${describeEvent(e, scenario.site)}`));
  lines.push('  trace (last lines):', ...result.trace.slice(-40).map((l) => `    ${l}`));
  lines.push(`  replay: FUSEGUARD_FUZZ_SEED=${result.seed} npx vitest run test/safety-fuzz.test.ts`);
  return lines.join('\n');
}
