// A simulated OCPP 1.6J charging station: a real WebSocket client (ocpp-rpc, strict mode) with
// connectors, vehicles, a meter, charging profiles and an offline queue. Used by the integration
// tests, `fuseguard demo` and the connection benchmark.

import { EventEmitter } from 'node:events';
import { ChargingProfileSet, type ConnectorTransaction, type ProfileRules } from './charging-profiles.js';
import { LocalAuth } from './local-auth.js';
import { Outbox } from './outbox.js';
import { RpcLink } from './rpc-link.js';
import { StationConfig } from './station-config.js';
import { registerStationCommands } from './station-commands.js';
import { runFirmwareUpdate, type FirmwareDownload } from './station-firmware.js';
import { StationConnection } from './station-connection.js';
import { buildMeterValue, phaseCount, phaseRotation } from './station-meter.js';
import { StationPhysics, createConnector, desiredStatus, readingOf, type Connector, type Session } from './station-physics.js';
import { Vehicle, type VehicleOptions } from './vehicle.js';
import type {
  BadgeResult,
  ConnectorSnapshot,
  SimStationEvents,
  SimStationOptions,
} from './sim-station-types.js';
import type {
  ChargePointErrorCode,
  ChargePointStatus,
  ChargingProfile,
  IdTagInfo,
  ReadingContext,
  RegistrationStatus,
  StartTransactionConf,
  StartTransactionReq,
  StationAction,
  StopReason,
  StopTransactionConf,
} from './ocpp-types.js';

export type * from './sim-station-types.js';
export type { PhaseWiring } from './station-meter.js';

export class SimStation extends EventEmitter<SimStationEvents> {
  readonly id: string;
  readonly config: StationConfig;
  readonly profiles: ChargingProfileSet;
  /** While true, every SetChargingProfile is answered Rejected (a misbehaving firmware). */
  refuseChargingProfiles = false;
  /** While true, every SetChargingProfile goes unanswered (a firmware that drops requests): the central system waits for its timeout. */
  dropChargingProfiles = false;
  /**
   * Every request from the central system that arrived before the BootNotification of its
   * connection was answered Accepted (whatever `beforeBoot` did with it), station clock.
   */
  readonly requestsBeforeBoot: Array<{ method: string; at: number }> = [];
  /** When the last BootNotification was answered Accepted (station clock); undefined before. */
  bootAcceptedAt: number | undefined;
  /** The firmware it runs (BootNotification); an update with `firmwareUpdate` changes it. */
  firmwareVersion: string;
  /** Every firmware download, in order. */
  readonly firmwareDownloads: FirmwareDownload[] = [];
  private readonly options: SimStationOptions;
  private readonly link: RpcLink;
  private readonly connection: StationConnection;
  private readonly outbox: Outbox;
  private readonly auth: LocalAuth;
  private readonly connectors: Connector[];
  private readonly physics: StationPhysics;
  private station0Status: ChargePointStatus = 'Available';
  private skewMs = 0;
  private sessionSeq = 0;
  private nextHeartbeatAt = Infinity;
  private ticker: NodeJS.Timeout | undefined;
  /** Station-time jobs (firmware and diagnostics steps). */
  private jobs: Array<{ at: number; run: () => void }> = [];

