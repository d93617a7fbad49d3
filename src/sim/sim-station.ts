// A simulated OCPP 1.6J charging station: a real WebSocket client (ocpp-rpc, strict mode) with
// connectors, vehicles, a meter, charging profiles and an offline queue. Used by the integration
// tests, `fuseguard demo` and the connection benchmark.

import { EventEmitter } from 'node:events';
import { ChargingProfileSet, type ConnectorTransaction } from './charging-profiles.js';
import { LocalAuth } from './local-auth.js';
import { Outbox } from './outbox.js';
import { RpcLink } from './rpc-link.js';
import { StationConfig } from './station-config.js';
import { registerStationCommands, type StationCommandHost } from './station-commands.js';
import { buildMeterValue, phaseCount, phaseRotation, type PhaseWiring } from './station-meter.js';
import { shareStationCap } from './charging-profiles.js';
import { Vehicle, type VehicleOptions } from './vehicle.js';
import type {
  AuthorizationStatus,
  ChargePointErrorCode,
  ChargePointStatus,
  ChargingProfile,
  IdTagInfo,
  MeterValue,
  ReadingContext,
  RegistrationStatus,
  StartTransactionConf,
  StartTransactionReq,
  StationAction,
  StopReason,
  StopTransactionConf,
} from './ocpp-types.js';

export type { PhaseWiring } from './station-meter.js';

export interface SimConnectorOptions {
  phases?: PhaseWiring;
  maxCurrentA?: number;
}

export interface SimStationOptions {
  id: string;
  /** Base URL such as ws://127.0.0.1:8080/ocpp; the station appends /{id}. */
  url: string;
  /** HTTP Basic password (security profile 1); also the AuthorizationKey. */
  password?: string;
  /** Default: one 32 A three-phase connector. */
  connectors?: SimConnectorOptions[];
  /** MeterValueSampleInterval [10 s]; 0 = no periodic samples. */
  meterValueIntervalS?: number;
  vendor?: string;
  model?: string;
  serialNumber?: string;
  firmwareVersion?: string;
  /** Reconnect by itself when the link drops [true]. */
  autoReconnect?: boolean;
  /** Injectable clock (epoch ms) [Date.now]. */
  now?: () => number;
  /** Initial configuration values, e.g. { AllowOfflineTxForUnknownId: 'false' }. */
  config?: Record<string, string>;
  /** Vehicle used by plugIn() without one. */
  defaultVehicle?: VehicleOptions;
  /** Real-time period of the internal tick; 0 = none (drive the station with tick()) [1000]. */
  tickIntervalMs?: number;
  /** Timeout of each call to the central system [30 000]. */
  callTimeoutMs?: number;
  /** First reconnect delay; doubles up to maxReconnectDelayMs [1000, 10 000]. */
  reconnectDelayMs?: number;
  maxReconnectDelayMs?: number;
  /** Real-time pause of a Reset before reconnecting [500]. */
  rebootDelayMs?: number;
  /** Some stations forget their charging profiles when they reboot [false]. */
  loseProfilesOnReboot?: boolean;
}

export interface BootEvent {
  status: RegistrationStatus;
  interval: number;
  currentTime: string;
}
export interface LimitEvent {
  connectorId: number;
  limitA: number;
  previousA: number | undefined;
  at: number;
}
export interface StatusEvent {
  connectorId: number;
  status: ChargePointStatus;
  errorCode: ChargePointErrorCode;
}
export interface TransactionEvent {
  type: 'started' | 'id-assigned' | 'stopped';
  connectorId: number;
  idTag: string;
  /** Absent until the central system answered StartTransaction. */
  transactionId?: number;
  reason?: StopReason;
  at: number;
}

export interface SimStationEvents {
  connected: [];
  disconnected: [{ code?: number; reason?: string }];
  boot: [BootEvent];
  call: [{ method: string; params: unknown }];
  limit: [LimitEvent];
  status: [StatusEvent];
  transaction: [TransactionEvent];
  warning: [{ message: string }];
}

export interface BadgeResult {
  authorizeStatus: AuthorizationStatus;
  /** Set when a transaction started and the central system has answered it. */
  transactionId?: number;
  /** A transaction started (possibly offline, its StartTransaction queued). */
  started: boolean;
  /** Decided without the central system (offline or local pre-authorization). */
  local: boolean;
}

export interface ConnectorSnapshot {
  connectorId: number;
  status: ChargePointStatus;
  errorCode: ChargePointErrorCode;
  operative: boolean;
  plugged: boolean;
  idTag?: string;
  transactionId?: number;
  /** The meter's energy register. */
  energyWh: number;
  /** Current per drawing phase, and phases drawing. */
  currentA: number;
  phases: number;
  powerW: number;
  /** What the charging profiles allow now. */
  limitA: number;
  soc?: number;
}

