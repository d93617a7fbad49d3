// Badges and charging sessions (B1, B2, B3, O7, O8): every answer to a transaction message is
// given only after the store has committed it, so a crash loses nothing acknowledged.
import type { AuthMode } from '../auth/auth-mode.js';
import { resolveAuthPolicy, type StationAuthPolicy } from '../auth/auth-policy.js';
import { authorizeBadge, type BadgeContext, type IdTagStatus } from '../auth/authorize-badge.js';
import type { MeterValuesRequest, StartTransactionRequest, StopTransactionRequest } from '../ocpp/types.generated.js';
import { connectorRefusal, plausibleMeterWh, plausibleTime, type TransactionAnomaly } from '../domain/session/transaction-sanity.js';
import { markNotRelayed } from './not-relayed.js';
import { resolveSettings } from '../site/settings.js';
import type { CpoBadgeCacheRepository } from '../store/repositories/cpo-badge-cache-repository.js';
import { SUPERSEDED_REASON } from '../store/repositories/transactions-repository.js';
import type { Store } from '../store/store.js';
import type { EventLog } from './event-log.js';
import { latestMeasurement, parseMeterValues } from './meter-samples.js';
import type { SiteEvents } from './site-events.js';

export interface IdTagInfo {
  status: IdTagStatus;
  expiryDate?: string;
  parentIdTag?: string;
}

/** `cpo` mode (B1): asks the CPO about a badge; 'unreachable' when it cannot answer now (B2). */
export type AuthorizeUpstream = (stationId: string, idTag: string) => Promise<IdTagInfo | 'unreachable'>;

export const FORCE_STOP_REASON = 'ForceStop';

/** How long a remote start Fuseguard sent waits for its StartTransaction (`free`, `remote-only`). */
export const REMOTE_START_WINDOW_MS = 24 * 3600_000;

export class SessionService {
  private upstream: AuthorizeUpstream | null = null;
  readonly cpoCache: CpoBadgeCacheRepository;

  constructor(
    private readonly store: Store,
    private readonly events: SiteEvents,
    private readonly log: EventLog,
    private readonly now: () => number,
  ) {
    this.cpoCache = store.cpoBadgeCache;
  }

  /** Wires the CPO (the relay does, U1); null unwires it: `cpo` stations then get the B2 policy. */
  setAuthorizeUpstream(upstream: AuthorizeUpstream | null): void {
    this.upstream = upstream;
  }

  /**
   * Fuseguard asks `stationId` to start a charge for `idTag` (API, free mode, CPO): its start is
   * accepted. Stored before the request goes (it survives a restart): await it first.
   */
  async expectRemoteStart(stationId: string, idTag: string): Promise<void> {
    const at = this.now();
    await this.store.commit((db) => this.store.remoteStarts.expect(stationId, idTag, at, at + REMOTE_START_WINDOW_MS, db));
  }

  /** Whether Fuseguard asked for this start; a StartTransaction (`consume`) uses it up. */
  private async remoteStarted(stationId: string, idTag: string, consume: boolean): Promise<boolean> {
    if (!consume) return this.store.remoteStarts.isExpected(stationId, idTag, this.now());
    return this.store.commit((db) => this.store.remoteStarts.take(stationId, idTag, this.now(), db));
  }

  /** A remote start that did not go (not sent, refused): its badge is not expected after all. */
  async forgetRemoteStart(stationId: string, idTag: string): Promise<void> {
    await this.store.commit((db) => this.store.remoteStarts.forget(stationId, idTag, db));
  }

  /** Authorize: the station's mode decides; unknown badges are remembered as seen (B3). */
  async authorize(stationId: string, idTag: string, options: { start?: boolean } = {}): Promise<IdTagInfo> {
    const policy = await this.policyOf(stationId);
    const { mode } = policy;
    const badge = await this.store.badges.get(idTag);
    const context: BadgeContext = { start: options.start === true, remoteStarted: await this.remoteStarted(stationId, idTag, options.start === true) };
    if (mode === 'free') {
      context.isFreeIdTag = idTag === resolveSettings(await this.store.settings.getAll()).freeModeIdTag;
    } else if (mode === 'cpo') {
      await this.askUpstream(stationId, idTag, policy, context);
    }
    const decision = authorizeBadge(mode, badge && { authorized: badge.authorized === 1 }, context);
    const at = this.now();
    await this.store.commit((db) => (decision.unknown ? this.store.badges.recordSeen(idTag, stationId, at, db) : this.store.badges.touch(idTag, at, db)));
    if (decision.status !== 'Accepted') this.log.info(`badge ${idTag} refused: ${decision.status}`, { stationId, action: options.start ? 'StartTransaction' : 'Authorize', mode });
    const upstreamInfo = context.upstream && context.upstream !== 'unreachable' ? context.upstream : undefined;
    return upstreamInfo ? { ...upstreamInfo, status: decision.status } : { status: decision.status };
  }

