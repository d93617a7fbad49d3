// Many simulated stations against one central system, for `fuseguard demo` and the connection
// benchmark: staggered starts, and cars that come and go at random (seeded, so a run can be
// repeated). One shared ticker drives every station, so a fleet of thousands stays light.

import { EventEmitter } from 'node:events';
import { SimStation } from './sim-station.js';
import type { SimConnectorOptions, SimStationOptions, TransactionEvent } from './sim-station-types.js';
import type { RegistrationStatus } from './ocpp-types.js';
import type { VehicleOptions } from './vehicle.js';

export interface SimFleetOptions {
  /** Base URL, e.g. ws://127.0.0.1:8080/ocpp. */
  url: string;
  count: number;
  /** Ids are idPrefix + a zero-padded number: SIM-001, SIM-002, ... ['SIM-'] */
  idPrefix?: string;
  /** Badges the drivers present; drawn at random. [SIMTAG001...] */
  badges?: string[];
  /** Seed of the random traffic [1]. */
  seed?: number;
  connectorsPerStation?: number;
  /** Wiring and maximum of every connector [L1L2L3, 32 A]. */
  connector?: SimConnectorOptions;
  /** Mean arrivals per hour at a free connector [1]; 0 = no traffic. */
  arrivalsPerHour?: number;
  /** Mean time a car stays plugged in [60 min]. */
  meanStayMinutes?: number;
  /** Real-time gap between two station starts [10 ms]. */
  startIntervalMs?: number;
  /** Period of the shared ticker [1000 ms]. */
  tickIntervalMs?: number;
  meterValueIntervalS?: number;
  /** Password of each station (HTTP Basic), if any. */
  password?: (id: string) => string | undefined;
  /** Car models drawn at random (state of charge is randomised too). */
  vehicles?: VehicleOptions[];
  now?: () => number;
  /** Anything else passed to every SimStation. */
  stationOptions?: Partial<SimStationOptions>;
}

export interface FleetStartSummary {
  accepted: number;
  pending: number;
  rejected: number;
  failed: number;
}

export interface SimFleetEvents {
  boot: [{ id: string; status: RegistrationStatus }];
  transaction: [{ id: string } & TransactionEvent];
  warning: [{ id: string; message: string }];
}

const DEFAULT_VEHICLES: VehicleOptions[] = [
  { batteryWh: 40_000, maxCurrentA: 32, phases: 1 },
  { batteryWh: 60_000, maxCurrentA: 16, phases: 3 },
  { batteryWh: 77_000, maxCurrentA: 32, phases: 3 },
  { batteryWh: 90_000, maxCurrentA: 16, phases: 3, taperStartSoc: 0.9 },
];

/** mulberry32: a small, fast, seedable generator. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Slot {
  station: SimStation;
  connectorId: number;
  /** When the car on it leaves; undefined when free. */
  departAt?: number;
}

export class SimFleet extends EventEmitter<SimFleetEvents> {
  readonly stations: SimStation[];
  private readonly options: SimFleetOptions;
  private readonly random: () => number;
  private readonly slots: Slot[] = [];
  private readonly started = new Set<SimStation>();
  /** Pending sleeps, so stop() can end them. */
  private readonly timers = new Map<NodeJS.Timeout, () => void>();
  private ticker: NodeJS.Timeout | undefined;
  private lastTickAt = 0;
  private running = false;

  constructor(options: SimFleetOptions) {
    super();
    this.options = options;
    this.random = seededRandom(options.seed ?? 1);
    const prefix = options.idPrefix ?? 'SIM-';
    const digits = Math.max(3, String(options.count).length);
    const connectors = Array.from({ length: options.connectorsPerStation ?? 1 }, () => ({ ...options.connector }));
    this.stations = Array.from({ length: options.count }, (_, i) => {
      const id = `${prefix}${String(i + 1).padStart(digits, '0')}`;
      const station = new SimStation({
        id,
        url: options.url,
        password: options.password?.(id),
        connectors,
        meterValueIntervalS: options.meterValueIntervalS,
        now: options.now,
        ...options.stationOptions,
        tickIntervalMs: 0, // the fleet ticks every station
      });
      station.on('boot', (e) => this.emit('boot', { id, status: e.status }));
      station.on('transaction', (e) => this.emit('transaction', { id, ...e }));
      station.on('warning', (e) => this.emit('warning', { id, message: e.message }));
      for (let c = 1; c <= connectors.length; c++) this.slots.push({ station, connectorId: c });
      return station;
    });
  }

