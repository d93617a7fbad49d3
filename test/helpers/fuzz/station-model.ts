// A station as the site safety fuzzer sees it (issue 13, D8): what it physically is, which
// charging profiles it holds, and so what it lets each car draw at any instant. Independent of
// Fuseguard's control code on purpose (nothing from src/control or src/domain): its profiles live
// in the simulator's faithful OCPP 1.6 model (src/sim/charging-profiles.ts), and the limit it
// applies is computed from them alone (stack levels, validFrom/validTo, schedule durations); no
// profile at all = the connector's hardware maximum.
//
// Its clock is the process clock (Date.now), the same as Fuseguard's: clock skew is out of scope.
import { callError } from '../../../src/ocpp/rpc.js';
import {
  ChargingProfileSet,
  profileBreakpoints,
  type AppliedLimit,
  type ConnectorTransaction,
} from '../../../src/sim/charging-profiles.js';
import type { ChargingProfile, ClearChargingProfileReq } from '../../../src/sim/ocpp-types.js';
import { seededRandom } from '../../../src/sim/sim-fleet.js';
import { DROP, InProcessLink, LinkClosedError } from './in-process-link.js';

export type SitePhase = 'L1' | 'L2' | 'L3';
export type Wiring = 'L1L2L3' | 'L2L3L1' | 'L3L1L2' | 'L1' | 'L2' | 'L3';

/** The site phases a connector's own phases 1..3 are wired to (Z4). */
export function wiredPhases(wiring: Wiring): SitePhase[] {
  return (wiring.match(/L[123]/g) ?? []) as SitePhase[];
}

export interface PhysicalConnector {
  id: number;
  maxCurrentA: number;
  minCurrentA: number;
  wiring: Wiring;
}

export interface Car {
  /** 1 or 3 phases. */
  phases: 1 | 3;
  /** What the car takes at most, per phase: it draws min(this, what it is allowed). */
  maxCurrentA: number;
}

/** Requests before the BootNotification is Accepted (OCPP 1.6 allows refusing them). */
export type BeforeBoot = 'answer' | 'strict' | 'silent';

export interface StationBehaviour {
  beforeBoot: BeforeBoot;
  /** Delay between connecting and sending BootNotification. */
  bootDelayMs: number;
  /** One-way delay of every message on the link. */
  latencyMs: number;
}

export interface StationSpec {
  id: string;
  connectors: PhysicalConnector[];
  behaviour: StationBehaviour;
}

interface ConnectorState {
  hw: PhysicalConnector;
  car: Car | null;
  /** The transaction running at the station (it runs whether or not Fuseguard has heard of it). */
  tx: (ConnectorTransaction & { localId: number; meterStartWh: number; reportedAt?: number }) | null;
  energyWh: number;
  lastEnergyAt: number;
}

interface Queued {
  action: 'StartTransaction' | 'StopTransaction';
  params: () => Record<string, unknown>;
  answered?: (response: Record<string, unknown>) => void;
}

export interface StationHooks {
  /** Attaches the link's client to Fuseguard; resolves whether it was let in. */
  attach(link: InProcessLink): Promise<boolean>;
  /** A profile was installed: the limit may change at these instants (invariant checks). */
  wakeAt(at: number): void;
  /** Something went wrong that is a bug of the fuzzer or of Fuseguard, not of the station. */
  fault(message: string): void;
  /** A trace line for the failure report. */
  trace(message: string): void;
}

const IDTAG = 'FUZZ';
let localTxIds = 1;

export class StationModel {
  readonly profiles: ChargingProfileSet;
  readonly connectors: ConnectorState[];
  link: InProcessLink | null = null;
  /** Its BootNotification was answered Accepted on the current link (or, reconnecting without a boot, it spoke first). */
  registered = false;
  /** When it became registered on the current link. */
  registeredAt: number | null = null;
  /** Ever accepted: such a station may reconnect without booting again. */
  everAccepted = false;
  /** Drops some of Fuseguard's requests at random (no answer). */
  dropping = false;
  /** When it dropped each of them: each costs Fuseguard a command timeout. */
  readonly droppedAt: number[] = [];
  /** Powered down between a reboot and its restart. */
  down = false;
  /** Fuseguard let it in at least once (it has a row, pending or admitted). */
  everConnected = false;
  private readonly outbox: Queued[] = [];
  private pumping = false;
  private readonly random: () => number;
  private readonly config = new Map<string, string>();
  private meterTimer: ReturnType<typeof setInterval> | null = null;
  private bootTimer: ReturnType<typeof setTimeout> | null = null;
  private restartTimer: ReturnType<typeof setTimeout> | null = null;
  private disposed = false;