  /**
   * `cpo`: the CPO decides; a badge it accepts goes into Fuseguard's cache, one it refuses leaves
   * it. A StartTransaction right after an accepted Authorize is not asked again.
   */
  private async askUpstream(stationId: string, idTag: string, policy: StationAuthPolicy, context: BadgeContext): Promise<void> {
    context.offline = policy.offline ?? undefined;
    const cached = await this.cpoCache.has(idTag);
    if (context.start && cached) {
      context.upstream = { status: 'Accepted' };
      return;
    }
    let answer: IdTagInfo | 'unreachable' = 'unreachable';
    if (this.upstream) {
      try {
        answer = await this.upstream(stationId, idTag);
      } catch (error) {
        this.log.warn(`CPO authorization failed: ${error instanceof Error ? error.message : String(error)}`, { stationId, action: 'Authorize' });
      }
    }
    context.upstream = answer === 'unreachable' ? 'unreachable' : { ...answer };
    context.cached = cached;
    if (answer === 'unreachable') return;
    const at = this.now();
    await this.store.commit((db) => (answer.status === 'Accepted' ? this.cpoCache.remember(idTag, stationId, at, db) : this.cpoCache.forget(idTag, db)));
  }

  /** The mode of the station, else of its zone, else inherited up the zone tree (B1). */
  async authModeOf(stationId: string): Promise<AuthMode> {
    return (await this.policyOf(stationId)).mode;
  }

  /** The mode and offline policy of the station, each inherited separately up the zone tree (B1, B2). */
  policyOf(stationId: string): Promise<StationAuthPolicy> {
    return resolveAuthPolicy(this.store, stationId);
  }

  /**
   * StartTransaction. The session is recorded whatever the badge decision: a station that
   * started offline has already delivered energy. Its timestamp is the station's, so queued
   * messages keep their real times; a time, meter reading or connector that cannot be is handled
   * as `docs/api-operations.md` says (issue 14, row 7): the station always gets an answer it
   * need not retry.
   */
  async start(stationId: string, request: StartTransactionRequest): Promise<{ transactionId: number; idTagInfo: IdTagInfo }> {
    const known = (await this.store.stations.listConnectors(stationId)).map((c) => c.connector_id);
    const refusal = connectorRefusal(request.connectorId, known);
    if (refusal !== null) return this.refuseStart(stationId, request, refusal);
    const idTagInfo = await this.authorize(stationId, request.idTag, { start: true });
    const receivedAt = this.now();
    const time = plausibleTime(Date.parse(request.timestamp), receivedAt);
    const meter = plausibleMeterWh(request.meterStart);
    const anomalies: TransactionAnomaly[] = [...(time.corrected ? ['start-time' as const] : []), ...(meter.corrected ? ['meter-start' as const] : [])];
    const startAt = time.at;
    const { id, duplicate, superseded } = await this.store.commit((db) => this.store.transactions.start(db, {
      stationId,
      connectorId: request.connectorId,
      idTag: request.idTag,
      authStatus: idTagInfo.status,
      reservationId: request.reservationId ?? null,
      meterStartWh: meter.wh,
      startAt,
      anomalies,
    }, receivedAt));
    if (duplicate) {
      this.log.warn(`StartTransaction repeated; answered with the same transaction ${id}`, { stationId, action: 'StartTransaction' });
      return { transactionId: id, idTagInfo };
    }
    if (anomalies.length > 0) {
      this.log.warn(`transaction ${id} stored corrected (${anomalies.join(', ')}): the station sent timestamp ${request.timestamp}, meterStart ${request.meterStart}`, { stationId, action: 'StartTransaction' });
    }
    for (const old of superseded) {
      this.log.warn(`transaction ${old.id} closed at ${new Date(old.stopAt).toISOString()}, ${old.meterStopWh} Wh: transaction ${id} started on connector ${request.connectorId} without its StopTransaction`, { stationId, action: 'StartTransaction' });
      this.events.emit('transaction.stopped', { stationId, transactionId: old.id, reason: SUPERSEDED_REASON, at: old.stopAt });
    }
    this.events.emit('transaction.started', { stationId, connectorId: request.connectorId, transactionId: id, idTag: request.idTag, meterStartWh: meter.wh, at: startAt });
    return { transactionId: id, idTagInfo };
  }

  /**
   * A StartTransaction on a connector the station cannot have: no session, and idTagInfo Invalid
   * with an id no session will ever have. A CALLERROR would make the station send it again and
   * again (transaction messages are retried); Invalid makes it end the charge (its Stop for that
   * id is then accepted as one for an unknown transaction).
   */
  private async refuseStart(stationId: string, request: StartTransactionRequest, why: string): Promise<{ transactionId: number; idTagInfo: IdTagInfo }> {
    const transactionId = await this.store.commit((db) => this.store.transactions.reserveId(db));
    this.log.warn(`StartTransaction refused (idTagInfo Invalid, transaction ${transactionId} not recorded): ${why}`, { stationId, action: 'StartTransaction' });
    return markNotRelayed({ transactionId, idTagInfo: { status: 'Invalid' } });
  }

