// The one in-memory picture of the site that the control loop allocates from: configuration
// loaded from the store, kept current by the site events (stations, sessions, measurements).
import { indexZones, shiftAllocatorState, type ConnectorInput, type DigitalInput, type MeterReading, type PhaseWiring, type SiteSnapshot, type TouConfig, type ZoneSpec, type AllocatorState, type Measurement } from '../domain/index.js';
import type { SiteEvents } from '../services/site-events.js';
import type { HeldEntry } from './held-profiles.js';
import { resolveSettings, type ResolvedSettings } from '../site/settings.js';
import type { Store } from '../store/store.js';

export interface ConnectorRuntime {
  key: string;
  stationId: string;
  connectorId: number;
  zone: string;
  wiring: PhaseWiring;
  kind: 'AC' | 'DC';
  minCurrentA?: number;
  maxCurrentA: number;
  maxPowerW?: number;
  stationVip: boolean;
  session: { transactionId: number; startedAt: number; meterStartWh: number; energyWh: number; vip: boolean } | null;
  measured: Measurement | null;
  /**
   * Created from what the station reported (a StatusNotification, NumberOfConnectors) with the
   * default wiring: which phases it loads is not known, so its unused phases are never freed (A7).
   */
  wiringUnknown?: boolean;
  /** D8: the failsafe its station surely held when last stored (read at load; kept current by HeldProfiles). */
  storedFailsafeA?: number | null;
  /** HeldProfiles' entry for it, kept here too: a round reads it for every connector (issue 15). */
  heldEntry?: HeldEntry;
  /** Its place in the snapshot's connector list (SiteState.snapshot). */
  inputSlot?: number;
}

/**
 * What the control loop knows of a connector's station (D8): the most it may let a car draw now
 * (`heldA`), whether it takes live profiles, and until when (Fuseguard's clock) that holds if
 * nothing else happens to it (a profile it may hold ends): the snapshot reads it again then.
 */
export interface ConnectorControl {
  heldA?: number;
  provisioned: boolean;
  /** A live profile sent to it is unanswered past the dispatcher's patience (ConnectorInput.notAnswering). */
  notAnswering?: boolean;
  untilAt?: number;
}

const CPO_CAP = { kind: 'cpo' } as const;

/** Tests: a snapshot or a dispatch kept between rounds differs from one made from scratch. */
export class IncrementalStateError extends Error {
  /** Off only in the tests that show the check finds a difference on purpose. */
  static rethrow = true;
}

/**
 * The error to throw for such a difference; it is also thrown again outside any caller, so that
 * no catch on the way (a round, a provisioning run) turns it into a log line: the tests fail.
 */
export function incrementalStateError(message: string): IncrementalStateError {
  const error = new IncrementalStateError(message);
  if (IncrementalStateError.rethrow) setImmediate(() => { throw error; });
  return error;
}

export const connectorKey = (stationId: string, connectorId: number) => `${stationId}/${connectorId}`;

/** Inputs made again between two steps of snapshotSteps (about a millisecond of work). */
export const INPUTS_PER_STEP = 256;

export class SiteState {
  zones: ZoneSpec[] = [];
  settings: ResolvedSettings = resolveSettings({});
  readonly connectors = new Map<string, ConnectorRuntime>();
  readonly connectedStations = new Set<string>();
  /** Connectors that do not apply setpoints (they keep refusing profiles): flagged, counted at their maximum. */
  readonly uncontrolled = new Set<string>();

