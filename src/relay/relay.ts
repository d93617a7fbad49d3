// The relay to a CPO's central system (U1-U4): one upstream link per connected, admitted
// station (and per station whose outbox still holds messages), fed by the station server's
// observer hook. Transaction messages go through the durable outbox (U2); the rest is relayed
// as it comes, best effort. Off by default: without it nothing here runs.
import { createHash } from 'node:crypto';
import { resolveAuthPolicy } from '../auth/auth-policy.js';
import type { CommandSender } from '../ocpp/command-sender.js';
import type { StationAction } from '../ocpp/handlers/handler.js';
import type { StationCallObserver, StationServer } from '../ocpp/station-server.js';
import type { AuthorizeResponse, MeterValuesRequest, StartTransactionResponse, StopTransactionRequest } from '../ocpp/types.generated.js';
import type { EventLog } from '../services/event-log.js';
import { isNotRelayed } from '../services/not-relayed.js';
import type { SiteSettings } from '../site/site-schema.js';
import type { OutboxEntry } from '../store/repositories/relay-outbox-repository.js';
import type { Store } from '../store/store.js';
import { cpoOffsetMs, type ReferenceClock } from '../app/reference-clock.js';
import { DEFAULT_RELAY_TUNING, UpstreamLink, type LinkSettings, type LinkStatus, type RelayTuning } from './upstream-link.js';

export type { RelayTuning } from './upstream-link.js';
export type IdTagInfo = AuthorizeResponse['idTagInfo'];

type UpstreamSettings = NonNullable<SiteSettings['upstream']>;

export const DEFAULT_TRANSACTION_MESSAGE_ATTEMPTS = 500;
export const DEFAULT_WEBSOCKET_PING_INTERVAL_S = 120;
const DELIVERED_KEPT_MS = 7 * 24 * 3_600_000;
const AUTHORIZE_TIMEOUT_MS = 10_000;
/** Per link waiting, when the CPO answers again: 200 links retry within 2 s. */
const HURRY_SPACING_MS = 10;

export interface RelayDeps {
  store: Store;
  commands: CommandSender;
  stationServer: StationServer;
  log: EventLog;
  now: () => number;
  /** Fuseguard's clock, which follows the CPO's time (U3). */
  clock?: ReferenceClock;
  /** Remote starts the CPO asks for are expected by the session service (B1). */
  expectRemoteStart?: (stationId: string, idTag: string) => Promise<void>;
  /** The CPO's charging profiles as caps (U1); without it they are refused. See LinkDeps.setCap. */
  setCap?: (stationId: string, connectorId: number | null, capA: number | null) => Promise<boolean>;
}

export interface RelayStationStatus extends Omit<LinkStatus, 'state'> {
  state: LinkStatus['state'] | 'none';
  queued: number;
}

export interface RelayStatus {
  enabled: boolean;
  url: string | null;
  /** CPO time minus Fuseguard time (U3), from the latest answer that carried it. */
  timeOffsetMs: number | null;
  /** How far Fuseguard's clock was moved from the system clock to follow the CPO's (U3). */
  clockCorrectionMs: number;
  stations: RelayStationStatus[];
}

/** The link settings of the stored upstream settings; null when the relay is off. */
export function linkSettingsOf(upstream: UpstreamSettings | undefined): LinkSettings | null {
  if (!upstream?.enabled || !upstream.url) return null;
  return {
    url: upstream.url,
    transactionMessageAttempts: upstream.transactionMessageAttempts ?? DEFAULT_TRANSACTION_MESSAGE_ATTEMPTS,
    webSocketPingIntervalS: upstream.webSocketPingIntervalS ?? DEFAULT_WEBSOCKET_PING_INTERVAL_S,
    ...(upstream.proxyUrl ? { proxyUrl: upstream.proxyUrl } : {}),
  };
}

/** The URL without user and password, for operators. */
export function publicUrl(url: string | undefined): string | null {
  if (!url) return null;
  try {
    const parsed = new URL(url);
    parsed.username = '';
    parsed.password = '';
    return parsed.toString();
  } catch {
    return null;
  }
}