  /** StopTransaction; one for an unknown id is accepted and logged (O7). */
  async stop(stationId: string, request: StopTransactionRequest): Promise<{ idTagInfo?: IdTagInfo }> {
    const known = await this.store.transactions.get(request.transactionId);
    const receivedAt = this.now();
    const time = plausibleTime(Date.parse(request.timestamp), receivedAt);
    const meter = plausibleMeterWh(request.meterStop);
    const stopAt = time.at;
    const reason = request.reason ?? 'Local';
    if (!known) {
      this.log.warn(`StopTransaction for unknown transaction ${request.transactionId} accepted`, { stationId, action: 'StopTransaction' });
    } else if (known.station_id !== stationId) {
      // S5: a station touches only its own transactions.
      this.log.warn(`StopTransaction for transaction ${known.id} of another station (${known.station_id}) refused`, { stationId, action: 'StopTransaction' });
      return markNotRelayed({ idTagInfo: { status: 'Invalid' } });
    } else {
      const anomalies: TransactionAnomaly[] = [...(time.corrected ? ['stop-time' as const] : []), ...(meter.corrected ? ['meter-stop' as const] : [])];
      const { samples } = parseMeterValues(stationId, known.connector_id, known.id, request.transactionData ?? [], 'transactionData', receivedAt);
      const stopped = await this.store.commit(async (db) => {
        await this.store.transactions.addSamples(db, samples);
        return this.store.transactions.stop(db, known.id, { meterStopWh: meter.wh, stopAt, reason, idTag: request.idTag ?? null, anomalies });
      });
      if (stopped && (anomalies.length > 0 || meter.wh < known.meter_start_wh || stopAt < known.start_at)) {
        this.log.warn(`transaction ${known.id} stopped corrected: the station sent timestamp ${request.timestamp}, meterStop ${request.meterStop} (start ${known.meter_start_wh} Wh at ${new Date(known.start_at).toISOString()})`, { stationId, action: 'StopTransaction' });
      }
      if (stopped) this.events.emit('transaction.stopped', { stationId, transactionId: known.id, reason, at: Math.max(stopAt, known.start_at) });
    }
    return request.idTag ? { idTagInfo: await this.authorize(stationId, request.idTag) } : {};
  }

  /** MeterValues: stored (group commit) before the answer. False when ignored (another station's transaction). */
  async meterValues(stationId: string, request: MeterValuesRequest): Promise<boolean> {
    const transactionId = request.transactionId ?? null;
    if (transactionId !== null) {
      const owner = (await this.store.transactions.get(transactionId))?.station_id;
      if (owner !== undefined && owner !== stationId) {
        // S5: a station touches only its own transactions; its answer says nothing (MeterValues.conf is empty).
        this.log.warn(`MeterValues for transaction ${transactionId} of another station (${owner}) ignored`, { stationId, action: 'MeterValues' });
        return false;
      }
    }
    const { samples, skipped } = parseMeterValues(stationId, request.connectorId, transactionId, request.meterValue, 'meterValue', this.now());
    if (skipped.length > 0) this.log.warn(`meter values ignored: ${skipped.join(', ')}`, { stationId, action: 'MeterValues' });
    await this.store.commit((db) => this.store.transactions.addSamples(db, samples));
    // A sample dated ahead of Fuseguard's clock (the station's is ahead, U3) counts as taken now,
    // never as fresh for longer than it is (Z6).
    const at = Math.min(samples.reduce((latest, s) => Math.max(latest, s.at), 0), this.now());
    this.events.emit('meter.values', { stationId, connectorId: request.connectorId, transactionId, at, measurement: latestMeasurement(samples) });
    return true;
  }

  /**
   * Force stop (O8): closes a transaction the station never stopped (it vanished), with the
   * last known meter reading and a reason that says so. Returns false if it was not open.
   */
  async forceStop(transactionId: number, operator: string): Promise<boolean> {
    const tx = await this.store.transactions.get(transactionId);
    if (!tx || tx.stop_at !== null) return false;
    const meterStopWh = Math.round(tx.last_meter_wh ?? tx.meter_start_wh);
    const stopAt = this.now();
    const stopped = await this.store.commit((db) => this.store.transactions.stop(db, transactionId, { meterStopWh, stopAt, reason: FORCE_STOP_REASON, idTag: null }));
    if (stopped) {
      this.log.warn(`transaction ${transactionId} force-stopped by ${operator} at the last known reading ${meterStopWh} Wh`, { stationId: tx.station_id, action: 'ForceStop' });
      this.events.emit('transaction.stopped', { stationId: tx.station_id, transactionId, reason: FORCE_STOP_REASON, at: stopAt });
    }
    return stopped;
  }
}