  /**
   * Flags a station as uncontrolled (or clears the flag) where an operator sees it. Clearing a
   * station that is not flagged writes nothing.
   */
  async flagStation(stationId: string, issue: string | null): Promise<void> {
    let wasFlagged = false;
    for (const runtime of this.connectorsOf(stationId)) {
      wasFlagged ||= this.uncontrolled.has(runtime.key);
      if (issue) this.uncontrolled.add(runtime.key);
      else this.uncontrolled.delete(runtime.key);
      this.touchInput(runtime);
    }
    if (issue === null && !wasFlagged) return;
    await this.store.commit((db) => this.store.stations.update(stationId, { control_issue: issue }, db));
  }
  allocatorState: AllocatorState | null = null;
  /** The digital inputs' levels now (M2); set by whoever owns the signal sources. */
  digitalInputs: () => readonly DigitalInput[] = () => [];
  /** The latest valid reading of each meter, by name (Z6); the allocator judges their age (D4). */
  readonly meterReadings = new Map<string, MeterReading>();
  tou: TouConfig | null = null;
  private vipBadges = new Set<string>();
  /** U1: caps from the CPO's charging profiles, A per phase, by connector key; "<station>/0" caps every connector of the station. */
  private readonly externalCaps = new Map<string, number>();
  /** Counts changes to the caps, so that a load() that read them meanwhile reads them again. */
  private capsVersion = 0;
  private changed: () => void = () => undefined;
  private stationZones = new Map<string, { zone: string; vip: boolean }>();
  /** Counts session events, so that a load() that read the open transactions meanwhile keeps what they set. */
  private sessionsVersion = 0;
  /**
   * D8: what each connector's station may let it draw now and whether it takes live profiles
   * (the control loop's held profiles and provisioner); without it, the snapshot leaves both out.
   */
  control: ((runtime: ConnectorRuntime, connected: boolean) => ConnectorControl) | null = null;
  /** Inputs made again between two steps of snapshotSteps; the safety fuzzer's small sites: 1. */
  inputsPerStep = INPUTS_PER_STEP;
  /** Tests: every snapshot is checked against one made from scratch (the incremental one must equal it). */
  verifySnapshots = process.env.FUSEGUARD_VERIFY_SNAPSHOTS === '1';

  /**
   * The last snapshot's connector inputs, one per connector of `inputOrder` (issue 15): a round
   * makes again only those of connectors touched since (an event, a change of what their station
   * holds or of whether it takes profiles) or whose held bound may move with time (`wakeAt`).
   */
  private inputOrder: ConnectorRuntime[] = [];
  private inputs: ConnectorInput[] = [];
  /** The connectors were loaded, added or removed: every input is made again. */
  private layoutStale = true;
  private touched = new Set<ConnectorRuntime>();
  /** The same, for the dispatcher: connectors whose setpoint or held bound it must look at again. */
  private touchedForDispatch = new Set<ConnectorRuntime>();
  /** Connectors whose held bound may move on its own, by the second (Fuseguard's clock) it may. */
  private readonly wakeAt = new Map<number, ConnectorRuntime[]>();

  /**
   * Counts changes that move a zone's limit or a connector's cap without a configuration change (a
   * meter reading, a digital input, a CPO cap; ControlLoop.poke): a round that spans one sends only
   * its reductions (issue 15).
   */
  limitsVersion = 0;

  /**
   * Counts changes to what failsafes are made of (zones, connectors and their configuration,
   * settings): a cached siteFailsafe stays true while it does not move (issue 15).
   */
  configVersion = 0;
  /** Zones that are dynamic or lie under one (Z6): a draw measured in them moves the allocation. */
  private underDynamicZone = new Set<string>();
  /** Each station's connectors: per-event work looks at one station, not the site (issue 15). */
  private readonly byStation = new Map<string, ConnectorRuntime[]>();

  constructor(private readonly store: Store, private readonly now: () => number = Date.now) {}

  /**
   * Something the connector's input is made of changed (see `control`): the next snapshot reads it
   * again, and the dispatcher looks at it again (what its station may hold, or whether it takes
   * profiles, may have moved).
   */
  touch(runtime: ConnectorRuntime): void {
    this.touched.add(runtime);
    this.touchedForDispatch.add(runtime);
  }

  /**
   * Only its input moved (a session, the uncontrolled flag, a cap): the next snapshot reads it
   * again; the dispatcher sees what follows in the setpoints.
   */
  touchInput(runtime: ConnectorRuntime): void {
    this.touched.add(runtime);
  }