export class Relay implements StationCallObserver {
  private readonly links = new Map<string, UpstreamLink>();
  private readonly opening = new Map<string, Promise<UpstreamLink | null>>();
  /** Links being closed: a new link of the station waits, so that two never deliver its queue at once. */
  private readonly closing = new Map<string, Promise<void>>();
  private readonly stationsOnline = new Set<string>();
  private readonly recentAuthorize = new Map<string, number>();
  private readonly tuning: RelayTuning;
  private stopped = false;
  /** Links may open (start() ran). */
  private linking = false;
  private hurriedAt = -Infinity;

  constructor(private readonly deps: RelayDeps, readonly settings: LinkSettings, tuning: Partial<RelayTuning> = {}) {
    this.tuning = { ...DEFAULT_RELAY_TUNING, ...tuning };
  }

  /**
   * Observes the stations' calls: from now on their transaction messages are queued (U2). Links
   * open only at start(): a relay that replaces another attaches before the old one stops, so
   * that no message goes unqueued, and opens its links once the old links are closed.
   */
  attach(): void {
    this.deps.stationServer.observe(this);
  }

  async start(): Promise<void> {
    this.attach();
    await this.deps.store.relayOutbox.pruneDelivered(this.deps.now() - DELIVERED_KEPT_MS);
    this.linking = true;
    for (const stationId of this.deps.stationServer.connectedIds()) this.stationsOnline.add(stationId);
    const queued = await this.deps.store.relayOutbox.queuedCounts();
    for (const stationId of new Set([...this.stationsOnline, ...queued.keys()])) void this.link(stationId);
    this.deps.log.info(`relay to ${publicUrl(this.settings.url)} started`, { action: 'relay' });
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.deps.stationServer.unobserve(this);
    await Promise.all([...this.opening.values()]);
    await Promise.all([...this.links].map(([stationId, link]) => this.retire(stationId, link)));
    await Promise.all([...this.closing.values()]);
  }

  connected(stationId: string, admitted: boolean): void {
    if (!admitted) return;
    this.stationsOnline.add(stationId);
    void this.link(stationId);
  }

  disconnected(stationId: string): void {
    this.stationsOnline.delete(stationId);
    const link = this.links.get(stationId);
    if (!link) return;
    if (link.isReady) {
      link.kick(); // delivers what is left, then closes (idle)
      return;
    }
    void this.deps.store.relayOutbox.head(stationId).then((head) => {
      if (!head) this.idle(stationId);
    });
  }

  async handled(stationId: string, action: StationAction, request: unknown, response: unknown, admitted: boolean): Promise<void> {
    if (!admitted || this.stopped) return;
    this.stationsOnline.add(stationId);
    // Refused by Fuseguard (another station's transaction, a connector the station cannot have):
    // the CPO never hears of it.
    if (isNotRelayed(response)) return;
    const entry = outboxEntry(stationId, action, request, response, this.deps.now());
    if (entry) {
      // Stored before the station gets its answer (U2): the caller awaits this.
      await this.deps.store.commit((db) => this.deps.store.relayOutbox.enqueue(entry, db));
      void this.link(stationId).then((link) => link?.kick());
      return;
    }
    if (action === 'Authorize' && this.authorizedUpstreamLately(stationId, (request as { idTag: string }).idTag)) return;
    void this.link(stationId).then((link) => link?.forward(action, request));
  }

  /**
   * Asks the CPO about a badge, for the `cpo` authentication mode (B1). 'unreachable' when the
   * station has no upstream link up or the CPO does not answer: the offline policy (B2) decides.
   */
  async authorizeUpstream(stationId: string, idTag: string): Promise<IdTagInfo | 'unreachable'> {
    const link = this.links.get(stationId) ?? await this.link(stationId);
    if (!link?.isReady) return 'unreachable';
    this.recentAuthorize.set(`${stationId}\n${idTag}`, this.deps.now());
    try {
      const answer = await link.call('Authorize', { idTag }, AUTHORIZE_TIMEOUT_MS) as AuthorizeResponse;
      return answer.idTagInfo;
    } catch {
      return 'unreachable';
    }
  }

  /**
   * Links whose station now has another identity or password towards the CPO open again with them
   * (the new link once the old one is closed). Does not wait for the links themselves.
   */
  async refreshCredentials(): Promise<void> {
    for (const [stationId, link] of [...this.links]) {
      const station = await this.deps.store.stations.get(stationId);
      if (link.identity === (station?.box_identity || stationId) && link.password === (station?.upstream_password ?? null)) continue;
      if (this.links.get(stationId) !== link) continue;
      void this.retire(stationId, link);
      if (!this.stopped) void this.link(stationId);
    }
  }