  /**
   * Starts every station, one every startIntervalMs, and the traffic. Resolves when each has
   * had its first answer; a station that could not connect keeps retrying in the background.
   */
  async start(): Promise<FleetStartSummary> {
    this.running = true;
    this.lastTickAt = this.now();
    const tickMs = this.options.tickIntervalMs ?? 1_000;
    this.ticker = setInterval(() => this.tick(), tickMs);
    this.ticker.unref();
    const gapMs = this.options.startIntervalMs ?? 10;
    const summary: FleetStartSummary = { accepted: 0, pending: 0, rejected: 0, failed: 0 };
    await Promise.all(
      this.stations.map(async (station, i) => {
        if (gapMs > 0 && i > 0) await this.sleep(i * gapMs);
        if (!this.running) return;
        try {
          const status = await station.start();
          this.started.add(station);
          if (status === 'Accepted') summary.accepted++;
          else if (status === 'Pending') summary.pending++;
          else summary.rejected++;
        } catch (err) {
          summary.failed++;
          this.emit('warning', { id: station.id, message: `start failed: ${String(err)}` });
          void this.retryStart(station);
        }
      }),
    );
    return summary;
  }

  /** Stops the traffic and every station. */
  async stop(): Promise<void> {
    this.running = false;
    if (this.ticker) clearInterval(this.ticker);
    this.ticker = undefined;
    for (const [t, wake] of this.timers) {
      clearTimeout(t);
      wake();
    }
    this.timers.clear();
    await Promise.all(this.stations.map((s) => s.stop()));
    this.started.clear();
  }

  /** Advances every started station and the traffic to now (the shared ticker calls this). */
  tick(): void {
    const at = this.now();
    const dtMs = Math.max(0, at - this.lastTickAt);
    this.lastTickAt = at;
    for (const station of this.started) station.tick();
    if (this.running) this.traffic(at, dtMs);
  }

  private traffic(at: number, dtMs: number): void {
    const perHour = this.options.arrivalsPerHour ?? 1;
    if (perHour <= 0 || dtMs <= 0) return;
    const pArrive = 1 - Math.exp((-perHour * dtMs) / 3_600_000);
    const meanStayMs = (this.options.meanStayMinutes ?? 60) * 60_000;
    for (const slot of this.slots) {
      const { station, connectorId } = slot;
      if (!this.started.has(station)) continue;
      if (slot.departAt !== undefined) {
        if (at >= slot.departAt) {
          slot.departAt = undefined;
          station.unplug(connectorId).catch((err) => this.warn(station, err));
        }
        continue;
      }
      if (this.random() >= pArrive) continue;
      const state = station.connectorState(connectorId);
      if (state.plugged || !state.operative || state.status !== 'Available') continue;
      // Exponential stay, at least five minutes.
      slot.departAt = at + Math.max(5 * 60_000, -Math.log(1 - this.random()) * meanStayMs);
      const vehicle = this.pickVehicle();
      const idTag = this.pickBadge();
      void (async () => {
        await station.plugIn(connectorId, vehicle);
        await station.presentBadge(connectorId, idTag);
      })().catch((err) => this.warn(station, err));
    }
  }

  private pickVehicle(): VehicleOptions {
    const models = this.options.vehicles ?? DEFAULT_VEHICLES;
    const model = models[Math.floor(this.random() * models.length)];
    return {
      ...model,
      soc: 0.1 + this.random() * 0.6,
      reactionDelayMs: 1_000 + Math.floor(this.random() * 3_000),
    };
  }

  private pickBadge(): string {
    const badges = this.options.badges;
    if (badges && badges.length > 0) return badges[Math.floor(this.random() * badges.length)];
    return `SIMTAG${String(1 + Math.floor(this.random() * 100)).padStart(3, '0')}`;
  }

  private async retryStart(station: SimStation): Promise<void> {
    for (let attempt = 1; this.running; attempt++) {
      await this.sleep(Math.min(30_000, 1_000 * 2 ** Math.min(attempt, 5)));
      if (!this.running) return;
      try {
        await station.start();
        this.started.add(station);
        return;
      } catch (err) {
        this.warn(station, err);
      }
    }
  }

  private warn(station: SimStation, err: unknown): void {
    this.emit('warning', { id: station.id, message: String(err) });
  }

  private now(): number {
    return (this.options.now ?? Date.now)();
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const t = setTimeout(() => {
        this.timers.delete(t);
        resolve();
      }, ms);
      t.unref();
      this.timers.set(t, resolve);
    });
  }
}
