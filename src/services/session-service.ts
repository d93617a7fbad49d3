// Badges and charging sessions (B1, B3, O7, O8): every answer to a transaction message is
// given only after the store has committed it, so a crash loses nothing acknowledged.
import { DEFAULT_AUTH_MODE, isAuthMode, type AuthMode } from '../auth/auth-mode.js';
import { authorizeBadge, type IdTagStatus } from '../auth/authorize-badge.js';
import type { MeterValuesRequest, StartTransactionRequest, StopTransactionRequest } from '../ocpp/types.generated.js';
import type { Store } from '../store/store.js';
import type { EventLog } from './event-log.js';
import { latestMeasurement, parseMeterValues } from './meter-samples.js';
import type { SiteEvents } from './site-events.js';

export interface IdTagInfo {
  status: IdTagStatus;
}

export const FORCE_STOP_REASON = 'ForceStop';

export class SessionService {
  constructor(
    private readonly store: Store,
    private readonly events: SiteEvents,
    private readonly log: EventLog,
    private readonly now: () => number,
  ) {}

  /** Authorize: the station's mode decides; unknown badges are remembered as seen (B3). */
  async authorize(stationId: string, idTag: string): Promise<IdTagInfo> {
    const mode = await this.authModeOf(stationId);
    const badge = await this.store.badges.get(idTag);
    const decision = authorizeBadge(mode, badge && { authorized: badge.authorized === 1 });
    const at = this.now();
    await this.store.commit((db) => (decision.unknown ? this.store.badges.recordSeen(idTag, stationId, at, db) : this.store.badges.touch(idTag, at, db)));
    if (decision.status !== 'Accepted') this.log.info(`badge ${idTag} refused: ${decision.status}`, { stationId, action: 'Authorize', mode });
    return { status: decision.status };
  }

  /** The mode of the station, else of its zone, else inherited up the zone tree (B1). */
  async authModeOf(stationId: string): Promise<AuthMode> {
    const station = await this.store.stations.get(stationId);
    if (isAuthMode(station?.auth_mode)) return station.auth_mode;
    const zones = new Map((await this.store.zones.list()).map((z) => [z.name, z]));
    for (let zone = zones.get(station?.zone ?? ''); zone; zone = zone.parent ? zones.get(zone.parent) : undefined) {
      if (isAuthMode(zone.auth_mode)) return zone.auth_mode;
    }
    return DEFAULT_AUTH_MODE;
  }

  /**
   * StartTransaction. The session is recorded whatever the badge decision: a station that
   * started offline has already delivered energy. Its timestamp is the station's, so queued
   * messages keep their real times.
   */
  async start(stationId: string, request: StartTransactionRequest): Promise<{ transactionId: number; idTagInfo: IdTagInfo }> {
    const idTagInfo = await this.authorize(stationId, request.idTag);
    const startAt = Date.parse(request.timestamp);
    const { id, duplicate } = await this.store.commit((db) => this.store.transactions.start(db, {
      stationId,
      connectorId: request.connectorId,
      idTag: request.idTag,
      authStatus: idTagInfo.status,
      reservationId: request.reservationId ?? null,
      meterStartWh: request.meterStart,
      startAt,
    }, this.now()));
    if (duplicate) {
      this.log.warn(`StartTransaction repeated; answered with the same transaction ${id}`, { stationId, action: 'StartTransaction' });
    } else {
      this.events.emit('transaction.started', { stationId, connectorId: request.connectorId, transactionId: id, idTag: request.idTag, meterStartWh: request.meterStart, at: startAt });
    }
    return { transactionId: id, idTagInfo };
  }

  /** StopTransaction; one for an unknown id is accepted and logged (O7). */
  async stop(stationId: string, request: StopTransactionRequest): Promise<{ idTagInfo?: IdTagInfo }> {
    const known = await this.store.transactions.get(request.transactionId);
    const stopAt = Date.parse(request.timestamp);
    const reason = request.reason ?? 'Local';
    if (!known) {
      this.log.warn(`StopTransaction for unknown transaction ${request.transactionId} accepted`, { stationId, action: 'StopTransaction' });
    } else {
      const { samples } = parseMeterValues(stationId, known.connector_id, known.id, request.transactionData ?? [], 'transactionData');
      const stopped = await this.store.commit(async (db) => {
        await this.store.transactions.addSamples(db, samples);
        return this.store.transactions.stop(db, known.id, { meterStopWh: request.meterStop, stopAt, reason, idTag: request.idTag ?? null });
      });
      if (stopped) this.events.emit('transaction.stopped', { stationId, transactionId: known.id, reason, at: stopAt });
    }
    return request.idTag ? { idTagInfo: await this.authorize(stationId, request.idTag) } : {};
  }

  /** MeterValues: stored (group commit) before the answer. */
  async meterValues(stationId: string, request: MeterValuesRequest): Promise<void> {
    const transactionId = request.transactionId ?? null;
    const { samples, skipped } = parseMeterValues(stationId, request.connectorId, transactionId, request.meterValue);
    if (skipped.length > 0) this.log.warn(`meter values without a unit ignored: ${skipped.join(', ')}`, { stationId, action: 'MeterValues' });
    await this.store.commit((db) => this.store.transactions.addSamples(db, samples));
    const at = samples.reduce((latest, s) => Math.max(latest, s.at), 0);
    this.events.emit('meter.values', { stationId, connectorId: request.connectorId, transactionId, at, measurement: latestMeasurement(samples) });
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