  /** CPO time minus Fuseguard time (U3): add it to Fuseguard's clock to get the reference time. */
  timeOffsetMs(): number | null {
    for (const link of this.links.values()) if (link.timeOffsetMs !== null) return link.timeOffsetMs;
    return null;
  }

  /** How far Fuseguard's clock was moved to follow the CPO's (U3). */
  clockCorrectionMs(): number {
    return this.deps.clock?.correctionMs ?? 0;
  }

  linkOf(stationId: string): UpstreamLink | undefined {
    return this.links.get(stationId);
  }

  async status(): Promise<RelayStationStatus[]> {
    const queued = await this.deps.store.relayOutbox.queuedCounts();
    const ids = [...new Set([...this.links.keys(), ...queued.keys()])].sort();
    return ids.map((stationId) => {
      const link = this.links.get(stationId);
      const base = link?.status() ?? { stationId, identity: stationId, state: 'none' as const, since: 0, lastError: null, bootStatus: null, timeOffsetMs: null };
      return { ...base, queued: queued.get(stationId) ?? 0 };
    });
  }

  private authorizedUpstreamLately(stationId: string, idTag: string): boolean {
    const key = `${stationId}\n${idTag}`;
    const at = this.recentAuthorize.get(key);
    this.recentAuthorize.delete(key);
    return at !== undefined && this.deps.now() - at < 30_000;
  }

  /** The station's link, opened if needed; as that station, with its box identity (U1). */
  private link(stationId: string): Promise<UpstreamLink | null> {
    if (!this.linking) return Promise.resolve(null);
    const existing = this.links.get(stationId);
    if (existing) return Promise.resolve(existing);
    let opening = this.opening.get(stationId);
    if (!opening) {
      opening = this.open(stationId).finally(() => this.opening.delete(stationId));
      this.opening.set(stationId, opening);
    }
    return opening;
  }

  private async open(stationId: string): Promise<UpstreamLink | null> {
    await this.closing.get(stationId);
    if (this.stopped) return null;
    const station = await this.deps.store.stations.get(stationId);
    if (this.stopped || this.links.has(stationId)) return this.links.get(stationId) ?? null;
    const identity = station?.box_identity || stationId;
    if (station?.upstream_password && this.settings.url.startsWith('ws://')) {
      // Basic auth over ws:// sends the password in clear: the CPO's endpoint should be wss://.
      this.deps.log.warn(`the password towards the CPO goes unencrypted over ${publicUrl(this.settings.url)}: use wss://`, { stationId, action: 'relay' });
    }
    const link = new UpstreamLink(stationId, { identity, password: station?.upstream_password ?? null }, this.settings, this.tuning, {
      store: this.deps.store, commands: this.deps.commands, log: this.deps.log, now: this.deps.now,
      systemNow: this.deps.clock?.systemNow ?? this.deps.now,
      idle: (id) => this.idle(id),
      connected: () => this.hurryLinksDown(),
      cpoTime: (cpoTimeMs, sentAtSystemMs, receivedAtSystemMs) => this.followCpoTime(cpoTimeMs, sentAtSystemMs, receivedAtSystemMs),
      startRefused: (id, transactionId, idTagInfo) => void this.startRefused(id, transactionId, idTagInfo),
      expectRemoteStart: this.deps.expectRemoteStart,
      setCap: this.deps.setCap,
    });
    this.links.set(stationId, link);
    link.start();
    return link;
  }

  /**
   * The CPO refused the idTag of a session it was told about. On a `cpo` station the CPO decides
   * (B1): the session is stopped, as a station would with StopTransactionOnInvalidId. Elsewhere
   * Fuseguard decided, and the refusal is only logged.
   */
  private async startRefused(stationId: string, transactionId: number, idTagInfo: IdTagInfo): Promise<void> {
    const transaction = await this.deps.store.transactions.get(transactionId);
    const what = `the CPO answered ${idTagInfo.status} to session ${transactionId} (idTag ${transaction?.id_tag ?? '?'})`;
    if (!transaction || transaction.stop_at !== null) {
      this.deps.log.warn(`${what}; it has ended already`, { stationId, action: 'relay' });
      return;
    }
    const { mode } = await resolveAuthPolicy(this.deps.store, stationId);
    if (mode !== 'cpo') {
      this.deps.log.warn(`${what}; the station's mode is ${mode}, so Fuseguard's decision stands`, { stationId, action: 'relay' });
      return;
    }
    this.deps.log.warn(`${what}: stopping it`, { stationId, action: 'relay' });
    const result = await this.deps.commands.send(stationId, 'RemoteStopTransaction', { transactionId });
    if (!result.ok) this.deps.log.error(`stopping session ${transactionId} the CPO refused failed: ${result.message}`, { stationId, action: 'relay' });
  }

