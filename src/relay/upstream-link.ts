// One station's upstream OCPP 1.6J connection to the CPO, as that station (U1): it reconnects
// with backoff and jitter, relays the station's calls up, the CPO's calls down (through the
// CommandSender), and delivers the station's durable outbox in order (U2).
import { setTimeout as sleep } from 'node:timers/promises';
import { HttpsProxyAgent } from 'https-proxy-agent';
import { cpoOffsetMs } from '../app/reference-clock.js';
import type { CommandAction, CommandSender } from '../ocpp/command-sender.js';
import { COMMAND_ACTIONS } from '../ocpp/command-sender.js';
import { createOcpp16Validator } from '../ocpp/ocpp16-validator.js';
import { callError, RPCClient, TimeoutError, type Ocpp16ErrorCode, type RpcClient } from '../ocpp/rpc.js';
import type {
  BootNotificationRequest, BootNotificationResponse, ClearChargingProfileRequest, ClearChargingProfileResponse,
  SetChargingProfileRequest, SetChargingProfileResponse, StartTransactionResponse, StatusNotificationRequest,
} from '../ocpp/types.generated.js';
import type { EventLog } from '../services/event-log.js';
import type { RelayOutboxRow } from '../store/repositories/relay-outbox-repository.js';
import type { Store } from '../store/store.js';
import { backoffDelayMs, Sleeper } from './backoff.js';
import { capOfProfile } from './cpo-profile.js';

export interface RelayTuning {
  backoffInitialMs: number;
  backoffMaxMs: number;
  /** Wait after a failed try of an outbox message, times the number of tries so far (capped at backoffMaxMs). */
  retryIntervalMs: number;
  /** Gap between two outbox messages of one station, so a replay after an outage is paced. */
  replayPaceMs: number;
  callTimeoutMs: number;
  commandTimeoutMs: number;
}

export const DEFAULT_RELAY_TUNING: RelayTuning = {
  backoffInitialMs: 1_000, backoffMaxMs: 30_000, retryIntervalMs: 5_000, replayPaceMs: 100, callTimeoutMs: 30_000, commandTimeoutMs: 30_000,
};

export interface LinkSettings {
  url: string;
  transactionMessageAttempts: number;
  webSocketPingIntervalS: number;
  proxyUrl?: string;
}

export interface LinkDeps {
  store: Store;
  commands: CommandSender;
  log: EventLog;
  now: () => number;
  /** The system clock, which the CPO's time is measured against (U3). */
  systemNow: () => number;
  /** The queue of the station is empty and nothing else needs the link. */
  idle(stationId: string): void;
  /** The link is connected: the CPO answers (the other links need not wait out their backoff). */
  connected?(stationId: string): void;
  /**
   * The CPO's time from a BootNotification or Heartbeat answer to a call sent and answered at the
   * given system times (U3). Returns the CPO's time minus Fuseguard's, once Fuseguard followed it.
   */
  cpoTime?(cpoTimeMs: number, sentAtSystemMs: number, receivedAtSystemMs: number): number;
  /** The CPO's StartTransaction answer refused the idTag (not Accepted). */
  startRefused?(stationId: string, transactionId: number, idTagInfo: StartTransactionResponse['idTagInfo']): void;
  /** The CPO asked for a remote start: its StartTransaction is expected (remote-only stations, B1). */
  expectRemoteStart?(stationId: string, idTag: string): Promise<void>;
  /**
   * U1: a CPO charging profile as a cap on the setpoints of a connector (0 = every connector of the
   * station), or its clearing (capA null; connectorId null = every cap of the station), stored.
   * Resolves to whether a cap was set before. Absent: the CPO's profiles are refused.
   */
  setCap?(stationId: string, connectorId: number | null, capA: number | null): Promise<boolean>;
}

export interface LinkStatus {
  stationId: string;
  identity: string;
  state: 'connecting' | 'up' | 'down' | 'closed';
  since: number;
  lastError: string | null;
  bootStatus: BootNotificationResponse['status'] | null;
  /** CPO time minus Fuseguard time, from its last BootNotification or Heartbeat answer (U3). */
  timeOffsetMs: number | null;
}

/** Boot again after this when the CPO's Pending/Rejected answer gives no interval. */
const BOOT_RETRY_DEFAULT_MS = 60_000;
/** How long a link whose station left waits for the answers to the CPO's requests before it closes. */
const PENDING_ANSWERS_WAIT_MS = 5_000;

type CallFailure = { rpcErrorCode?: string; message?: string; code?: unknown };