  constructor(readonly spec: StationSpec, seed: number, private readonly hooks: StationHooks) {
    this.profiles = new ChargingProfileSet(spec.connectors.length);
    this.connectors = spec.connectors.map((hw) => ({ hw, car: null, tx: null, energyWh: 0, lastEnergyAt: Date.now() }));
    this.random = seededRandom(seed);
    this.config.set('MeterValueSampleInterval', '10');
    this.config.set('MeterValuesSampledData', 'Energy.Active.Import.Register');
    this.config.set('HeartbeatInterval', '300');
  }

  get id(): string {
    return this.spec.id;
  }

  get online(): boolean {
    return this.link?.isOpen === true;
  }

  // ---- What it lets cars draw ----

  /** The limit the station applies on connector `c` (1-based) now: its profiles, else its hardware. */
  limit(connectorId: number, at = Date.now()): AppliedLimit {
    const state = this.connectors[connectorId - 1];
    const hwPhases = wiredPhases(state.hw.wiring).length;
    return this.profiles.limitAt(connectorId, at, { maxCurrentA: state.hw.maxCurrentA, phases: hwPhases }, state.tx ?? undefined);
  }

  /** Whether any profile applies to connector `c` now (else the car may draw the hardware maximum). */
  managed(connectorId: number, at = Date.now()): boolean {
    const state = this.connectors[connectorId - 1];
    return this.profiles.limitAt(connectorId, at, { maxCurrentA: Number.MAX_SAFE_INTEGER, phases: 3 }, state.tx ?? undefined).source.kind === 'profile';
  }

  /** The site phases the car on connector `c` really uses, with the limit the station allows on each. */
  load(connectorId: number, at = Date.now()): { phases: SitePhase[]; limitA: number; applied: AppliedLimit } | null {
    const state = this.connectors[connectorId - 1];
    if (!state.car || !state.tx) return null;
    const applied = this.limit(connectorId, at);
    const wired = wiredPhases(state.hw.wiring);
    const used = Math.max(1, Math.min(state.car.phases, wired.length, applied.numberPhases));
    return { phases: wired.slice(0, used), limitA: applied.limitA, applied };
  }

  // ---- Lifecycle ----

  /** Opens a connection; boots (after the behaviour's delay) unless `boot` is false and it was accepted before. */
  async connect(boot: boolean): Promise<boolean> {
    if (this.online || this.down || this.disposed) return false;
    const link: InProcessLink = new InProcessLink({
      identity: this.id,
      latencyMs: this.spec.behaviour.latencyMs,
      stationCallTimeoutMs: 30_000,
      onRequest: (method, params): unknown => this.onRequest(link, method, params as Record<string, unknown>),
      onServerClose: (code, reason) => {
        this.hooks.trace(`${this.id}: closed by Fuseguard (${code} ${reason})`);
        if (this.link === link) this.lostLink();
      },
    });
    this.link = link;
    this.registered = false;
    this.registeredAt = null;
    const let_in = await this.hooks.attach(link);
    if (!let_in) {
      this.hooks.trace(`${this.id}: connection refused`);
      link.close(1008, 'refused');
      if (this.link === link) this.link = null;
      return false;
    }
    this.everConnected = true;
    this.startMeter();
    if (boot || !this.everAccepted) {
      this.bootTimer = setTimeout(() => { this.bootTimer = null; void this.boot(link); }, this.spec.behaviour.bootDelayMs);
    } else {
      // Reconnecting without a boot: it was accepted before, so it takes requests at once; it
      // speaks first (statuses), then sends what it queued.
      this.registered = true;
      void this.announce(link, true);
    }
    return true;
  }

  /** The network drops (Fuseguard sees code 1006); the station goes on with what it holds. */
  disconnect(): void {
    if (!this.link) return;
    const link = this.link;
    this.lostLink();
    link.close(1006, '');
  }

  /**
   * Reboots: the connection drops, running transactions end (StopTransaction queued, reason
   * Reboot), profiles are lost unless `keepProfiles`; it comes back after `downMs` and boots. Cars
   * still plugged in start a new transaction at once, before the station is connected again.
   */
  reboot(keepProfiles: boolean, downMs: number): void {
    if (this.down) return;
    this.disconnect();
    this.down = true;
    for (const state of this.connectors) {
      if (state.tx) this.stopTx(state, 'Reboot');
    }
    if (!keepProfiles) this.profiles.clearAll();
    this.restartTimer = setTimeout(() => {
      this.restartTimer = null;
      this.down = false;
      for (const state of this.connectors) {
        if (state.car && !state.tx) this.startTx(state);
      }
      void this.connect(true);
    }, downMs);
  }