  /**
   * A measurement or a session's energy moved: its input takes it at once, without reading the
   * control again (issue 15: thousands of MeterValues a second must not each cost a round's work).
   */
  private measurementMoved(runtime: ConnectorRuntime): void {
    const slot = this.layoutStale ? undefined : this.slotOf(runtime);
    if (slot === undefined) return;
    const session = runtime.session ? { startedAt: runtime.session.startedAt, energyWh: runtime.session.energyWh, vip: runtime.session.vip } : null;
    this.inputs[slot] = { ...this.inputs[slot], session, measured: runtime.measured };
  }

  touchStation(stationId: string): void {
    for (const runtime of this.connectorsOf(stationId)) this.touch(runtime);
  }

  /**
   * Runs `check` (a test's comparison with a count from scratch) leaving the touches as they
   * were: what it reads must not make the next round look at connectors it would not have.
   */
  quietly<T>(check: () => T): T {
    const touched = new Set(this.touched);
    const touchedForDispatch = new Set(this.touchedForDispatch);
    try {
      return check();
    } finally {
      this.touched = touched;
      this.touchedForDispatch = touchedForDispatch;
    }
  }

  /**
   * The connectors touched since the last call (the dispatcher's share of `touch`), with those
   * whose held bound may have moved by now: a round spread over turns dispatches later than its
   * snapshot was made, and a live profile may have ended in between (D8).
   */
  takeTouched(afterS = -Infinity): Set<ConnectorRuntime> {
    // Left in wakeAt: the next snapshot reads them again and touches them once more (their input
    // is made again then, and the next dispatch looks at them with it). `afterS`: those due by
    // then were taken before (a dispatch that let others run takes what moved meanwhile).
    const nowS = Math.floor(this.now() / 1000);
    for (const [second, runtimes] of this.wakeAt) {
      if (second <= nowS && second > afterS) for (const runtime of runtimes) this.touchedForDispatch.add(runtime);
    }
    const touched = this.touchedForDispatch;
    this.touchedForDispatch = new Set();
    return touched;
  }


  /** The connectors of one station (none when it is not admitted into a zone). */
  connectorsOf(stationId: string): readonly ConnectorRuntime[] {
    return this.byStation.get(stationId) ?? [];
  }

  /** (Re)loads the configuration; runtime facts (sessions, measurements, connections) stay. */
  async load(): Promise<void> {
    const sessionsVersion = this.sessionsVersion;
    const [zones, stations, connectors, badges, settings, open] = await Promise.all([
      this.store.zones.list(), this.store.stations.list(), this.store.stations.listConnectors(), this.store.badges.list(),
      this.store.settings.getAll(), this.store.transactions.list({ ongoing: true, limit: 100_000 }), this.loadCaps(),
    ]);
    this.settings = resolveSettings(settings);
    this.tou = (settings.tou as TouConfig | undefined) ?? null;
    this.zones = zones.map((z) => ({ name: z.name, parent: z.parent, maxCurrentA: z.max_current_a, mode: z.mode, meter: z.meter, fallbackCurrentA: z.fallback_current_a }));
    this.underDynamicZone = zonesUnderDynamic(this.zones);
    this.vipBadges = new Set(badges.filter((b) => b.vip === 1).map((b) => b.id_tag));
    this.stationZones = new Map(stations.filter((s) => s.admission === 'admitted' && s.zone).map((s) => [s.id, { zone: s.zone as string, vip: s.vip === 1 }]));
    const previous = new Map(this.connectors);
    this.connectors.clear();
    // A flag survives a restart: the station is trusted again once it accepts a profile.
    const flagged = new Set(stations.filter((s) => s.control_issue !== null).map((s) => s.id));
    for (const c of connectors) {
      const station = this.stationZones.get(c.station_id);
      if (!station) continue;
      const key = connectorKey(c.station_id, c.connector_id);
      this.connectors.set(key, {
        key, stationId: c.station_id, connectorId: c.connector_id, zone: station.zone, wiring: c.phases as PhaseWiring,
        kind: c.type, maxCurrentA: c.max_current_a, stationVip: station.vip,
        ...(c.min_current_a !== null ? { minCurrentA: c.min_current_a } : {}),
        ...(c.max_power_w !== null ? { maxPowerW: c.max_power_w } : {}),
        session: previous.get(key)?.session ?? null,
        measured: previous.get(key)?.measured ?? null,
        storedFailsafeA: c.failsafe_held_a,
        ...(c.discovered === 1 ? { wiringUnknown: true } : {}),
      });
      if (flagged.has(c.station_id)) this.uncontrolled.add(key);
    }
    this.byStation.clear();
    for (const runtime of this.connectors.values()) this.indexByStation(runtime);
    this.configVersion += 1;
    this.layoutStale = true;
    // A session closed outside the server (the CLI's force stop) ends here too, unless a session
    // event came while the open transactions were read (they may be older than it).
    if (sessionsVersion === this.sessionsVersion) {
      const openIds = new Set(open.map((tx) => tx.id));
      for (const runtime of this.connectors.values()) {
        if (runtime.session && !openIds.has(runtime.session.transactionId)) { runtime.session = null; runtime.measured = null; }
      }
    }
    for (const tx of open) {
      const runtime = this.connectorFor(tx.station_id, tx.connector_id);
      if (runtime && !runtime.session) {
        runtime.session = {
          transactionId: tx.id, startedAt: tx.start_at, meterStartWh: tx.meter_start_wh,
          energyWh: Math.max(0, (tx.last_meter_wh ?? tx.meter_start_wh) - tx.meter_start_wh), vip: this.vipBadges.has(tx.id_tag),
        };
      }
    }
  }