interface Session {
  key: number;
  idTag: string;
  startedAt: number;
  beginValue: MeterValue;
  nextSampleAt: number;
}

interface Connector {
  id: number;
  phases: 1 | 3;
  maxCurrentA: number;
  status: ChargePointStatus;
  errorCode: ChargePointErrorCode;
  operative: boolean;
  /** ChangeAvailability Inoperative waiting for the transaction to end. */
  inoperativeScheduled: boolean;
  plugged: boolean;
  /** Transaction ended with the cable still in. */
  finishing: boolean;
  vehicle?: Vehicle;
  session?: Session;
  /** Badge or remote start waiting for the cable (ConnectionTimeOut). */
  authorized?: { idTag: string; expiresAt: number; profile?: ChargingProfile };
  energyWh: number;
  offeredA: number;
  drawA: number;
  drawPhases: number;
  powerW: number;
  lastLimitA?: number;
}

/** Longest physics step: limits are re-read at least this often. */
const MAX_STEP_MS = 1_000;

export class SimStation extends EventEmitter<SimStationEvents> {
  readonly id: string;
  readonly config: StationConfig;
  readonly profiles: ChargingProfileSet;
  private readonly options: SimStationOptions;
  private readonly link: RpcLink;
  private readonly outbox: Outbox;
  private readonly auth: LocalAuth;
  private readonly connectors: Connector[];
  private station0Status: ChargePointStatus = 'Available';
  private skewMs = 0;
  private lastStepAt: number;
  private sessionSeq = 0;
  private accepted = false;
  private currentBootStatus: RegistrationStatus | undefined;
  private nextBootAt = Infinity;
  private nextHeartbeatAt = Infinity;
  private stopped = true;
  private offlineForced = false;
  private rebooting = false;
  private reconnectAttempt = 0;
  private reconnectTimer: NodeJS.Timeout | undefined;
  private ticker: NodeJS.Timeout | undefined;
  /** Station-time jobs (firmware and diagnostics steps). */
  private jobs: Array<{ at: number; run: () => void }> = [];

  constructor(options: SimStationOptions) {
    super();
    this.options = options;
    this.id = options.id;
    const wirings = (options.connectors ?? [{}]).map((c) => c.phases ?? 'L1L2L3');
    this.connectors = (options.connectors ?? [{}]).map((c, i) => ({
      id: i + 1,
      phases: phaseCount(wirings[i]),
      maxCurrentA: c.maxCurrentA ?? 32,
      status: 'Available',
      errorCode: 'NoError',
      operative: true,
      inoperativeScheduled: false,
      plugged: false,
      finishing: false,
      energyWh: 0,
      offeredA: 0,
      drawA: 0,
      drawPhases: 0,
      powerW: 0,
    }));
    this.config = new StationConfig({
      connectorCount: this.connectors.length,
      meterValueIntervalS: options.meterValueIntervalS ?? 10,
      phaseRotation: phaseRotation(wirings),
      authorizationKey: options.password,
      overrides: options.config,
    });
    this.profiles = new ChargingProfileSet(this.connectors.length, this.profileRules());
    this.auth = new LocalAuth(this.config.int('LocalAuthListMaxLength', 100));
    this.lastStepAt = this.now();
    this.link = new RpcLink({
      id: options.id,
      url: options.url,
      password: options.password,
      callTimeoutMs: options.callTimeoutMs ?? 30_000,
      pingIntervalMs: this.config.int('WebSocketPingInterval') * 1000,
    });
    this.link.on('open', () => this.emit('connected'));
    this.link.on('close', (ev) => this.onLinkClosed(ev));
    this.link.on('call', (ev) => this.emit('call', ev));
    this.outbox = new Outbox({
      send: (action, req) => this.link.call(action, req),
      canSend: () => this.accepted && this.link.isOpen,
      now: () => this.now(),
      retryPolicy: () => ({
        attempts: this.config.int('TransactionMessageAttempts', 3),
        intervalS: this.config.int('TransactionMessageRetryInterval', 10),
      }),
      onStartAnswered: (key, conf, req) => this.onStartAnswered(key, conf, req),
      onDropped: (action, reason) => this.warn(`${action} dropped: ${reason}`),
    });
    this.config.onChange = (key, value) => this.onConfigChanged(key, value);
    registerStationCommands(this.link, this.commandHost());
  }

  // ---- time ----

  /** The station's clock: the injected clock plus whatever tick(dtMs) added. */
  now(): number {
    return (this.options.now ?? Date.now)() + this.skewMs;
  }