  /** The end of the scenario: offline for good, no timer left behind. */
  dispose(): void {
    this.disposed = true;
    if (this.restartTimer) clearTimeout(this.restartTimer);
    this.restartTimer = null;
    this.disconnect();
  }

  setDropping(on: boolean): void {
    this.dropping = on;
  }

  // ---- Cars ----

  plugIn(connectorId: number, car: Car): boolean {
    const state = this.connectors[connectorId - 1];
    if (!state || state.car || this.down) return false;
    state.car = car;
    if (this.registered) void this.sendStatus(connectorId, 'Preparing');
    this.startTx(state);
    return true;
  }

  unplug(connectorId: number): boolean {
    const state = this.connectors[connectorId - 1];
    if (!state?.car) return false;
    if (state.tx) this.stopTx(state, 'EVDisconnected');
    state.car = null;
    if (this.registered && !this.down) void this.sendStatus(connectorId, 'Available');
    return true;
  }

  private startTx(state: ConnectorState): void {
    const at = Date.now();
    this.accrue(state, at);
    const tx: NonNullable<ConnectorState['tx']> = { localId: localTxIds++, startedAt: at, meterStartWh: Math.round(state.energyWh) };
    state.tx = tx;
    const connectorId = state.hw.id;
    this.queue({
      action: 'StartTransaction',
      params: () => ({ connectorId, idTag: IDTAG, meterStart: tx.meterStartWh, timestamp: new Date(tx.startedAt).toISOString() }),
      answered: (response) => {
        const id = response.transactionId;
        if (typeof id === 'number') tx.transactionId = id;
        tx.reportedAt = Date.now();
        const status = (response.idTagInfo as { status?: string } | undefined)?.status;
        // lms-allow-all: every badge is accepted. A refusal would end the charge at a real station.
        if (status !== 'Accepted') this.hooks.fault(`${this.id}/${connectorId}: StartTransaction answered ${String(status)}`);
      },
    });
    if (this.registered) void this.sendStatus(connectorId, 'Charging');
  }

  private stopTx(state: ConnectorState, reason: string): void {
    const tx = state.tx;
    if (!tx) return;
    const at = Date.now();
    this.accrue(state, at);
    const meterStop = Math.round(state.energyWh);
    state.tx = null;
    this.profiles.endTransaction(state.hw.id);
    this.queue({
      action: 'StopTransaction',
      params: () => ({ transactionId: tx.transactionId ?? 0, meterStop, timestamp: new Date(at).toISOString(), reason, idTag: IDTAG }),
    });
  }

  private accrue(state: ConnectorState, at: number): void {
    const load = this.load(state.hw.id, at);
    if (load && state.car) {
      const drawA = Math.min(load.limitA, state.car.maxCurrentA);
      state.energyWh += (drawA * 230 * load.phases.length * (at - state.lastEnergyAt)) / 3_600_000;
    }
    state.lastEnergyAt = at;
  }

  // ---- Talking to Fuseguard ----

  private lostLink(): void {
    this.link = null;
    this.registered = false;
    this.registeredAt = null;
    if (this.bootTimer) clearTimeout(this.bootTimer);
    this.bootTimer = null;
    if (this.meterTimer) clearInterval(this.meterTimer);
    this.meterTimer = null;
  }

  private async boot(link: InProcessLink): Promise<void> {
    if (this.link !== link) return;
    let response: Record<string, unknown>;
    try {
      response = await link.stationCall('BootNotification', { chargePointVendor: 'Fuzz', chargePointModel: 'Model', chargePointSerialNumber: this.id, firmwareVersion: '1.0' }) as Record<string, unknown>;
    } catch (error) {
      if (!(error instanceof LinkClosedError)) this.hooks.fault(`${this.id}: BootNotification failed: ${String(error)}`);
      return;
    }
    if (this.link !== link) return;
    this.hooks.trace(`${this.id}: boot ${String(response.status)}`);
    if (response.status === 'Accepted') {
      this.registered = true;
      this.registeredAt = Date.now();
      this.everAccepted = true;
      await this.announce(link, false);
    } else {
      // Pending (or Rejected): it boots again after the interval it was given.
      const intervalS = typeof response.interval === 'number' && response.interval > 0 ? response.interval : 30;
      this.bootTimer = setTimeout(() => { this.bootTimer = null; void this.boot(link); }, intervalS * 1000);
    }
  }

