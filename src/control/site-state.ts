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
}

const CPO_CAP = { kind: 'cpo' } as const;

export const connectorKey = (stationId: string, connectorId: number) => `${stationId}/${connectorId}`;

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
  control: ((runtime: ConnectorRuntime, connected: boolean) => { heldA?: number; provisioned: boolean }) | null = null;

  /**
   * Counts changes to what failsafes are made of (zones, connectors and their configuration,
   * settings): a cached siteFailsafe stays true while it does not move (issue 15).
   */
  configVersion = 0;
  /** Zones that are dynamic or lie under one (Z6): a draw measured in them moves the allocation. */
  private underDynamicZone = new Set<string>();
  /** Each station's connectors: per-event work looks at one station, not the site (issue 15). */
  private readonly byStation = new Map<string, ConnectorRuntime[]>();

  constructor(private readonly store: Store) {}

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
    events.on('station.connected', ({ stationId }) => { this.connectedStations.add(stationId); changed(); });
    events.on('station.disconnected', ({ stationId }) => { this.connectedStations.delete(stationId); changed(); });
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
      changed();
    });
    events.on('transaction.stopped', (e) => {
      this.sessionsVersion += 1;
      for (const runtime of this.connectorsOf(e.stationId)) {
        if (runtime.session?.transactionId === e.transactionId) {
          runtime.session = null;
          runtime.measured = null;
          changed();
        }
      }
    });
    events.on('meter.values', (e) => {
      const runtime = this.connectors.get(connectorKey(e.stationId, e.connectorId));
      if (!runtime) return;
      const { currentsA, powerW, energyWh } = e.measurement;
      if (currentsA || powerW !== undefined) runtime.measured = { ...(currentsA ? { currentsA } : {}), ...(powerW !== undefined ? { powerW } : {}), at: e.at };
      if (runtime.session && energyWh !== undefined) runtime.session.energyWh = Math.max(0, energyWh - runtime.session.meterStartWh);
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
      return;
    }
  }

  async setExternalCap(stationId: string, connectorId: number, capA: number | null, at: number): Promise<boolean> {
    this.capsVersion += 1;
    const key = connectorKey(stationId, connectorId);
    const had = this.externalCaps.has(key);
    await this.store.commit(async (db) => {
      if (capA === null) await this.store.cpoCaps.clear(stationId, connectorId, db);
      else await this.store.cpoCaps.set(stationId, connectorId, capA, at, db);
    });
    if (capA === null) this.externalCaps.delete(key);
    else this.externalCaps.set(key, capA);
    if (had || capA !== null) this.changed();
    return had;
  }

  /** U1: clears every CPO cap of a station; returns whether there was one. */
  async clearExternalCaps(stationId: string): Promise<boolean> {
    this.capsVersion += 1;
    const cleared = await this.store.commit((db) => this.store.cpoCaps.clear(stationId, null, db));
    const prefix = `${stationId}/`;
    const keys = [...this.externalCaps.keys()].filter((key) => key.startsWith(prefix) && /^\d+$/.test(key.slice(prefix.length)));
    for (const key of keys) this.externalCaps.delete(key);
    if (keys.length > 0) this.changed();
    return keys.length > 0 || cleared > 0;
  }

  /** U1: clears every CPO cap (the relay is off, or relays to another CPO); returns how many there were. */
  async clearAllExternalCaps(): Promise<number> {
    this.capsVersion += 1;
    const cleared = await this.store.commit((db) => this.store.cpoCaps.clearAll(db));
    const had = this.externalCaps.size;
    this.externalCaps.clear();
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
    // One object of one shape per connector, absent facts as undefined (no spreads): every round
    // builds this for the whole site (issue 15).
    const connectors: ConnectorInput[] = new Array<ConnectorInput>(this.connectors.size);
    const caps = this.externalCaps.size > 0;
    let i = 0;
    for (const c of this.connectors.values()) {
      const capA = caps ? this.externalCapOf(c) : undefined;
      const connected = this.connectedStations.has(c.stationId);
      const control = this.control?.(c, connected);
      connectors[i++] = {
        id: c.key, stationId: c.stationId, zone: c.zone, kind: c.kind, wiring: c.wiring, maxCurrentA: c.maxCurrentA,
        minCurrentA: c.minCurrentA, maxPowerW: c.maxPowerW, vip: c.stationVip, stationConnected: connected,
        heldA: control?.heldA, provisioned: control && !control.provisioned ? false : undefined,
        wiringUnknown: c.wiringUnknown ? true : undefined,
        session: c.session ? { startedAt: c.session.startedAt, energyWh: c.session.energyWh, vip: c.session.vip } : null,
        measured: c.measured,
        uncontrolled: this.uncontrolled.has(c.key) ? true : undefined,
        externalCap: capA !== undefined ? { capA, source: CPO_CAP } : undefined,
      };
    }
    return {
      zones: this.zones.map((z) => (z.meter ? { ...z, meterReading: this.meterReadings.get(z.meter) ?? null } : z)),
      connectors,
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