export class UpstreamLink {
  state: LinkStatus['state'] = 'connecting';
  since: number;
  lastError: string | null = null;
  bootStatus: LinkStatus['bootStatus'] = null;
  timeOffsetMs: number | null = null;
  /** The station's last BootNotification, sent first on every new upstream connection. */
  lastBoot: BootNotificationRequest | null = null;
  readonly lastStatuses = new Map<number, StatusNotificationRequest>();
  private client: RpcClient | null = null;
  /** The client still connecting, so that close() can abort it. */
  private connecting: RpcClient | null = null;
  private closed = false;
  private readonly sleeper = new Sleeper();
  private readonly retrySleeper = new Sleeper();
  private readonly bootSleeper = new Sleeper();
  /** The CPO accepted the BootNotification on the current connection. */
  private accepted = false;
  /** The connection whose boot loop runs (one per connection). */
  private bootingClient: RpcClient | null = null;
  /** The station booted again while the boot loop ran: it boots upstream again. */
  private rebootRequested = false;
  private draining = false;
  /** The drain running, so that close() ends after its last commit. */
  private drainRun: Promise<void> = Promise.resolve();
  private drainAgain = false;
  private running: Promise<void> | null = null;
  /** The CPO's requests to the station being carried out (each ends by the command timeout). */
  private readonly downCalls = new Set<Promise<unknown>>();

  readonly identity: string;
  /** HTTP Basic password towards the CPO (U1), if it asks for one. */
  readonly password: string | null;

  constructor(
    readonly stationId: string,
    upstream: { identity: string; password: string | null },
    private readonly settings: LinkSettings,
    private readonly tuning: RelayTuning,
    private readonly deps: LinkDeps,
  ) {
    this.since = deps.now();
    this.identity = upstream.identity;
    this.password = upstream.password;
  }

  start(): void {
    this.running ??= this.run();
  }

  get isUp(): boolean {
    return this.state === 'up' && this.client !== null;
  }

  /** Up, and the CPO accepted the station's BootNotification: other messages may go (OCPP 1.6). */
  get isReady(): boolean {
    return this.isUp && this.accepted;
  }

  status(): LinkStatus {
    return {
      stationId: this.stationId, identity: this.identity, state: this.state, since: this.since,
      lastError: this.lastError, bootStatus: this.bootStatus, timeOffsetMs: this.timeOffsetMs,
    };
  }

  /** `answerPending`: the CPO's requests under way are answered first (each ends by the command timeout). */
  async close(options: { answerPending?: boolean } = {}): Promise<void> {
    // Bounded: the station is gone (its calls fail at once), or it came back on a new connection.
    // Also the requests the CPO sends meanwhile.
    const until = Date.now() + PENDING_ANSWERS_WAIT_MS;
    while (options.answerPending && this.downCalls.size > 0 && Date.now() < until) {
      await Promise.race([Promise.allSettled([...this.downCalls]), sleep(until - Date.now(), undefined, { ref: false })]);
    }
    this.closed = true;
    this.sleeper.cancel();
    this.retrySleeper.cancel();
    this.bootSleeper.cancel();
    await this.connecting?.close({ force: true } as never).catch(() => undefined);
    await this.client?.close({ code: 1000, reason: 'relay stopped', force: true } as never).catch(() => undefined);
    await this.running;
    await this.drainRun; // a delivery the CPO answered is committed before a new link may start
    this.setState('closed');
  }

  /**
   * Relays a station call that is not a transaction message: best effort, dropped while the link
   * is not ready. A BootNotification (the station rebooted) is sent until the CPO accepts it.
   */
  async forward(action: string, payload: unknown): Promise<unknown> {
    if (action === 'BootNotification') {
      this.lastBoot = payload as BootNotificationRequest;
      if (this.isUp) this.accepted = false;
      this.rebootRequested = true;
      this.bootSleeper.cancel(); // a Pending wait ends: the new boot goes now
      if (this.client) this.boot(this.client);
      return undefined;
    }
    if (action === 'StatusNotification') {
      const status = payload as StatusNotificationRequest;
      this.lastStatuses.set(status.connectorId, status);
    }
    if (!this.isReady) return undefined;
    return this.call(action, payload).catch((error: unknown) => {
      this.lastError = `${action}: ${describe(error)}`;
      return undefined;
    });
  }