  /** Statuses of every connector, then the queued transaction messages. */
  private async announce(link: InProcessLink, reconnecting: boolean): Promise<void> {
    for (const state of this.connectors) {
      if (this.link !== link) return;
      const status = state.tx ? 'Charging' : state.car ? 'Preparing' : 'Available';
      try {
        await link.stationCall('StatusNotification', { connectorId: state.hw.id, errorCode: 'NoError', status, timestamp: new Date().toISOString() });
        // Fuseguard takes it as registered from its first request (D8).
        if (reconnecting && this.link === link && this.registeredAt === null) this.registeredAt = Date.now();
      } catch (error) {
        if (error instanceof LinkClosedError) return;
        this.hooks.fault(`${this.id}: StatusNotification failed: ${String(error)}`);
      }
    }
    void this.pump();
  }

  private async sendStatus(connectorId: number, status: string): Promise<void> {
    const link = this.link;
    if (!link || !this.registered) return;
    try {
      await link.stationCall('StatusNotification', { connectorId, errorCode: 'NoError', status, timestamp: new Date().toISOString() });
    } catch (error) {
      if (!(error instanceof LinkClosedError)) this.hooks.fault(`${this.id}: StatusNotification failed: ${String(error)}`);
    }
  }

  private queue(item: Queued): void {
    this.outbox.push(item);
    void this.pump();
  }

  /** Sends the queued transaction messages in order, once registered; keeps them while offline. */
  private async pump(): Promise<void> {
    if (this.pumping) return;
    this.pumping = true;
    try {
      while (this.outbox.length > 0 && this.link && this.registered) {
        const link = this.link;
        const item = this.outbox[0];
        try {
          const response = await link.stationCall(item.action, item.params()) as Record<string, unknown>;
          this.outbox.shift();
          item.answered?.(response);
        } catch (error) {
          if (error instanceof LinkClosedError) return;
          const code = (error as { rpcErrorCode?: unknown }).rpcErrorCode;
          if (code === undefined) return; // our own timeout: sent again at the next connection
          this.hooks.fault(`${this.id}: ${item.action} answered with ${String(code)}: ${(error as Error).message}`);
          this.outbox.shift();
        }
      }
    } finally {
      this.pumping = false;
    }
  }

  private startMeter(): void {
    if (this.meterTimer) clearInterval(this.meterTimer);
    const everyS = Math.max(1, Number(this.config.get('MeterValueSampleInterval')) || 10);
    this.meterTimer = setInterval(() => void this.sendMeterValues(), everyS * 1000);
  }

  private async sendMeterValues(): Promise<void> {
    const link = this.link;
    if (!link || !this.registered) return;
    const at = Date.now();
    for (const state of this.connectors) {
      this.accrue(state, at);
      const tx = state.tx;
      if (!tx || !state.car || tx.transactionId === undefined) continue;
      const load = this.load(state.hw.id, at);
      const drawA = load ? Math.min(load.limitA, state.car.maxCurrentA) : 0;
      const used = load?.phases.length ?? 0;
      const sampledValue = [
        { value: String(Math.round(state.energyWh)), measurand: 'Energy.Active.Import.Register', unit: 'Wh', context: 'Sample.Periodic' },
        ...(['L1', 'L2', 'L3'] as const).slice(0, wiredPhases(state.hw.wiring).length).map((phase, i) => ({
          value: (i < used ? drawA : 0).toFixed(1), measurand: 'Current.Import', phase, unit: 'A', context: 'Sample.Periodic',
        })),
      ];
      try {
        await link.stationCall('MeterValues', { connectorId: state.hw.id, transactionId: tx.transactionId, meterValue: [{ timestamp: new Date(at).toISOString(), sampledValue }] });
      } catch (error) {
        if (error instanceof LinkClosedError) return;
        this.hooks.fault(`${this.id}: MeterValues failed: ${String(error)}`);
      }
    }
  }