  /** Keeps the state current; `changed` is called after every fact that may move a setpoint. */
  attach(events: SiteEvents, changed: () => void): void {
    this.changed = changed;
    events.on('station.connected', ({ stationId }) => { this.connectedStations.add(stationId); this.touchStation(stationId); changed(); });
    events.on('station.disconnected', ({ stationId }) => { this.connectedStations.delete(stationId); this.touchStation(stationId); changed(); });
    events.on('connector.status', ({ stationId, connectorId }) => {
      // A connector the site did not list: counted (at what it may hold) and provisioned at once (D8).
      if (connectorId > 0 && !this.connectors.has(connectorKey(stationId, connectorId)) && this.connectorFor(stationId, connectorId)) changed();
    });
    events.on('transaction.started', (e) => {
      this.sessionsVersion += 1;
      const runtime = this.connectorFor(e.stationId, e.connectorId);
      if (!runtime) return;
      runtime.session = { transactionId: e.transactionId, startedAt: e.at, meterStartWh: e.meterStartWh, energyWh: 0, vip: this.vipBadges.has(e.idTag) };
      runtime.measured = null;
      this.touchInput(runtime);
      changed();
    });
    events.on('transaction.stopped', (e) => {
      this.sessionsVersion += 1;
      for (const runtime of this.connectorsOf(e.stationId)) {
        if (runtime.session?.transactionId === e.transactionId) {
          runtime.session = null;
          runtime.measured = null;
          this.touchInput(runtime);
          changed();
        }
      }
    });
    events.on('meter.values', (e) => {
      const runtime = this.connectors.get(connectorKey(e.stationId, e.connectorId));
      if (!runtime) return;
      const { currentsA, powerW, energyWh } = e.measurement;
      if (currentsA || powerW !== undefined) {
        runtime.measured = { ...(currentsA ? { currentsA } : {}), ...(powerW !== undefined ? { powerW } : {}), at: e.at };
        this.measurementMoved(runtime);
      }
      if (runtime.session && energyWh !== undefined) {
        runtime.session.energyWh = Math.max(0, energyWh - runtime.session.meterStartWh);
        this.measurementMoved(runtime);
      }
      // What a connector without a session draws moves the allocation only through a dynamic
      // zone above it (Z6: the building's load is its meter less the cars); elsewhere the next
      // round reads it (issue 15: an idle station's MeterValues do not each cost a round).
      if (runtime.session || this.underDynamicZone.has(runtime.zone)) changed();
    });
  }