  constructor(options: SimStationOptions) {
    super();
    this.options = options;
    this.id = options.id;
    this.firmwareVersion = options.firmwareVersion ?? 'sim-1.0';
    const specs = options.connectors ?? [{}];
    const wirings = specs.map((c) => c.phases ?? 'L1L2L3');
    this.connectors = specs.map((c, i) => createConnector(i + 1, phaseCount(wirings[i]), c.maxCurrentA ?? 32));
    this.config = new StationConfig({
      connectorCount: this.connectors.length,
      meterValueIntervalS: options.meterValueIntervalS ?? 10,
      phaseRotation: phaseRotation(wirings),
      authorizationKey: options.password,
      overrides: options.config,
    });
    this.config.onChange = (key, value) => this.onConfigChanged(key, value);
    this.profiles = new ChargingProfileSet(this.connectors.length, this.profileRules());
    this.auth = new LocalAuth(this.config.int('LocalAuthListMaxLength', 100));
    this.physics = new StationPhysics(
      {
        connectors: this.connectors,
        profiles: this.profiles,
        txContext: (c) => this.txContext(c),
        sampleIntervalS: () => this.config.int('MeterValueSampleInterval', 10),
        onSample: (c, at) => this.sampleMeter(c, at, 'Sample.Periodic'),
        onStepped: (c) => this.updateStatus(c),
      },
      this.now(),
    );
    this.link = new RpcLink({
      id: options.id,
      url: options.url,
      password: options.password,
      callTimeoutMs: options.callTimeoutMs ?? 30_000,
      pingIntervalMs: this.config.int('WebSocketPingInterval') * 1000,
      beforeBoot: options.beforeBoot ?? 'answer',
      now: () => this.now(),
    });
    this.link.on('open', () => this.emit('connected'));
    this.link.on('registered', ({ at }) => {
      this.bootAcceptedAt = at;
    });
    this.link.on('call', (ev) => {
      if (ev.beforeBoot) this.requestsBeforeBoot.push({ method: ev.method, at: ev.at });
      this.emit('call', ev);
    });
    this.link.on('frame', (frame) => this.emit('frame', frame));
    this.connection = new StationConnection(
      {
        link: this.link,
        now: () => this.now(),
        bootRequest: () => ({
          chargePointVendor: (options.vendor ?? 'Fuseguard').slice(0, 20),
          chargePointModel: (options.model ?? 'SimStation').slice(0, 20),
          chargePointSerialNumber: (options.serialNumber ?? options.id).slice(0, 25),
          firmwareVersion: this.firmwareVersion.slice(0, 50),
        }),
        onBoot: (conf) => {
          if (conf.status === 'Accepted') {
            if (conf.interval > 0) this.config.set('HeartbeatInterval', String(conf.interval));
            this.nextHeartbeatAt = this.now() + this.config.int('HeartbeatInterval', 300) * 1000;
            this.sendAllStatuses();
            this.outbox.kick();
          }
          const at = conf.status === 'Accepted' ? (this.bootAcceptedAt ?? this.now()) : this.now();
          this.emit('boot', { status: conf.status, interval: conf.interval, currentTime: conf.currentTime, at });
        },
        onDown: (ev) => {
          this.outbox.dropVolatile();
          this.emit('disconnected', ev);
        },
        warn: (message) => this.warn(message),
      },
      {
        autoReconnect: options.autoReconnect !== false,
        reconnectDelayMs: options.reconnectDelayMs ?? 1_000,
        maxReconnectDelayMs: options.maxReconnectDelayMs ?? 10_000,
        bootDelayMs: options.bootDelayMs ?? 0,
      },
    );
    this.outbox = new Outbox({
      send: (action, req) => this.link.call(action, req),
      canSend: () => this.connection.isOnline,
      now: () => this.now(),
      retryPolicy: () => ({
        attempts: this.config.int('TransactionMessageAttempts', 3),
        intervalS: this.config.int('TransactionMessageRetryInterval', 10),
      }),
      onStartAnswered: (key, conf, req) => this.onStartAnswered(key, conf, req),
      onDropped: (action, reason) => this.warn(`${action} dropped: ${reason}`),
    });
    registerStationCommands(this.link, {
      now: () => this.now(),
      config: this.config,
      profiles: this.profiles,
      auth: this.auth,
      connectors: this.connectors,
      station0Status: () => this.station0Status,
      setStation0Status: (status) => {
        this.station0Status = status;
      },
      txContext: (c, requireId) => {
        const ctx = this.txContext(c);
        return requireId && ctx?.transactionId === undefined ? undefined : ctx;
      },
      transactionIdOf: (c) => (c.session ? this.outbox.transactionIdOf(c.session.key) : undefined),
      limitsChanged: () => this.checkLimits(this.now()),
      refusesProfiles: () => this.refuseChargingProfiles,
      dropsProfiles: () => this.dropChargingProfiles,
      authorize: (idTag) => this.authorize(idTag),
      beginSession: (c, idTag, profile) => void this.beginSession(c, idTag, profile),
      endSession: (c, reason) => void this.endSession(c, reason),
      updateStatus: (c) => this.updateStatus(c),
      sendStatus: (connectorId, status, errorCode) => void this.sendStatus(connectorId, status, errorCode),
      sendAllStatuses: () => this.sendAllStatuses(),
      sampleNow: (c) => {
        this.physics.advanceTo(this.now());
        this.sampleMeter(c, this.now(), 'Trigger');
      },
      boot: () => void this.connection.boot().catch((err) => this.warn(`BootNotification failed: ${String(err)}`)),
      reset: (type) => void this.reboot(type).catch((err) => this.warn(`reset failed: ${String(err)}`)),
      schedule: (at, run) => this.jobs.push({ at, run }),
      ...(options.firmwareUpdate ? { updateFirmware: (location: string, startAt: number) => this.updateFirmware(options.firmwareUpdate ?? {}, location, startAt) } : {}),
      send: (action, req) => void this.outbox.push(action, req as never),
      warn: (message) => this.warn(message),
    });
  }