  /**
   * Runs the station up to now: vehicles charge, meter values are sampled, heartbeats and
   * retries fall due. `dtMs` first moves the station's clock forward (simulated time).
   */
  tick(dtMs = 0): void {
    if (dtMs > 0) this.skewMs += dtMs;
    const at = this.now();
    this.advanceTo(at);
    this.checkLimits(at);
    for (const c of this.connectors) {
      if (c.authorized && !c.session && at >= c.authorized.expiresAt) {
        c.authorized = undefined; // ConnectionTimeOut: the cable never came
        this.updateStatus(c);
      }
    }
    if (this.jobs.length > 0) {
      const due = this.jobs.filter((j) => j.at <= at);
      this.jobs = this.jobs.filter((j) => j.at > at);
      for (const job of due) job.run();
    }
    if (this.link.isOpen && !this.accepted && at >= this.nextBootAt) {
      this.nextBootAt = Infinity;
      this.boot().catch((err) => this.warn(`BootNotification failed: ${String(err)}`));
    }
    if (this.accepted && at >= this.nextHeartbeatAt) {
      this.nextHeartbeatAt = at + this.config.int('HeartbeatInterval', 300) * 1000;
      if (!this.outbox.pending().includes('Heartbeat')) void this.outbox.push('Heartbeat', {});
    }
    this.outbox.kick();
  }

  // ---- lifecycle ----

  /**
   * Connects and sends BootNotification. Resolves with the first boot status; while Pending or
   * Rejected the station boots again after the interval it was given. A refused WebSocket
   * upgrade rejects with a HandshakeError whose `statusCode` is the HTTP status.
   */
  async start(): Promise<RegistrationStatus> {
    this.stopped = false;
    this.offlineForced = false;
    this.startTicker();
    try {
      await this.link.connect();
      return await this.boot();
    } catch (err) {
      this.stopTicker();
      this.stopped = true;
      if (this.link.isOpen) await this.link.close();
      throw err;
    }
  }

  /** Closes the link and stops every timer. The station keeps its state and queue. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.stopTicker();
    this.clearReconnect();
    await this.link.close();
    this.accepted = false;
  }

  /** Simulates a network outage: the link drops and stays down until goOnline(). */
  async goOffline(): Promise<void> {
    this.offlineForced = true;
    this.clearReconnect();
    await this.link.close(true);
  }

  /** Ends a simulated outage: reconnects and boots; the queue then drains. */
  async goOnline(): Promise<RegistrationStatus> {
    this.offlineForced = false;
    this.clearReconnect();
    try {
      if (!this.link.isOpen) await this.link.connect();
      return await this.boot();
    } catch (err) {
      this.scheduleReconnect();
      throw err;
    }
  }

  /** Resolves when every queued message has been delivered. */
  whenIdle(): Promise<void> {
    return this.outbox.whenIdle();
  }

  /** Connected and booted (Accepted). */
  get isOnline(): boolean {
    return this.accepted && this.link.isOpen;
  }

  get bootStatus(): RegistrationStatus | undefined {
    return this.currentBootStatus;
  }

  /** Actions waiting in the outbox, in order. */
  get pendingMessages(): StationAction[] {
    return this.outbox.pending();
  }

  // ---- what a person does at the station ----

  async statusNotification(
    connectorId: number,
    status: ChargePointStatus,
    errorCode: ChargePointErrorCode = 'NoError',
  ): Promise<void> {
    if (connectorId === 0) this.station0Status = status;
    else {
      const c = this.connector(connectorId);
      c.status = status;
      c.errorCode = errorCode;
    }
    this.emit('status', { connectorId, status, errorCode });
    await this.sendStatus(connectorId, status, errorCode);
  }

  /** Plugs a car in; starts a transaction if a badge or remote start was waiting for it. */
  async plugIn(connectorId: number, vehicle?: Vehicle | VehicleOptions): Promise<void> {
    const c = this.connector(connectorId);
    this.advanceTo(this.now());
    c.plugged = true;
    c.finishing = false;
    c.vehicle = vehicle instanceof Vehicle ? vehicle : new Vehicle({ ...this.options.defaultVehicle, ...vehicle });
    if (c.authorized && !c.session && c.operative) {
      const { idTag, profile } = c.authorized;
      await this.afterStart(this.beginSession(c, idTag, profile));
      return;
    }
    this.updateStatus(c);
  }

  /**
   * A badge at the reader: Authorize (or local authorization when offline), then StartTransaction
   * when a car is plugged in. The same badge on a running transaction stops it.
   */
  async presentBadge(connectorId: number, idTag: string): Promise<BadgeResult> {
    const c = this.connector(connectorId);
    if (c.session?.idTag === idTag) {
      await this.stopTransaction(connectorId, 'Local');
      return { authorizeStatus: 'Accepted', started: false, local: true };
    }
    const { info, local } = await this.authorize(idTag);
    if (info.status !== 'Accepted' || !c.operative || c.session) {
      return { authorizeStatus: info.status, started: false, local };
    }
    if (!c.plugged) {
      c.authorized = { idTag, expiresAt: this.now() + this.config.int('ConnectionTimeOut', 60) * 1000 };
      this.updateStatus(c);
      return { authorizeStatus: info.status, started: false, local };
    }
    const conf = await this.afterStart(this.beginSession(c, idTag));
    return { authorizeStatus: info.status, started: true, local, transactionId: conf?.transactionId };
  }