  /** Fuseguard's requests, as a station answers them. */
  private onRequest(link: InProcessLink, method: string, params: Record<string, unknown>): unknown {
    if (this.link !== link) return DROP;
    if (!this.registered) {
      if (this.spec.behaviour.beforeBoot === 'strict') throw callError('SecurityError', 'not registered: BootNotification not accepted yet');
      if (this.spec.behaviour.beforeBoot === 'silent') return DROP;
    }
    if (this.dropping && this.random() < 0.35) {
      this.hooks.trace(`${this.id}: dropped ${method}`);
      this.droppedAt.push(Date.now());
      return DROP;
    }
    const at = Date.now();
    switch (method) {
      case 'GetConfiguration': {
        const all: Record<string, string> = {
          ChargeProfileMaxStackLevel: '8',
          ChargingScheduleAllowedChargingRateUnit: 'Current',
          ChargingScheduleMaxPeriods: '24',
          MaxChargingProfilesInstalled: '32',
          NumberOfConnectors: String(this.connectors.length),
          ConnectorPhaseRotation: this.connectors.map((c) => `${c.hw.id}.RST`).join(','),
          ...Object.fromEntries(this.config),
        };
        const keys = Array.isArray(params.key) ? params.key as string[] : Object.keys(all);
        return {
          configurationKey: keys.filter((k) => k in all).map((key) => ({ key, readonly: !this.config.has(key), value: all[key] })),
          unknownKey: keys.filter((k) => !(k in all)),
        };
      }
      case 'ChangeConfiguration': {
        this.config.set(String(params.key), String(params.value));
        if (params.key === 'MeterValueSampleInterval' && this.online) this.startMeter();
        return { status: 'Accepted' };
      }
      case 'SetChargingProfile': {
        const connectorId = Number(params.connectorId);
        const profile = params.csChargingProfiles as ChargingProfile;
        const tx = connectorId > 0 ? this.connectors[connectorId - 1]?.tx ?? undefined : undefined;
        const result = this.profiles.install(connectorId, profile, at, tx);
        this.hooks.trace(`${this.id}: SetChargingProfile c${connectorId} #${profile.chargingProfileId} L${profile.stackLevel} ${profile.chargingSchedule.chargingSchedulePeriod[0]?.limit} ${profile.chargingSchedule.chargingRateUnit}${profile.validTo ? ` to +${Math.round((Date.parse(profile.validTo) - at) / 1000)}s` : ''}: ${result.status}${result.reason ? ` (${result.reason})` : ''}`);
        if (result.status === 'Accepted') {
          const installed = this.profiles.list().find((p) => p.profile.chargingProfileId === profile.chargingProfileId);
          if (installed) for (const t of profileBreakpoints(installed, at, at + 86_400_000, tx?.startedAt)) this.hooks.wakeAt(t);
        }
        return { status: result.status };
      }
      case 'ClearChargingProfile':
        return { status: this.profiles.clear(params as ClearChargingProfileReq) };
      case 'GetCompositeSchedule': {
        const connectorId = Number(params.connectorId);
        if (connectorId < 0 || connectorId > this.connectors.length) return { status: 'Rejected' };
        const unit = params.chargingRateUnit === 'W' ? 'W' : 'A';
        const schedule = this.profiles.compositeSchedule(
          connectorId, at, Number(params.duration), unit,
          this.connectors.map((c) => ({ maxCurrentA: c.hw.maxCurrentA, phases: wiredPhases(c.hw.wiring).length })),
          (c) => this.connectors[c - 1]?.tx ?? undefined,
        );
        return { status: 'Accepted', ...schedule };
      }
      case 'TriggerMessage': {
        const what = params.requestedMessage;
        const connectorId = typeof params.connectorId === 'number' ? params.connectorId : undefined;
        setTimeout(() => {
          if (this.link !== link) return;
          if (what === 'BootNotification') void this.boot(link);
          else if (what === 'Heartbeat') void link.stationCall('Heartbeat', {}).catch(() => undefined);
          else if (what === 'StatusNotification') {
            for (const state of this.connectors) {
              if (connectorId === undefined || connectorId === state.hw.id) void this.sendStatus(state.hw.id, state.tx ? 'Charging' : state.car ? 'Preparing' : 'Available');
            }
          } else if (what === 'MeterValues') void this.sendMeterValues();
        }, 0);
        return { status: ['BootNotification', 'Heartbeat', 'StatusNotification', 'MeterValues'].includes(String(what)) ? 'Accepted' : 'NotImplemented' };
      }
      case 'SendLocalList':
        this.config.set('LocalListVersion', String(params.listVersion));
        return { status: 'Accepted' };
      case 'GetLocalListVersion':
        return { listVersion: Number(this.config.get('LocalListVersion') ?? 0) };
      case 'ChangeAvailability':
        return { status: 'Accepted' };
      case 'ClearCache':
        return { status: 'Accepted' };
      case 'UnlockConnector':
        return { status: 'NotSupported' };
      case 'RemoteStartTransaction':
      case 'RemoteStopTransaction':
      case 'Reset':
        return { status: 'Rejected' };
      case 'DataTransfer':
        return { status: 'UnknownVendorId' };
      default:
        throw callError('NotSupported', `${method} is not supported by this station`);
    }
  }
}