  // ---- time ----

  /** The station's clock: the injected clock plus whatever tick(dtMs) added. */
  now(): number {
    return (this.options.now ?? Date.now)() + this.skewMs;
  }

  /**
   * Runs the station up to now: cars charge, meter values are sampled, heartbeats, boot retries
   * and queue retries fall due. `dtMs` first moves the station's clock forward (simulated time).
   */
  tick(dtMs = 0): void {
    if (dtMs > 0) this.skewMs += dtMs;
    const at = this.now();
    this.physics.advanceTo(at);
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
    this.connection.tick(at);
    if (this.connection.isOnline && at >= this.nextHeartbeatAt) {
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
    this.startTicker();
    try {
      return await this.connection.start();
    } catch (err) {
      this.stopTicker();
      throw err;
    }
  }

  /** Closes the link and stops every timer. The station keeps its state and queue. */
  async stop(): Promise<void> {
    this.stopTicker();
    await this.connection.stop();
  }

  /** Simulates a network outage: the link drops and stays down until goOnline(). */
  goOffline(): Promise<void> {
    return this.connection.goOffline();
  }

  /** Ends a simulated outage: reconnects and boots; the queue then drains. */
  goOnline(): Promise<RegistrationStatus> {
    this.startTicker();
    return this.connection.goOnline();
  }

  /**
   * A reboot the station does by itself (power cut, watchdog, firmware), as Reset does it:
   * transactions stop, the link drops, the station stays dark for `rebootDelayMs`, then connects
   * and boots again. `loseProfiles` overrides the `loseProfilesOnReboot` option for this reboot.
   * Resolves once the link is down (listen to 'boot' for its return).
   */
  rebootNow(options: { hard?: boolean; loseProfiles?: boolean } = {}): Promise<void> {
    const down = new Promise<void>((resolve) => this.once('disconnected', () => resolve()));
    void this.reboot(options.hard === false ? 'Soft' : 'Hard', options.loseProfiles).catch((err) => this.warn(`reboot failed: ${String(err)}`));
    return down;
  }

  /**
   * Sends a raw OCPP-J frame as is, bypassing the schemas: for tests of how the central system
   * answers bad messages. Listen to 'frame' for the answer.
   */
  sendRaw(frame: string): void {
    this.link.sendRaw(frame);
  }

  /** Resolves when every queued message has been delivered. */
  whenIdle(): Promise<void> {
    return this.outbox.whenIdle();
  }

  /** Rebooting (a Reset or rebootNow): it will drop its link, if it has not yet, and come back. */
  get isRebooting(): boolean {
    return this.connection.rebooting;
  }

  /** Connected and booted (Accepted). */
  get isOnline(): boolean {
    return this.connection.isOnline;
  }

  get bootStatus(): RegistrationStatus | undefined {
    return this.connection.bootStatus;
  }

  /** Actions waiting in the outbox, in order. */
  get pendingMessages(): StationAction[] {
    return this.outbox.pending();
  }

  get connectorCount(): number {
    return this.connectors.length;
  }

  // ---- what a person does at the station ----

  /** Sets and reports a status by hand (e.g. Faulted); the station's own changes overwrite it. */
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
    this.physics.advanceTo(this.now());
    c.plugged = true;
    c.finishing = false;
    c.vehicle = vehicle instanceof Vehicle ? vehicle : new Vehicle({ ...this.options.defaultVehicle, ...vehicle });
    if (c.authorized && !c.session && c.operative) {
      const { idTag, profile } = c.authorized;
      await this.whileOnline(this.beginSession(c, idTag, profile));
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
    const conf = await this.whileOnline(this.beginSession(c, idTag));
    return { authorizeStatus: info.status, started: true, local, transactionId: conf?.transactionId };
  }

  /** Unplugs the car: a running transaction stops (EVDisconnected), Finishing, then Available. */
  async unplug(connectorId: number): Promise<void> {
    const c = this.connector(connectorId);
    const stop = c.session ? this.endSession(c, 'EVDisconnected') : undefined;
    c.plugged = false;
    c.vehicle = undefined;
    c.finishing = false;
    this.updateStatus(c);
    if (stop) await this.whileOnline(stop);
  }

  /** Stops the transaction on a connector; the cable stays in (Finishing). */
  async stopTransaction(connectorId: number, reason: StopReason = 'Local'): Promise<StopTransactionConf | undefined> {
    const c = this.connector(connectorId);
    if (!c.session) return undefined;
    return this.whileOnline(this.endSession(c, reason));
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

  // ---- authorization and transactions ----

  private async authorize(idTag: string): Promise<{ info: IdTagInfo; local: boolean }> {
    const useList = this.config.bool('LocalAuthListEnabled');
    const useCache = this.config.bool('AuthorizationCacheEnabled');
    const known = this.auth.lookup(idTag, this.now(), useList, useCache);
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
      if (known.status === 'Accepted' && !this.config.bool('LocalAuthorizeOffline')) return { info: { status: 'Invalid' }, local: true };
      return { info: known, local: true };
    }
    return { info: { status: this.config.bool('AllowOfflineTxForUnknownId') ? 'Accepted' : 'Invalid' }, local: true };
  }

  private beginSession(c: Connector, idTag: string, profile?: ChargingProfile): Promise<StartTransactionConf | undefined> {
    const at = this.now();
    this.physics.advanceTo(at);
    const key = ++this.sessionSeq;
    const intervalS = this.config.int('MeterValueSampleInterval', 10);
    c.session = {
      key,
      idTag,
      startedAt: at,
      nextSampleAt: intervalS > 0 ? at + intervalS * 1000 : Infinity,
      beginValue: buildMeterValue(readingOf(c), ['Energy.Active.Import.Register'], at, 'Transaction.Begin'),
    };
    c.authorized = undefined;
    c.finishing = false;
    const sent = this.outbox.pushTransaction(
      'StartTransaction',
      { connectorId: c.id, idTag, meterStart: Math.floor(c.energyWh), timestamp: new Date(at).toISOString() },
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
    this.physics.advanceTo(at);
    const session = c.session as Session;
    c.session = undefined;
    c.finishing = c.plugged;
    c.drawA = 0;
    c.drawPhases = 0;
    c.powerW = 0;
    const stopMeasurands = this.config.list('StopTxnSampledData');
    const endValue = buildMeterValue(
      readingOf(c),
      stopMeasurands.length > 0 ? stopMeasurands : ['Energy.Active.Import.Register'],
      at,
      'Transaction.End',
    );
    const sent = this.outbox.pushTransaction(
      'StopTransaction',
      {
        meterStop: Math.floor(c.energyWh),
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
  private async whileOnline<T>(sent: Promise<T>): Promise<T | undefined> {
    if (!this.isOnline) return undefined;
    return sent;
  }

  private txContext(c: Connector): ConnectorTransaction | undefined {
    if (!c.session) return undefined;
    return { transactionId: this.outbox.transactionIdOf(c.session.key), startedAt: c.session.startedAt };
  }

  private updateFirmware(options: NonNullable<SimStationOptions['firmwareUpdate']>, location: string, startAt: number): void {
    runFirmwareUpdate({
      now: () => this.now(),
      schedule: (at, run) => this.jobs.push({ at, run }),
      sendStatus: (status) => void this.outbox.push('FirmwareStatusNotification', { status }),
      downloaded: (download) => this.firmwareDownloads.push(download),
      installed: (version, afterBoot) => {
        this.firmwareVersion = version;
        void this.reboot('Soft').then(afterBoot).catch((err) => this.warn(`reboot after the firmware update failed: ${String(err)}`));
      },
      currentVersion: () => this.firmwareVersion,
    }, options, location, startAt);
  }

  /** Reset (§5.14): stop the transactions, drop the link, reboot, boot again. */
  private async reboot(type: 'Hard' | 'Soft', loseProfiles = this.options.loseProfilesOnReboot): Promise<void> {
    await this.connection.reboot(type === 'Hard', this.options.rebootDelayMs ?? 500, async () => {
      for (const c of this.connectors) if (c.session) void this.endSession(c, type === 'Hard' ? 'HardReset' : 'SoftReset');
      if (type === 'Soft') {
        // A soft reset lets the StopTransactions go out first, briefly.
        await Promise.race([this.outbox.whenIdle(), new Promise((r) => setTimeout(r, 2_000).unref())]);
      }
      this.nextHeartbeatAt = Infinity;
      if (loseProfiles) {
        this.profiles.clearAll();
        this.checkLimits(this.now());
      }
      for (const c of this.connectors) c.authorized = undefined;
    });
  }

  // ---- metering, limits, status ----

  private sampleMeter(c: Connector, at: number, context: ReadingContext): void {
    const meterValue = buildMeterValue(readingOf(c), this.config.list('MeterValuesSampledData'), at, context);
    if (meterValue.sampledValue.length === 0) return;
    if (c.session) {
      void this.outbox.pushTransaction('MeterValues', { connectorId: c.id, meterValue: [meterValue] }, c.session.key);
    } else {
      void this.outbox.push('MeterValues', { connectorId: c.id, meterValue: [meterValue] });
    }
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

  private updateStatus(c: Connector): void {
    const status = desiredStatus(c);
    if (status === c.status && c.errorCode === 'NoError') return;
    c.status = status;
    c.errorCode = 'NoError';
    this.emit('status', { connectorId: c.id, status, errorCode: 'NoError' });
    void this.sendStatus(c.id, status, 'NoError');
  }

  private async sendStatus(connectorId: number, status: ChargePointStatus, errorCode: ChargePointErrorCode): Promise<void> {
    await this.outbox.push('StatusNotification', { connectorId, status, errorCode, timestamp: new Date(this.now()).toISOString() });
  }

  /** After every boot: the state of connector 0 and of every connector, ahead of the backlog. */
  private sendAllStatuses(): void {
    const timestamp = new Date(this.now()).toISOString();
    const front = true;
    void this.outbox.push('StatusNotification', { connectorId: 0, status: this.station0Status, errorCode: 'NoError', timestamp }, front);
    for (const c of this.connectors) {
      void this.outbox.push('StatusNotification', { connectorId: c.id, status: c.status, errorCode: c.errorCode, timestamp }, front);
    }
  }

  // ---- configuration ----

  private profileRules(): ProfileRules {
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
        if (this.connection.accepted) this.nextHeartbeatAt = at + Number(value) * 1000;
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
}