  /** Unplugs the car: a running transaction stops (EVDisconnected), Finishing, then Available. */
  async unplug(connectorId: number): Promise<void> {
    const c = this.connector(connectorId);
    let stop: Promise<unknown> | undefined;
    if (c.session) {
      stop = this.endSession(c, 'EVDisconnected');
    }
    c.plugged = false;
    c.vehicle = undefined;
    c.finishing = false;
    this.updateStatus(c);
    if (stop) await this.afterStart(stop);
  }

  /** Stops the transaction on a connector; the cable stays in (Finishing). */
  async stopTransaction(connectorId: number, reason: StopReason = 'Local'): Promise<StopTransactionConf | undefined> {
    const c = this.connector(connectorId);
    if (!c.session) return undefined;
    return this.afterStart(this.endSession(c, reason));
  }

  // ---- what tests read ----

  /** The limit the charging profiles give a connector now (A per phase); 0 = the whole station. */
  getLimitA(connectorId: number): number {
    const at = this.now();
    if (connectorId === 0) {
      const composite = this.profiles.compositeSchedule(0, at, 1, 'A', this.connectors, (id) => this.txContext(this.connector(id)));
      return composite.chargingSchedule.chargingSchedulePeriod[0].limit;
    }
    const c = this.connector(connectorId);
    return this.profiles.limitAt(connectorId, at, c, this.txContext(c)).limitA;
  }

  /** The central system's transactionId of the connector's running transaction, once known. */
  transactionId(connectorId: number): number | undefined {
    const session = this.connector(connectorId).session;
    return session ? this.outbox.transactionIdOf(session.key) : undefined;
  }

  connectorState(connectorId: number): ConnectorSnapshot {
    const c = this.connector(connectorId);
    return {
      connectorId,
      status: c.status,
      errorCode: c.errorCode,
      operative: c.operative,
      plugged: c.plugged,
      idTag: c.session?.idTag,
      transactionId: this.transactionId(connectorId),
      energyWh: c.energyWh,
      currentA: c.drawA,
      phases: c.drawPhases,
      powerW: c.powerW,
      limitA: this.getLimitA(connectorId),
      soc: c.vehicle?.soc,
    };
  }

  get connectorCount(): number {
    return this.connectors.length;
  }

  // ---- link, boot, reconnect ----

  private async boot(): Promise<RegistrationStatus> {
    this.accepted = false;
    const o = this.options;
    const conf = await this.link.call('BootNotification', {
      chargePointVendor: (o.vendor ?? 'Fuseguard').slice(0, 20),
      chargePointModel: (o.model ?? 'SimStation').slice(0, 20),
      chargePointSerialNumber: (o.serialNumber ?? o.id).slice(0, 25),
      firmwareVersion: o.firmwareVersion ?? 'sim-1.0',
    });
    this.currentBootStatus = conf.status;
    const at = this.now();
    if (conf.status === 'Accepted') {
      this.accepted = true;
      this.reconnectAttempt = 0;
      if (conf.interval > 0) this.config.set('HeartbeatInterval', String(conf.interval));
      this.nextHeartbeatAt = at + this.config.int('HeartbeatInterval', 300) * 1000;
      this.sendAllStatuses();
      this.outbox.kick();
    } else {
      // §4.2: boot again after `interval`; meanwhile answer the central system but send nothing.
      this.nextBootAt = at + (conf.interval > 0 ? conf.interval : 60) * 1000;
    }
    this.emit('boot', { status: conf.status, interval: conf.interval, currentTime: conf.currentTime });
    return conf.status;
  }

  private onLinkClosed(ev: { code?: number; reason?: string }): void {
    this.accepted = false;
    this.outbox.dropVolatile();
    this.emit('disconnected', ev);
    if (!this.stopped && !this.offlineForced && !this.rebooting && this.options.autoReconnect !== false) {
      this.scheduleReconnect();
    }
  }