  /**
   * U1: sets (capA) or clears (null) the CPO's cap on a connector, 0 for every connector of the
   * station. Stored first, so that a restart keeps it; then the control loop runs again. Returns
   * whether a cap was set before.
   */
  /**
   * U3: the reference clock stepped by `stepMs`. The instants that measure an age or a duration
   * (measurements, meter readings, the allocator's memory) move with it, so that a step back
   * never makes an old reading look fresh, and a step forward never makes a fresh one look lost.
   */
  shiftTimes(stepMs: number): void {
    for (const runtime of this.connectors.values()) {
      if (runtime.measured) runtime.measured = { ...runtime.measured, at: runtime.measured.at + stepMs };
    }
    this.layoutStale = true;
    for (const [name, reading] of this.meterReadings) this.meterReadings.set(name, { ...reading, at: reading.at + stepMs });
    if (this.allocatorState) this.allocatorState = shiftAllocatorState(this.allocatorState, stepMs);
  }

  /** The stored caps, unless one was set or cleared while they were read: then read again. */
  private async loadCaps(): Promise<void> {
    for (;;) {
      const version = this.capsVersion;
      const caps = await this.store.cpoCaps.list();
      if (version !== this.capsVersion) continue;
      this.externalCaps.clear();
      for (const cap of caps) this.externalCaps.set(connectorKey(cap.station_id, cap.connector_id), cap.cap_a);
      this.layoutStale = true;
      return;
    }
  }

  async setExternalCap(stationId: string, connectorId: number, capA: number | null, at: number): Promise<boolean> {
    this.capsVersion += 1;
    this.limitsVersion += 1;
    const key = connectorKey(stationId, connectorId);
    const had = this.externalCaps.has(key);
    await this.store.commit(async (db) => {
      if (capA === null) await this.store.cpoCaps.clear(stationId, connectorId, db);
      else await this.store.cpoCaps.set(stationId, connectorId, capA, at, db);
    });
    if (capA === null) this.externalCaps.delete(key);
    else this.externalCaps.set(key, capA);
    for (const runtime of this.connectorsOf(stationId)) this.touchInput(runtime);
    if (had || capA !== null) this.changed();
    return had;
  }

  /** U1: clears every CPO cap of a station; returns whether there was one. */
  async clearExternalCaps(stationId: string): Promise<boolean> {
    this.capsVersion += 1;
    this.limitsVersion += 1;
    const cleared = await this.store.commit((db) => this.store.cpoCaps.clear(stationId, null, db));
    const prefix = `${stationId}/`;
    const keys = [...this.externalCaps.keys()].filter((key) => key.startsWith(prefix) && /^\d+$/.test(key.slice(prefix.length)));
    for (const key of keys) this.externalCaps.delete(key);
    for (const runtime of this.connectorsOf(stationId)) this.touchInput(runtime);
    if (keys.length > 0) this.changed();
    return keys.length > 0 || cleared > 0;
  }

  /** U1: clears every CPO cap (the relay is off, or relays to another CPO); returns how many there were. */
  async clearAllExternalCaps(): Promise<number> {
    this.capsVersion += 1;
    this.limitsVersion += 1;
    const cleared = await this.store.commit((db) => this.store.cpoCaps.clearAll(db));
    const had = this.externalCaps.size;
    this.externalCaps.clear();
    this.layoutStale = true;
    if (had > 0) this.changed();
    return Math.max(had, cleared);
  }

  /** The external cap of a connector: its own or its station's, the lower of the two. */
  externalCapOf(runtime: ConnectorRuntime): number | undefined {
    const own = this.externalCaps.get(runtime.key);
    const station = this.externalCaps.get(connectorKey(runtime.stationId, 0));
    if (own === undefined) return station;
    return station === undefined ? own : Math.min(own, station);
  }

  /**
   * D8: connectors the station has (NumberOfConnectors) that the site does not list yet: created
   * with the defaults (a 32 A three-phase connector, the installer corrects it), stored, and counted.
   */
  async discoverConnectors(stationId: string, count: number): Promise<void> {
    if (!this.stationZones.has(stationId)) return;
    for (let connectorId = 1; connectorId <= count; connectorId++) {
      if (this.connectors.has(connectorKey(stationId, connectorId))) continue;
      await this.store.commit((db) => this.store.stations.ensureConnector(stationId, connectorId, db));
      this.connectorFor(stationId, connectorId);
    }
  }

