// Station admission (O2), boot, heartbeat, status and connection state. Handlers call it with
// what a station said; it keeps the store and the site events up to date.
import { plausibleTime } from '../domain/session/transaction-sanity.js';
import type { BootNotificationRequest, BootNotificationResponse, StatusNotificationRequest } from '../ocpp/types.generated.js';
import { StationAuthThrottle, type ThrottleLimits } from '../security/station-auth-throttle.js';
import { verifyStationPassword } from '../security/station-password.js';
import { resolveSettings, type ResolvedSettings } from '../site/settings.js';
import { isStationId, STATION_ID_RULE } from '../site/station-id.js';
import type { Store } from '../store/store.js';
import type { EventLog } from './event-log.js';
import { LogRateLimiter, suppressedNote } from './log-rate-limiter.js';
import { planPending } from './pending-stations.js';
import type { SiteEvents } from './site-events.js';
import { stationWarnings } from './station-warnings.js';

const DAY_MS = 86_400_000;
/** A passwordless station's connection is logged as a warning at most once an hour. */
const PASSWORDLESS_LOG_INTERVAL_MS = 3_600_000;
/** How often a pending station boots again to learn whether it was admitted. */
export const PENDING_RETRY_S = 30;

export type Admission =
  /** `passwordHash`: the one the station was checked against (null: none), for a later change to let it go. */
  | { accepted: true; admitted: boolean; passwordHash: string | null }
  | { accepted: false; httpStatus: number; reason: string };

export class StationService {
  /** Last message time of each connected station; kept in memory, heartbeats are frequent. */
  private readonly lastSeenAt = new Map<string, number>();
  private readonly throttle = new StationAuthThrottle();
  private readonly logLimiter = new LogRateLimiter();
  private readonly passwordlessLog = new LogRateLimiter(PASSWORDLESS_LOG_INTERVAL_MS);

  constructor(
    private readonly store: Store,
    private readonly events: SiteEvents,
    private readonly log: EventLog,
    private readonly now: () => number,
    /** Gives a station the reference time and remembers it as its clock (U3); else `now`. */
    private readonly clock?: { giveTo(stationId: string): { at: number; movedMs: number } },
  ) {}

  /**
   * Decides whether a WebSocket upgrade for `stationId` may go ahead (O2, security profile 1).
   * `remoteAddress`: the client's, for the password backoff (issue 14, row 10).
   */
  async admit(stationId: string, password: Buffer | undefined, remoteAddress: string | null): Promise<Admission> {
    if (!isStationId(stationId)) return { accepted: false, httpStatus: 400, reason: `the charge box id ${STATION_ID_RULE}` };
    const settings = resolveSettings(await this.store.settings.getAll());
    const station = await this.store.stations.get(stationId);
    if (!station) return this.holdUnknown(stationId, remoteAddress, settings);
    if (station.password_hash) {
      const now = this.now();
      const limits = throttleLimits(settings);
      // Refused without checking the password: guessing gets slower with every failure.
      const verdict = this.throttle.check(stationId, remoteAddress, now, limits);
      if (verdict.blocked) {
        const by = verdict.by === 'station' ? 'for this station' : 'from this address';
        return { accepted: false, httpStatus: 429, reason: `too many wrong passwords ${by}: try again in ${Math.ceil(verdict.retryAfterMs / 1000)} s` };
      }
      if (!(password && verifyStationPassword(password, station.password_hash))) {
        this.throttle.failed(stationId, remoteAddress, now, limits);
        return { accepted: false, httpStatus: 401, reason: password ? 'wrong password' : 'password required' };
      }
      this.throttle.succeeded(stationId);
    }
    return { accepted: true, admitted: station.admission === 'admitted', passwordHash: station.password_hash || null };
  }

  /** The station's password changed (API): its failures so far no longer count. */
  passwordChanged(stationId: string): void {
    this.throttle.succeeded(stationId);
  }