  /** A call to the CPO now; rejects if the link is down. */
  async call(action: string, payload: unknown, timeoutMs = this.tuning.callTimeoutMs): Promise<unknown> {
    const client = this.client;
    if (!client || this.state !== 'up') throw new Error('upstream link is down');
    const sentAtSystemMs = this.deps.systemNow();
    const response = await client.call(action, payload, { callTimeoutMs: timeoutMs });
    if (action === 'BootNotification' || action === 'Heartbeat') this.noteTime(response as { currentTime?: string }, sentAtSystemMs);
    if (action === 'BootNotification') {
      this.bootStatus = (response as BootNotificationResponse).status;
      this.accepted = this.bootStatus === 'Accepted';
    }
    return response;
  }

  /** A link waiting out its backoff tries again within `delayMs` (the CPO is known to answer again). */
  hurry(delayMs: number): void {
    if (this.state === 'down') this.sleeper.shorten(delayMs);
  }

  /** Delivers the queued transaction messages, in order, while the link is up. */
  kick(): void {
    if (this.draining) {
      this.drainAgain = true;
      return;
    }
    this.draining = true;
    this.drainRun = this.drain().catch((error: unknown) => {
      this.lastError = `outbox: ${describe(error)}`;
      this.deps.log.error(`relay outbox failed: ${describe(error)}`, { stationId: this.stationId, action: 'relay' });
    }).finally(() => {
      this.draining = false;
      if (this.drainAgain && !this.closed) {
        this.drainAgain = false;
        this.kick();
      }
    });
  }

  private async run(): Promise<void> {
    let failures = 0;
    while (!this.closed) {
      const client = this.createClient();
      this.setState('connecting');
      this.connecting = client;
      try {
        await client.connect();
      } catch (error) {
        if (this.closed) break;
        failures += 1;
        this.lastError = `connect: ${describe(error)}`;
        this.setState('down');
        await this.sleeper.sleep(backoffDelayMs(failures, { initialMs: this.tuning.backoffInitialMs, maxMs: this.tuning.backoffMaxMs }));
        continue;
      } finally {
        this.connecting = null;
      }
      if (this.closed) {
        await client.close({ force: true } as never).catch(() => undefined);
        break;
      }
      const closedEvent = new Promise<{ code: number; reason: string }>((resolve) => client.once('close', resolve as never));
      this.client = client;
      this.accepted = false;
      this.setState('up');
      this.deps.log.info(`upstream link up as ${this.identity}`, { stationId: this.stationId, action: 'relay' });
      this.deps.connected?.(this.stationId);
      this.boot(client);
      const { code, reason } = await closedEvent;
      this.client = null;
      this.bootSleeper.cancel();
      if (this.closed) break;
      this.lastError = `closed with code ${code}${reason ? `: ${reason}` : ''}`;
      this.setState('down');
      this.deps.log.warn(`upstream link down: ${this.lastError}`, { stationId: this.stationId, action: 'relay' });
      failures = 1;
      await this.sleeper.sleep(backoffDelayMs(failures, { initialMs: this.tuning.backoffInitialMs, maxMs: this.tuning.backoffMaxMs }));
    }
  }

  private createClient(): RpcClient {
    const ping = this.settings.webSocketPingIntervalS;
    const client = new RPCClient({
      endpoint: this.settings.url, identity: this.identity, password: this.password, protocols: ['ocpp1.6'], reconnect: false,
      strictMode: true, strictModeValidators: [createOcpp16Validator()],
      callTimeoutMs: this.tuning.callTimeoutMs, pingIntervalMs: ping > 0 ? ping * 1_000 : 0,
      wsOpts: this.settings.proxyUrl ? { agent: new HttpsProxyAgent(this.settings.proxyUrl) } : {},
    } as ConstructorParameters<typeof RPCClient>[0]);
    for (const action of COMMAND_ACTIONS) {
      client.handle(action, ({ params }) => {
        const call = this.relayDown(action, params) as Promise<Record<string, unknown>>;
        this.downCalls.add(call);
        void call.catch(() => undefined).finally(() => this.downCalls.delete(call));
        return call;
      });
    }
    return client;
  }

  /** The CPO hears the station boot, until it accepts it; then the statuses and the queue. */
  private boot(client: RpcClient): void {
    if (this.bootingClient === client) return;
    this.bootingClient = client;
    void this.bootUntilAccepted(client).finally(() => {
      if (this.bootingClient === client) this.bootingClient = null;
    });
  }

  private async bootUntilAccepted(client: RpcClient): Promise<void> {
    const current = () => this.client === client && !this.closed;
    do {
      if (this.rebootRequested) this.accepted = false; // an answer to the earlier boot does not count
      this.rebootRequested = false;
      await this.bootOnce(client, current);
      if (!current() || (!this.accepted && !this.rebootRequested)) return;
      if (this.rebootRequested) continue; // the station booted again meanwhile: so does its link
      try {
        for (const status of this.lastStatuses.values()) await this.call('StatusNotification', status);
      } catch (error) {
        this.lastError = `after the boot: ${describe(error)}`;
      }
    } while (this.rebootRequested && current());
    if (current() && this.accepted) this.kick();
  }