  private scheduleReconnect(): void {
    if (this.reconnectTimer || this.stopped || this.offlineForced) return;
    const first = this.options.reconnectDelayMs ?? 1_000;
    const max = this.options.maxReconnectDelayMs ?? 10_000;
    const delayMs = Math.min(max, first * 2 ** this.reconnectAttempt) * (0.75 + Math.random() * 0.5);
    this.reconnectAttempt++;
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = undefined;
      void this.reconnect();
    }, delayMs);
    this.reconnectTimer.unref();
  }

  private async reconnect(): Promise<void> {
    if (this.stopped || this.offlineForced) return;
    try {
      if (!this.link.isOpen) await this.link.connect();
      await this.boot();
    } catch (err) {
      this.warn(`reconnect failed: ${String(err)}`);
      if (this.link.isOpen) this.nextBootAt = this.now() + (this.options.reconnectDelayMs ?? 1_000);
      else this.scheduleReconnect();
    }
  }

  private clearReconnect(): void {
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    this.reconnectTimer = undefined;
  }

  private startTicker(): void {
    const periodMs = this.options.tickIntervalMs ?? 1_000;
    if (this.ticker || periodMs <= 0) return;
    this.ticker = setInterval(() => this.tick(), periodMs);
    this.ticker.unref();
  }

  private stopTicker(): void {
    if (this.ticker) clearInterval(this.ticker);
    this.ticker = undefined;
  }

  /** Reset (§5.14): stop transactions, drop the link, reboot and boot again. */
  private async reboot(type: 'Hard' | 'Soft'): Promise<void> {
    this.rebooting = true;
    try {
      const reason: StopReason = type === 'Hard' ? 'HardReset' : 'SoftReset';
      for (const c of this.connectors) if (c.session) void this.endSession(c, reason);
      if (type === 'Soft') {
        // A soft reset lets the StopTransactions go out first, briefly.
        await Promise.race([this.outbox.whenIdle(), new Promise((r) => setTimeout(r, 2_000).unref())]);
      }
      await this.link.close(type === 'Hard');
      this.accepted = false;
      this.currentBootStatus = undefined;
      this.nextHeartbeatAt = Infinity;
      if (this.options.loseProfilesOnReboot) this.profiles.clearAll();
      for (const c of this.connectors) c.authorized = undefined;
      await new Promise((r) => setTimeout(r, this.options.rebootDelayMs ?? 500).unref());
    } finally {
      this.rebooting = false;
    }
    if (this.stopped || this.offlineForced) return;
    await this.reconnect();
  }

  // ---- authorization and transactions ----

  private async authorize(idTag: string): Promise<{ info: IdTagInfo; local: boolean }> {
    const at = this.now();
    const useList = this.config.bool('LocalAuthListEnabled');
    const useCache = this.config.bool('AuthorizationCacheEnabled');
    const known = this.auth.lookup(idTag, at, useList, useCache);
    if (this.isOnline) {
      if (known?.status === 'Accepted' && this.config.bool('LocalPreAuthorize')) return { info: known, local: true };
      const conf = await this.outbox.push('Authorize', { idTag });
      if (conf) {
        if (useCache) this.auth.remember(idTag, conf.idTagInfo);
        return { info: conf.idTagInfo, local: false };
      }
    }
    // Offline (§3.5.5): known badges per LocalAuthorizeOffline, unknown ones per AllowOfflineTxForUnknownId.
    if (known) {
      const ok = known.status === 'Accepted' && this.config.bool('LocalAuthorizeOffline');
      return { info: ok ? known : { ...known, status: known.status === 'Accepted' ? 'Invalid' : known.status }, local: true };
    }
    return { info: { status: this.config.bool('AllowOfflineTxForUnknownId') ? 'Accepted' : 'Invalid' }, local: true };
  }

  private beginSession(c: Connector, idTag: string, profile?: ChargingProfile): Promise<StartTransactionConf | undefined> {
    const at = this.now();
    this.advanceTo(at);
    const key = ++this.sessionSeq;
    const meterStart = Math.floor(c.energyWh);
    const intervalS = this.config.int('MeterValueSampleInterval', 10);
    c.session = {
      key,
      idTag,
      startedAt: at,
      nextSampleAt: intervalS > 0 ? at + intervalS * 1000 : Infinity,
      beginValue: buildMeterValue(this.reading(c), ['Energy.Active.Import.Register'], at, 'Transaction.Begin'),
    };
    c.authorized = undefined;
    c.finishing = false;
    const sent = this.outbox.pushTransaction(
      'StartTransaction',
      { connectorId: c.id, idTag, meterStart, timestamp: new Date(at).toISOString() },
      key,
    );
    if (profile) {
      // RemoteStartTransaction's TxProfile belongs to the transaction it starts (§5.11).
      const result = this.profiles.install(c.id, profile, at, { startedAt: at });
      if (result.status !== 'Accepted') this.warn(`TxProfile of RemoteStartTransaction refused: ${result.reason}`);
    }
    c.offeredA = this.profiles.limitAt(c.id, at, c, this.txContext(c)).limitA;
    this.emit('transaction', { type: 'started', connectorId: c.id, idTag, at });
    this.updateStatus(c);
    this.checkLimits(at);
    return sent;
  }

  private endSession(c: Connector, reason: StopReason): Promise<StopTransactionConf | undefined> {
    const at = this.now();
    this.advanceTo(at);
    const session = c.session as Session;
    c.session = undefined;
    c.finishing = c.plugged;
    c.drawA = 0;
    c.drawPhases = 0;
    c.powerW = 0;
    const meterStop = Math.floor(c.energyWh);
    const endValue = buildMeterValue(this.reading(c), this.stopTxnMeasurands(), at, 'Transaction.End');
    const sent = this.outbox.pushTransaction(
      'StopTransaction',
      {
        meterStop,
        timestamp: new Date(at).toISOString(),
        reason,
        idTag: session.idTag,
        transactionData: [session.beginValue, endValue],
      },
      session.key,
    );
    this.profiles.endTransaction(c.id);
    this.emit('transaction', {
      type: 'stopped',
      connectorId: c.id,
      idTag: session.idTag,
      transactionId: this.outbox.transactionIdOf(session.key),
      reason,
      at,
    });
    if (c.inoperativeScheduled) {
      c.inoperativeScheduled = false;
      c.operative = false;
    }
    this.updateStatus(c);
    this.checkLimits(at);
    return sent;
  }

  private onStartAnswered(key: number, conf: StartTransactionConf, req: StartTransactionReq): void {
    if (this.config.bool('AuthorizationCacheEnabled')) this.auth.remember(req.idTag, conf.idTagInfo);
    const c = this.connectors.find((x) => x.session?.key === key);
    this.emit('transaction', {
      type: 'id-assigned',
      connectorId: req.connectorId,
      idTag: req.idTag,
      transactionId: conf.transactionId,
      at: this.now(),
    });
    // §5.18: a transaction whose badge turns out invalid is stopped (StopTransactionOnInvalidId).
    if (c && conf.idTagInfo.status !== 'Accepted' && this.config.bool('StopTransactionOnInvalidId')) {
      void this.endSession(c, 'DeAuthorized');
    }
  }

  /** Waits for a queued transaction message while online; offline it stays queued and this returns. */
  private async afterStart<T>(sent: Promise<T>): Promise<T | undefined> {
    if (!this.isOnline) return undefined;
    return sent;
  }

  private txContext(c: Connector): ConnectorTransaction | undefined {
    if (!c.session) return undefined;
    return { transactionId: this.outbox.transactionIdOf(c.session.key), startedAt: c.session.startedAt };
  }

  // ---- physics and metering ----

  /** Steps vehicles and meters up to `target`, sampling MeterValues on their interval. */
  private advanceTo(target: number): void {
    if (target <= this.lastStepAt) return;
    const active = this.connectors.filter((c) => c.session);
    if (active.length === 0) {
      this.lastStepAt = target;
      return;
    }
    let t = this.lastStepAt;
    while (t < target) {
      let end = Math.min(target, t + MAX_STEP_MS);
      for (const c of active) {
        const next = c.session?.nextSampleAt ?? Infinity;
        if (next > t && next < end) end = next;
      }
      this.stepConnectors(active, t, end);
      t = end;
      for (const c of active) {
        const session = c.session;
        if (session && session.nextSampleAt <= t) {
          this.sampleMeter(c, t, 'Sample.Periodic');
          const intervalS = this.config.int('MeterValueSampleInterval', 10);
          session.nextSampleAt = intervalS > 0 ? session.nextSampleAt + intervalS * 1000 : Infinity;
        }
      }
    }
    this.lastStepAt = target;
  }

  private stepConnectors(active: Connector[], from: number, to: number): void {
    const limits = active.map((c) => this.profiles.limitAt(c.id, from, c, this.txContext(c)));
    let offered = limits.map((l) => l.limitA);
    const cap = active.length > 1 ? this.profiles.chargePointMaxAt(from) : undefined;
    if (cap) {
      // ChargePointMaxProfile caps the station as a whole: share it among the cars.
      const wants = active.map((c, i) => Math.min(offered[i], c.vehicle?.acceptanceA() ?? 0));
      offered = shareStationCap(wants, cap.limitA);
    }
    active.forEach((c, i) => {
      c.offeredA = offered[i];
      if (!c.vehicle) return;
      const step = c.vehicle.step(offered[i], to - from, Math.min(c.phases, limits[i].numberPhases));
      c.energyWh += step.energyWh;
      c.drawA = step.currentA;
      c.drawPhases = step.phases;
      c.powerW = step.powerW;
      this.updateStatus(c);
    });
  }

  private sampleMeter(c: Connector, at: number, context: ReadingContext): void {
    const session = c.session;
    const meterValue = buildMeterValue(this.reading(c), this.config.list('MeterValuesSampledData'), at, context);
    if (meterValue.sampledValue.length === 0) return;
    if (session) {
      void this.outbox.pushTransaction('MeterValues', { connectorId: c.id, meterValue: [meterValue] }, session.key);
    } else {
      void this.outbox.push('MeterValues', { connectorId: c.id, meterValue: [meterValue] });
    }
  }

  private reading(c: Connector): Parameters<typeof buildMeterValue>[0] {
    return {
      energyWh: c.energyWh,
      currentA: c.drawA,
      drawPhases: c.drawPhases,
      connectorPhases: c.phases,
      powerW: c.powerW,
      offeredA: c.offeredA,
      soc: c.vehicle?.soc,
    };
  }

  private stopTxnMeasurands(): string[] {
    const list = this.config.list('StopTxnSampledData');
    return list.length > 0 ? list : ['Energy.Active.Import.Register'];
  }

  /** Emits 'limit' for connectors whose profile limit changed. */
  private checkLimits(at: number): void {
    for (const c of this.connectors) {
      const limitA = this.profiles.limitAt(c.id, at, c, this.txContext(c)).limitA;
      if (limitA !== c.lastLimitA) {
        const previousA = c.lastLimitA;
        c.lastLimitA = limitA;
        this.emit('limit', { connectorId: c.id, limitA, previousA, at });
      }
    }
  }

  // ---- status ----

  private desiredStatus(c: Connector): ChargePointStatus {
    if (c.session) {
      const vehicle = c.vehicle;
      if (!vehicle || c.offeredA < vehicle.options.minCurrentA) return 'SuspendedEVSE';
      if (vehicle.acceptanceA() <= 0) return 'SuspendedEV';
      return 'Charging';
    }
    if (!c.operative) return 'Unavailable';
    if (c.plugged) return c.finishing ? 'Finishing' : 'Preparing';
    if (c.authorized) return 'Preparing';
    return 'Available';
  }

  private updateStatus(c: Connector): void {
    const status = this.desiredStatus(c);
    if (status === c.status && c.errorCode === 'NoError') return;
    c.status = status;
    c.errorCode = 'NoError';
    this.emit('status', { connectorId: c.id, status, errorCode: 'NoError' });
    void this.sendStatus(c.id, status, 'NoError');
  }

  private async sendStatus(connectorId: number, status: ChargePointStatus, errorCode: ChargePointErrorCode): Promise<void> {
    await this.outbox.push('StatusNotification', {
      connectorId,
      status,
      errorCode,
      timestamp: new Date(this.now()).toISOString(),
    });
  }

  /** After every boot: the state of connector 0 and of every connector, ahead of the backlog. */
  private sendAllStatuses(): void {
    const at = new Date(this.now()).toISOString();
    void this.outbox.push('StatusNotification', { connectorId: 0, status: this.station0Status, errorCode: 'NoError', timestamp: at }, true);
    for (const c of this.connectors) {
      void this.outbox.push('StatusNotification', { connectorId: c.id, status: c.status, errorCode: c.errorCode, timestamp: at }, true);
    }
  }

  // ---- configuration ----

  private profileRules() {
    const units = this.config.list('ChargingScheduleAllowedChargingRateUnit');
    return {
      maxStackLevel: this.config.int('ChargeProfileMaxStackLevel', 8),
      maxPeriods: this.config.int('ChargingScheduleMaxPeriods', 24),
      maxInstalled: this.config.int('MaxChargingProfilesInstalled', 32),
      allowedUnits: [...(units.includes('Current') ? (['A'] as const) : []), ...(units.includes('Power') ? (['W'] as const) : [])],
    };
  }

  private onConfigChanged(key: string, value: string): void {
    const at = this.now();
    switch (key) {
      case 'HeartbeatInterval':
        if (this.accepted) this.nextHeartbeatAt = at + Number(value) * 1000;
        break;
      case 'MeterValueSampleInterval':
        for (const c of this.connectors) {
          if (c.session) c.session.nextSampleAt = Number(value) > 0 ? at + Number(value) * 1000 : Infinity;
        }
        break;
      case 'AuthorizationKey':
        // Security profile 1/2: the new key is the password of the next connection.
        this.link.setPassword(value);
        break;
      case 'WebSocketPingInterval':
        this.link.setPingInterval(Number(value) * 1000);
        break;
    }
  }

  // ---- helpers ----

  private connector(connectorId: number): Connector {
    const c = this.connectors[connectorId - 1];
    if (!c) throw new RangeError(`${this.id}: connector ${connectorId} does not exist`);
    return c;
  }

  private warn(message: string): void {
    this.emit('warning', { message: `${this.id}: ${message}` });
  }

  /** What the command handlers may touch (station-commands.ts). */
  private commandHost(): StationCommandHost {
    return {
      now: () => this.now(),
      config: this.config,
      profiles: this.profiles,
      auth: this.auth,
      connectorCount: this.connectors.length,
      hardware: () => this.connectors,
      txContext: (id, requireId) => {
        const ctx = this.txContext(this.connector(id));
        return requireId && ctx?.transactionId === undefined ? undefined : ctx;
      },
      limitsChanged: () => this.checkLimits(this.now()),
      remoteStart: (connectorId, idTag, profile) => this.remoteStart(connectorId, idTag, profile),
      remoteStop: (transactionId) => this.remoteStop(transactionId),
      reset: (type) => {
        setImmediate(() => void this.reboot(type).catch((err) => this.warn(`reset failed: ${String(err)}`)));
      },
      unlock: (connectorId) => this.unlock(connectorId),
      changeAvailability: (connectorId, operative) => this.changeAvailability(connectorId, operative),
      trigger: (message, connectorId) => this.trigger(message, connectorId),
      schedule: (at, run) => this.jobs.push({ at, run }),
      send: (action, req) => void this.outbox.push(action, req as never),
    };
  }

  private remoteStart(connectorId: number | undefined, idTag: string, profile?: ChargingProfile): 'Accepted' | 'Rejected' {
    const c =
      connectorId === undefined
        ? (this.connectors.find((x) => !x.session && x.operative && x.plugged) ?? this.connectors.find((x) => !x.session && x.operative))
        : this.connectors[connectorId - 1];
    if (!c || c.session || !c.operative) return 'Rejected';
    if (profile && profile.chargingProfilePurpose !== 'TxProfile') return 'Rejected';
    setImmediate(() => {
      void (async () => {
        if (this.config.bool('AuthorizeRemoteTxRequests')) {
          const { info } = await this.authorize(idTag);
          if (info.status !== 'Accepted') return;
        }
        if (c.session) return;
        if (c.plugged) void this.beginSession(c, idTag, profile);
        else {
          c.authorized = { idTag, profile, expiresAt: this.now() + this.config.int('ConnectionTimeOut', 60) * 1000 };
          this.updateStatus(c);
        }
      })().catch((err) => this.warn(`remote start failed: ${String(err)}`));
    });
    return 'Accepted';
  }

  private remoteStop(transactionId: number): 'Accepted' | 'Rejected' {
    const c = this.connectors.find((x) => x.session && this.outbox.transactionIdOf(x.session.key) === transactionId);
    if (!c) return 'Rejected';
    setImmediate(() => {
      if (c.session) void this.endSession(c, 'Remote');
    });
    return 'Accepted';
  }

  private unlock(connectorId: number): 'Unlocked' | 'UnlockFailed' | 'NotSupported' {
    const c = this.connectors[connectorId - 1];
    if (!c) return 'NotSupported';
    if (c.session) void this.endSession(c, 'UnlockCommand');
    return 'Unlocked';
  }

  private changeAvailability(connectorId: number, operative: boolean): 'Accepted' | 'Rejected' | 'Scheduled' {
    const targets = connectorId === 0 ? this.connectors : [this.connectors[connectorId - 1]];
    if (targets.some((c) => c === undefined)) return 'Rejected';
    let scheduled = false;
    for (const c of targets) {
      if (!operative && c.session) {
        c.inoperativeScheduled = true;
        scheduled = true;
        continue;
      }
      c.inoperativeScheduled = false;
      c.operative = operative;
    }
    if (connectorId === 0) this.station0Status = operative ? 'Available' : 'Unavailable';
    setImmediate(() => {
      if (connectorId === 0) void this.sendStatus(0, this.station0Status, 'NoError');
      for (const c of targets) this.updateStatus(c);
    });
    return scheduled ? 'Scheduled' : 'Accepted';
  }

  private trigger(message: string, connectorId: number | undefined): 'Accepted' | 'Rejected' {
    if (connectorId !== undefined && (connectorId < 0 || connectorId > this.connectors.length)) return 'Rejected';
    setImmediate(() => {
      switch (message) {
        case 'BootNotification':
          this.boot().catch((err) => this.warn(`BootNotification failed: ${String(err)}`));
          break;
        case 'Heartbeat':
          void this.outbox.push('Heartbeat', {});
          break;
        case 'StatusNotification':
          if (connectorId === undefined) this.sendAllStatuses();
          else if (connectorId === 0) void this.sendStatus(0, this.station0Status, 'NoError');
          else {
            const c = this.connector(connectorId);
            void this.sendStatus(c.id, c.status, c.errorCode);
          }
          break;
        case 'MeterValues': {
          this.advanceTo(this.now());
          const targets = connectorId ? [this.connector(connectorId)] : this.connectors;
          for (const c of targets) this.sampleMeter(c, this.now(), 'Trigger');
          break;
        }
        case 'DiagnosticsStatusNotification':
          void this.outbox.push('DiagnosticsStatusNotification', { status: 'Idle' });
          break;
        case 'FirmwareStatusNotification':
          void this.outbox.push('FirmwareStatusNotification', { status: 'Idle' });
          break;
      }
    });
    return 'Accepted';
  }
}