  /**
   * Removes pending stations not seen for `pendingStationExpiryDays`, those whose id no station
   * may use any more, and those beyond `pendingStationsMax` (at start, then now and then).
   */
  async prunePending(): Promise<number> {
    const settings = resolveSettings(await this.store.settings.getAll());
    const removed = await this.store.commit(async (db) => {
      const plan = planPending(await this.store.stations.listPendingSeen(db), pendingLimits(settings, this.now(), false));
      return this.store.stations.removePending([...plan.expired, ...plan.evicted], db);
    });
    if (removed > 0) this.log.info(`${removed} pending station(s) removed: not seen for ${settings.pendingStationExpiryDays} days, beyond ${settings.pendingStationsMax}, or with an id no station may use`, { action: 'admission' });
    return removed;
  }

  /**
   * Logs once the admitted stations that anyone could connect as (issue 14, row 16), and those
   * stored under an id that can no longer connect.
   */
  async warnAtStart(): Promise<void> {
    const admitted = await this.store.stations.listAdmitted();
    const withWarning = (code: string) => admitted.filter((s) => stationWarnings(s).some((w) => w.code === code)).map((s) => s.id);
    const open = withWarning('passwordless');
    if (open.length > 0) {
      this.log.warn(`${open.length} admitted station(s) have no password: anyone who can reach the OCPP port can connect as them (${listed(open)}). Set a password (AuthorizationKey) on each`, { action: 'security' });
    }
    const invalid = withWarning('invalid-id');
    if (invalid.length > 0) {
      this.log.warn(`${invalid.length} admitted station(s) cannot connect: a charge box id ${STATION_ID_RULE} (${listed(invalid.map((id) => JSON.stringify(id)))}). Remove them and configure them under valid ids`, { action: 'admission' });
    }
  }

  /** An unknown charge box id: refused, or held as pending within the cap (O2, issue 14 row 9). */
  private async holdUnknown(stationId: string, remoteAddress: string | null, settings: ResolvedSettings): Promise<Admission> {
    if (settings.unknownStations === 'reject') return { accepted: false, httpStatus: 403, reason: 'unknown station' };
    const now = this.now();
    const plan = await this.store.commit(async (db) => {
      const planned = planPending(await this.store.stations.listPendingSeen(db), pendingLimits(settings, now, true));
      await this.store.stations.removePending([...planned.expired, ...planned.evicted], db);
      if (!planned.full) await this.store.stations.insertPending(stationId, now, remoteAddress, db);
      return planned;
    });
    const logKey = `pending|${remoteAddress ?? ''}`;
    if (plan.full) {
      return { accepted: false, httpStatus: 503, reason: `${settings.pendingStationsMax} stations are pending already (pendingStationsMax): admit or remove some first` };
    }
    const suppressed = this.logLimiter.take(logKey, now);
    if (suppressed !== null) {
      const evicted = plan.evicted.length > 0 ? `; ${plan.evicted.length} pending station(s) not seen for the longest gave way (pendingStationsMax ${settings.pendingStationsMax})` : '';
      this.log.info(`unknown station held as pending${evicted}${suppressedNote(suppressed)}`, { stationId, action: 'admission', remoteAddress });
    }
    return { accepted: true, admitted: false, passwordHash: null };
  }

  /** `admittedWith`: what the upgrade was admitted under (admit's answer), so the row is not read again. */
  async connected(stationId: string, remoteAddress: string | null, admittedWith: { admitted: boolean; passwordHash: string | null }): Promise<void> {
    const at = this.now();
    this.lastSeenAt.set(stationId, at);
    await this.store.commit((db) => this.store.stations.update(stationId, { connected: 1, last_connected_at: at, remote_address: remoteAddress, disconnect_reason: null }, db));
    this.log.info('station connected', { stationId, action: 'connect', remoteAddress });
    this.events.emit('station.connected', { stationId, at });
    const station = { id: stationId, admission: admittedWith.admitted ? 'admitted' as const : 'pending' as const, password_hash: admittedWith.passwordHash };
    if (stationWarnings(station).some((w) => w.code === 'passwordless') && this.passwordlessLog.take(stationId, at) !== null) {
      this.log.warn('station connected without a password: anyone who can reach the OCPP port can connect as it; set one (AuthorizationKey)', { stationId, action: 'security', remoteAddress });
    }
  }