  /** The allocator's input at `now` (A1). */
  snapshot(): SiteSnapshot {
    const steps = this.snapshotSteps();
    for (;;) {
      const next = steps.next();
      if (next.done) return next.value;
    }
  }

  /**
   * The same, in steps: between two, others may run (a boot storm's or a renewal wave's thousands
   * of inputs made again in one go kept every station's calls waiting: issue 15). What is touched
   * meanwhile is read again by the next snapshot; the allocation reads this one as it is.
   */
  *snapshotSteps(): Generator<void, SiteSnapshot> {
    const now = this.now();
    const paused = this.layoutStale || this.inputOrder.length !== this.connectors.size ? (this.remakeInputs(now), false) : yield* this.updateInputs(now);
    if (this.verifySnapshots) this.quietly(() => this.verifyInputs(now, paused));
    return {
      zones: this.zones.map((z) => (z.meter ? { ...z, meterReading: this.meterReadings.get(z.meter) ?? null } : z)),
      connectors: this.inputs.slice(),
      settings: {
        minimumStandard: this.settings.minimumStandard,
        sheddingPriority: this.settings.sheddingPriority,
        rotationPeriodMs: this.settings.rotationPeriodMin * 60_000,
        meterPollIntervalMs: this.settings.meterPollingMs,
        sampleIntervalMs: this.settings.meterValueSampleIntervalS * 1000,
      },
      tou: this.tou,
      digitalInputs: this.digitalInputs(),
      state: this.allocatorState,
    };
  }

  /**
   * The slot in the last snapshot of the connector `runtime` stands for. A touch may come with a
   * runtime object from before a reload (a provisioning run that started before it): the current
   * one of the same key is meant.
   */
  slotOf(runtime: ConnectorRuntime): number | undefined {
    const slot = runtime.inputSlot;
    if (slot !== undefined && this.inputOrder[slot] === runtime) return slot;
    const current = this.connectors.get(runtime.key);
    return current && current !== runtime ? this.slotOf(current) : undefined;
  }

  /** The runtime of each connector of the last snapshot, in its order (the allocation's setpoints follow it). */
  snapshotOrder(): readonly ConnectorRuntime[] {
    return this.inputOrder;
  }

  private remakeInputs(now: number): void {
    this.layoutStale = false;
    this.touched.clear();
    this.wakeAt.clear();
    this.inputOrder = [...this.connectors.values()];
    this.inputs = new Array<ConnectorInput>(this.inputOrder.length);
    for (let i = 0; i < this.inputOrder.length; i++) {
      this.inputOrder[i].inputSlot = i;
      this.inputs[i] = this.makeInput(this.inputOrder[i], now);
    }
  }

  /** Only the inputs of connectors touched since, or whose held bound may have moved by now. */
  private *updateInputs(now: number): Generator<void, boolean> {
    const nowS = Math.floor(now / 1000);
    for (const [second, runtimes] of this.wakeAt) {
      if (second > nowS) continue;
      this.wakeAt.delete(second);
      for (const runtime of runtimes) this.touch(runtime);
    }
    // What making an input touches (a profile found ended, an event while others run) is made
    // again next time, not in this loop.
    const touched = this.touched;
    this.touched = new Set();
    let made = 0;
    for (const runtime of touched) {
      if (++made % this.inputsPerStep === 0) {
        yield;
        // Loaded again meanwhile: every input is made again, at once, as of now (rare: a reload, a
        // clock step; their wake-ups on the clock as it is now).
        if (this.layoutStale) {
          this.remakeInputs(this.now());
          return false;
        }
      }
      const slot = this.slotOf(runtime);
      if (slot !== undefined) this.inputs[slot] = this.makeInput(this.inputOrder[slot], now);
    }
    return made >= this.inputsPerStep;
  }