  /** Boots upstream until the CPO accepts, the link drops, or the station boots again. */
  private async bootOnce(client: RpcClient, current: () => boolean): Promise<void> {
    let warned = false;
    while (current() && !this.accepted && !this.rebootRequested) {
      const boot = this.lastBoot ?? await this.bootFromStore();
      if (!boot) {
        this.accepted = true; // nothing to boot with: relay as it comes
        return;
      }
      let waitMs = this.tuning.retryIntervalMs;
      try {
        const answer = await this.call('BootNotification', boot) as BootNotificationResponse;
        if (this.accepted) return;
        // OCPP 1.6: Pending or Rejected, nothing else is sent; boot again after the CPO's interval.
        waitMs = answer.interval > 0 ? answer.interval * 1_000 : BOOT_RETRY_DEFAULT_MS;
        if (!warned) this.deps.log.warn(`the CPO answered the BootNotification with ${answer.status}: messages wait until it accepts`, { stationId: this.stationId, action: 'relay' });
        warned = true;
      } catch (error) {
        this.lastError = `BootNotification: ${describe(error)}`;
      }
      if (current() && !this.rebootRequested) await this.bootSleeper.sleep(waitMs);
    }
  }

  private async bootFromStore(): Promise<BootNotificationRequest | null> {
    const station = await this.deps.store.stations.get(this.stationId);
    if (!station?.vendor || !station.model) return null;
    return {
      chargePointVendor: station.vendor, chargePointModel: station.model,
      ...(station.serial_number ? { chargePointSerialNumber: station.serial_number } : {}),
      ...(station.firmware_version ? { firmwareVersion: station.firmware_version } : {}),
    };
  }

  /** A CPO call: to the station through the CommandSender (recorded), and its answer back. */
  private async relayDown(action: CommandAction, params: unknown): Promise<unknown> {
    // Load management stays local (U1): the CPO's profiles never reach the station; they cap the
    // setpoints the LMS gives it (or are refused, without a control loop).
    if (action === 'SetChargingProfile') return this.setProfile(params as SetChargingProfileRequest);
    if (action === 'ClearChargingProfile') return this.clearProfile(params as ClearChargingProfileRequest);
    let request = params as Record<string, unknown>;
    if (action === 'RemoteStopTransaction' && typeof request.transactionId === 'number') {
      const own = await this.deps.store.relayOutbox.transactionIdOfCpo(this.stationId, request.transactionId);
      if (own !== undefined) request = { ...request, transactionId: own };
    }
    if (action === 'RemoteStartTransaction' && typeof request.idTag === 'string') await this.deps.expectRemoteStart?.(this.stationId, request.idTag);
    const result = await this.deps.commands.send(this.stationId, action, request as never, { timeoutMs: this.tuning.commandTimeoutMs });
    if (result.ok) return result.response;
    const match = /^([A-Za-z]+): (.*)$/.exec(result.message);
    const code = (match && isErrorCode(match[1]) ? match[1] : 'GenericError') as Ocpp16ErrorCode;
    throw callError(code, match && isErrorCode(match[1]) ? match[2] : `station: ${result.message}`);
  }

  private async setProfile(request: SetChargingProfileRequest): Promise<SetChargingProfileResponse> {
    const setCap = this.deps.setCap;
    const capA = setCap ? capOfProfile(request, this.deps.now()) : null;
    if (!setCap || capA === null) return { status: 'Rejected' };
    await setCap(this.stationId, request.connectorId, capA);
    const where = request.connectorId === 0 ? 'every connector' : `connector ${request.connectorId}`;
    this.deps.log.info(`the CPO caps ${where} at ${capA} A (charging profile ${request.csChargingProfiles.chargingProfileId})`, { stationId: this.stationId, action: 'relay' });
    return { status: 'Accepted' };
  }

  private async clearProfile(request: ClearChargingProfileRequest): Promise<ClearChargingProfileResponse> {
    const setCap = this.deps.setCap;
    if (!setCap || request.chargingProfilePurpose === 'ChargePointMaxProfile') return { status: 'Unknown' };
    const had = await setCap(this.stationId, request.connectorId ?? null, null);
    if (had) this.deps.log.info(`the CPO cleared its cap${request.connectorId === undefined ? 's' : ` on connector ${request.connectorId}`}`, { stationId: this.stationId, action: 'relay' });
    return { status: had ? 'Accepted' : 'Unknown' };
  }