  /**
   * A link got through: the CPO answers again, so the links waiting out a long backoff retry now,
   * spread over HURRY_SPACING_MS per link so that they do not all reconnect at the same instant.
   * At most once per backoffMaxMs.
   */
  private hurryLinksDown(): void {
    const now = performance.now(); // a duration: monotonic, whatever the reference clock does
    if (now - this.hurriedAt < this.tuning.backoffMaxMs) return;
    const down = [...this.links.values()].filter((link) => link.state === 'down');
    if (down.length === 0) return;
    this.hurriedAt = now;
    const spreadMs = down.length * HURRY_SPACING_MS;
    for (const link of down) link.hurry(Math.round(Math.random() * spreadMs));
  }

  /** Fuseguard's clock follows the CPO's (U3); returns what is left between them (network delay). */
  private followCpoTime(cpoTimeMs: number, sentAtSystemMs: number, receivedAtSystemMs: number): number {
    const { clock } = this.deps;
    const stepMs = clock?.followCpo(cpoTimeMs, sentAtSystemMs, receivedAtSystemMs) ?? 0;
    if (stepMs !== 0) this.deps.log.warn(`Fuseguard's clock follows the CPO's time (U3): moved by ${(stepMs / 1000).toFixed(1)} s`, { action: 'relay' });
    return Math.round(cpoOffsetMs(cpoTimeMs, sentAtSystemMs, receivedAtSystemMs) - (clock?.correctionMs ?? 0));
  }

  /** Nothing queued: a station that is gone no longer needs its link. */
  private idle(stationId: string): void {
    if (this.stationsOnline.has(stationId) || this.stopped) return;
    const link = this.links.get(stationId);
    if (!link) return;
    // The CPO still gets the answers to what it asked the station (a Reset's Accepted comes just
    // before the station goes).
    void this.retire(stationId, link, { answerPending: true });
  }

  /** Closes a link; the station's next link waits for it. */
  private retire(stationId: string, link: UpstreamLink, options: { answerPending?: boolean } = {}): Promise<void> {
    if (this.links.get(stationId) === link) this.links.delete(stationId);
    const closed: Promise<void> = link.close(options).catch(() => undefined).finally(() => {
      if (this.closing.get(stationId) === closed) this.closing.delete(stationId);
    });
    this.closing.set(stationId, closed);
    return closed;
  }
}

/** The outbox entry of a transaction message (U2), or null for any other call. */
export function outboxEntry(stationId: string, action: StationAction, request: unknown, response: unknown, at: number): OutboxEntry | null {
  if (action === 'StartTransaction') {
    const transactionId = (response as StartTransactionResponse).transactionId;
    return { stationId, action, transactionId, dedupeKey: `StartTransaction:${transactionId}`, payload: request, at };
  }
  if (action === 'StopTransaction') {
    const transactionId = (request as StopTransactionRequest).transactionId;
    return { stationId, action, transactionId, dedupeKey: `StopTransaction:${transactionId}`, payload: request, at };
  }
  if (action === 'MeterValues' && typeof (request as MeterValuesRequest).transactionId === 'number') {
    const digest = createHash('sha256').update(JSON.stringify(request)).digest('base64url');
    return { stationId, action, transactionId: (request as MeterValuesRequest).transactionId ?? null, dedupeKey: `MeterValues:${digest}`, payload: request, at };
  }
  return null;
}

// The API finds the running relay of a Fuseguard through its store (one relay per store).
const running = new WeakMap<Store, Relay>();

export function registerRelay(store: Store, relay: Relay | null): void {
  if (relay) running.set(store, relay);
  else running.delete(store);
}

export function relayOf(store: Store): Relay | undefined {
  return running.get(store);
}