  /** One object of one shape per connector, absent facts as undefined (no spreads). */
  private makeInput(c: ConnectorRuntime, now: number, wake = true): ConnectorInput {
    const capA = this.externalCaps.size > 0 ? this.externalCapOf(c) : undefined;
    const connected = this.connectedStations.has(c.stationId);
    const control = this.control?.(c, connected);
    const untilAt = control?.untilAt;
    if (wake && untilAt !== undefined && untilAt !== Infinity) {
      // Read again a second early: early is only a wasted read, late is unsafe (a station's clock
      // may have moved by less than a second since, without a clockMoved event).
      const second = Math.max(Math.floor(untilAt / 1000) - 1, Math.floor(now / 1000));
      const list = this.wakeAt.get(second);
      if (list) list.push(c);
      else this.wakeAt.set(second, [c]);
    }
    return {
      id: c.key, stationId: c.stationId, zone: c.zone, kind: c.kind, wiring: c.wiring, maxCurrentA: c.maxCurrentA,
      minCurrentA: c.minCurrentA, maxPowerW: c.maxPowerW, vip: c.stationVip, stationConnected: connected,
      heldA: control?.heldA, provisioned: control && !control.provisioned ? false : undefined,
      notAnswering: control?.notAnswering === true ? true : undefined,
      wiringUnknown: c.wiringUnknown ? true : undefined,
      session: c.session ? { startedAt: c.session.startedAt, energyWh: c.session.energyWh, vip: c.session.vip } : null,
      measured: c.measured,
      uncontrolled: this.uncontrolled.has(c.key) ? true : undefined,
      externalCap: capA !== undefined ? { capA, source: CPO_CAP } : undefined,
    };
  }

  /**
   * Tests: the inputs kept equal those made from scratch now; after a snapshot that let others
   * run, but for those the next snapshot makes again (touched meanwhile, or due to wake by now).
   */
  private verifyInputs(now: number, paused: boolean): void {
    const order = [...this.connectors.values()];
    if (order.length !== this.inputOrder.length || order.some((r, i) => r !== this.inputOrder[i])) throw incrementalStateError('incremental snapshot: connector list out of date');
    // By slot: a touch may come with a runtime object from before a reload (see slotOf).
    const pending = new Set<number | undefined>();
    if (paused) {
      for (const runtime of this.touched) pending.add(this.slotOf(runtime));
      const nowS = Math.floor(this.now() / 1000);
      for (const [second, runtimes] of this.wakeAt) if (second <= nowS) for (const runtime of runtimes) pending.add(this.slotOf(runtime));
    }
    order.forEach((runtime, i) => {
      if (pending.has(i)) return;
      const fresh = JSON.stringify(this.makeInput(runtime, now, false));
      const kept = JSON.stringify(this.inputs[i]);
      if (fresh !== kept) throw incrementalStateError(`incremental snapshot out of date for ${runtime.key}: kept ${kept}, now ${fresh}`);
    });
  }

  /** A station's connector; one a station uses but nobody configured gets the defaults. */
  private connectorFor(stationId: string, connectorId: number): ConnectorRuntime | undefined {
    const key = connectorKey(stationId, connectorId);
    const known = this.connectors.get(key);
    if (known) return known;
    const station = this.stationZones.get(stationId);
    if (!station) return undefined;
    const runtime: ConnectorRuntime = {
      key, stationId, connectorId, zone: station.zone, wiring: 'L1L2L3', kind: 'AC', maxCurrentA: 32, stationVip: station.vip, session: null, measured: null,
      wiringUnknown: true,
    };
    this.connectors.set(key, runtime);
    this.indexByStation(runtime);
    this.configVersion += 1;
    this.layoutStale = true;
    return runtime;
  }

  private indexByStation(runtime: ConnectorRuntime): void {
    const list = this.byStation.get(runtime.stationId);
    if (list) list.push(runtime);
    else this.byStation.set(runtime.stationId, [runtime]);
  }
}

/** The zones that are dynamic or have a dynamic zone above them. */
function zonesUnderDynamic(zones: readonly ZoneSpec[]): Set<string> {
  const index = indexZones(zones);
  return new Set(zones.filter((_, i) => index.path[i].some((z) => zones[z].mode === 'dynamic')).map((z) => z.name));
}