  private async drain(): Promise<void> {
    const { store } = this.deps;
    let first = true;
    while (this.isReady && !this.closed) {
      const entry = await store.relayOutbox.head(this.stationId);
      if (!entry) {
        this.deps.idle(this.stationId);
        return;
      }
      if (!first) await this.retrySleeper.sleep(this.tuning.replayPaceMs);
      first = false;
      // Readers see a group's rows before its sync: what the CPO gets must survive a power cut.
      await store.synced();
      if (!this.isReady) return;
      await this.deliver(entry);
    }
  }

  private async deliver(entry: RelayOutboxRow): Promise<void> {
    const { store, now } = this.deps;
    const payload = JSON.parse(entry.payload) as Record<string, unknown>;
    const ownId = entry.transaction_id === null ? null : Number(entry.transaction_id);
    if (entry.action !== 'StartTransaction' && ownId !== null) {
      const cpoId = await store.relayOutbox.cpoTransactionId(ownId);
      if (cpoId !== undefined) {
        payload.transactionId = cpoId;
      } else if (await store.relayOutbox.startQueued(this.stationId, ownId)) {
        // Its StartTransaction is queued behind it (it was stored late): wait for its answer.
        await this.retrySleeper.sleep(this.tuning.retryIntervalMs);
        return;
      } else {
        this.deps.log.warn(`${entry.action} of transaction ${ownId}: the CPO never numbered it; sent with Fuseguard's id`, { stationId: this.stationId, action: 'relay' });
      }
    }
    let response: unknown;
    try {
      response = await this.call(entry.action, payload);
    } catch (error) {
      // The link dropped, is being closed, or the station rebooted: not the CPO's refusal, no try counted.
      if (!this.isReady || this.closed) return;
      const message = describe(error);
      this.lastError = `${entry.action}: ${message}`;
      const gaveUp = await store.commit((db) => store.relayOutbox.markAttemptFailed(entry.id, message, now(), this.settings.transactionMessageAttempts, db));
      if (gaveUp) {
        this.deps.log.error(`${entry.action} given up after ${this.settings.transactionMessageAttempts} tries: ${message}`, { stationId: this.stationId, action: 'relay' });
      } else {
        await this.retrySleeper.sleep(Math.min(this.tuning.backoffMaxMs, this.tuning.retryIntervalMs * (entry.attempts + 1)));
      }
      return;
    }
    const started = entry.action === 'StartTransaction' && ownId !== null ? response as StartTransactionResponse : null;
    await store.commit(async (db) => {
      if (started && ownId !== null) await store.relayOutbox.mapTransaction(this.stationId, ownId, started.transactionId, now(), db);
      await store.relayOutbox.markDelivered(entry.id, now(), db);
    });
    if (started && ownId !== null && started.idTagInfo.status !== 'Accepted') this.deps.startRefused?.(this.stationId, ownId, started.idTagInfo);
  }

  private noteTime(response: { currentTime?: string }, sentAtSystemMs: number): void {
    const receivedAtSystemMs = this.deps.systemNow();
    const cpoTimeMs = response.currentTime ? Date.parse(response.currentTime) : NaN;
    if (!Number.isFinite(cpoTimeMs)) return;
    this.timeOffsetMs = this.deps.cpoTime?.(cpoTimeMs, sentAtSystemMs, receivedAtSystemMs)
      ?? Math.round(cpoOffsetMs(cpoTimeMs, sentAtSystemMs, receivedAtSystemMs));
  }

  private setState(state: LinkStatus['state']): void {
    if (state === this.state) return;
    this.state = state;
    this.since = this.deps.now();
  }
}

const ERROR_CODES = new Set(['NotImplemented', 'NotSupported', 'InternalError', 'ProtocolError', 'SecurityError', 'FormationViolation',
  'PropertyConstraintViolation', 'OccurenceConstraintViolation', 'OccurrenceConstraintViolation', 'TypeConstraintViolation', 'GenericError']);
const isErrorCode = (code: string): boolean => ERROR_CODES.has(code);

function describe(error: unknown): string {
  if (error instanceof TimeoutError) return 'no answer before the timeout';
  const failure = error as CallFailure;
  const message = error instanceof Error ? error.message : String(error);
  // The CPO (or a proxy) refused the WebSocket upgrade: its HTTP status says why (401: password).
  if (typeof failure.code === 'number') return `HTTP ${failure.code} ${message}`;
  return failure.rpcErrorCode ? `${String(failure.rpcErrorCode)}: ${message}` : message;
}