  async disconnected(stationId: string, reason: string): Promise<void> {
    const at = this.now();
    this.lastSeenAt.delete(stationId);
    await this.store.commit((db) => this.store.stations.update(stationId, { connected: 0, last_disconnected_at: at, disconnect_reason: reason }, db));
    this.log.info('station disconnected', { stationId, action: 'disconnect', reason });
    this.events.emit('station.disconnected', { stationId, at, reason });
  }

  /** D8: the station takes requests from now on ('station.registered'). */
  registered(stationId: string, booted: boolean): void {
    this.events.emit('station.registered', { stationId, at: this.now(), booted });
  }

  seen(stationId: string): void {
    this.lastSeenAt.set(stationId, this.now());
  }

  lastSeen(stationId: string): number | undefined {
    return this.lastSeenAt.get(stationId);
  }

  /**
   * The reference time as a station is given it (Heartbeat and BootNotification answers, U3). When
   * that moves the station's clock, its profiles must be stamped again: 'station.clockMoved'.
   */
  currentTime(stationId: string): string {
    if (!this.clock) return new Date(this.now()).toISOString();
    const { at, movedMs } = this.clock.giveTo(stationId);
    if (movedMs !== 0) this.events.emit('station.clockMoved', { stationId, movedMs, at });
    return new Date(at).toISOString();
  }

  /** BootNotification: Accepted for admitted stations, Pending for those waiting for an admin. */
  async boot(stationId: string, request: BootNotificationRequest): Promise<{ response: BootNotificationResponse; admitted: boolean }> {
    const at = this.now();
    const station = await this.store.stations.get(stationId);
    const admitted = station?.admission === 'admitted';
    await this.store.commit((db) => this.store.stations.update(stationId, {
      vendor: request.chargePointVendor,
      model: request.chargePointModel,
      serial_number: request.chargePointSerialNumber ?? request.chargeBoxSerialNumber ?? null,
      firmware_version: request.firmwareVersion ?? null,
      last_boot_at: at,
    }, db));
    const { heartbeatIntervalS } = resolveSettings(await this.store.settings.getAll());
    this.events.emit('station.booted', { stationId, at, admitted });
    return {
      admitted,
      response: { status: admitted ? 'Accepted' : 'Pending', currentTime: this.currentTime(stationId), interval: admitted ? heartbeatIntervalS : PENDING_RETRY_S },
    };
  }

  async status(stationId: string, request: StatusNotificationRequest): Promise<void> {
    // A clock from 1970 or 9999 (issue 14, row 7): the status is as of now.
    const receivedAt = this.now();
    const at = request.timestamp ? plausibleTime(Date.parse(request.timestamp), receivedAt).at : receivedAt;
    // Connector 0 is the station itself, not a socket (OCPP 1.6 StatusNotification).
    await this.store.commit((db) => (request.connectorId === 0
      ? this.store.stations.update(stationId, { status: request.status, error_code: request.errorCode, status_at: at }, db)
      : this.store.stations.setConnectorStatus(stationId, request.connectorId, request.status, request.errorCode, at, db)));
    if (request.errorCode !== 'NoError') {
      this.log.warn(`connector ${request.connectorId} reports ${request.errorCode}${request.info ? `: ${request.info}` : ''}`, { stationId, action: 'StatusNotification' });
    }
    this.events.emit('connector.status', { stationId, connectorId: request.connectorId, status: request.status, errorCode: request.errorCode, at });
  }
}

/** At most 20 ids, then how many more. */
function listed(ids: readonly string[]): string {
  return ids.length > 20 ? `${ids.slice(0, 20).join(', ')} and ${ids.length - 20} more` : ids.join(', ');
}

function throttleLimits(settings: ResolvedSettings): ThrottleLimits {
  return {
    stationAttempts: settings.stationPasswordAttempts,
    addressAttempts: settings.stationPasswordAddressAttempts,
    backoffMaxMs: settings.stationPasswordBackoffMaxS * 1000,
  };
}

function pendingLimits(settings: ResolvedSettings, now: number, adding: boolean) {
  return { now, max: settings.pendingStationsMax, expiryMs: settings.pendingStationExpiryDays * DAY_MS, adding };
}
