// Station admission (O2), boot, heartbeat, status and connection state. Handlers call it with
// what a station said; it keeps the store and the site events up to date.
import type { BootNotificationRequest, BootNotificationResponse, StatusNotificationRequest } from '../ocpp/types.generated.js';
import { verifyStationPassword } from '../security/station-password.js';
import { resolveSettings } from '../site/settings.js';
import type { Store } from '../store/store.js';
import type { EventLog } from './event-log.js';
import type { SiteEvents } from './site-events.js';

export const MAX_STATION_ID_LENGTH = 48;
/** How often a pending station boots again to learn whether it was admitted. */
export const PENDING_RETRY_S = 30;

export type Admission =
  | { accepted: true; admitted: boolean }
  | { accepted: false; httpStatus: number; reason: string };

export class StationService {
  /** Last message time of each connected station; kept in memory, heartbeats are frequent. */
  private readonly lastSeenAt = new Map<string, number>();

  constructor(
    private readonly store: Store,
    private readonly events: SiteEvents,
    private readonly log: EventLog,
    private readonly now: () => number,
    /** Gives a station the reference time and remembers it as its clock (U3); else `now`. */
    private readonly clock?: { giveTo(stationId: string): { at: number; movedMs: number } },
  ) {}

  /** Decides whether a WebSocket upgrade for `stationId` may go ahead (O2, security profile 1). */
  async admit(stationId: string, password: Buffer | undefined, remoteAddress: string | null): Promise<Admission> {
    if (stationId.length === 0 || stationId.length > MAX_STATION_ID_LENGTH || /\s/.test(stationId)) {
      return { accepted: false, httpStatus: 400, reason: `charge box id must be 1 to ${MAX_STATION_ID_LENGTH} characters without spaces` };
    }
    const station = await this.store.stations.get(stationId);
    if (!station) {
      const { unknownStations } = resolveSettings(await this.store.settings.getAll());
      if (unknownStations === 'reject') return { accepted: false, httpStatus: 403, reason: 'unknown station' };
      await this.store.commit((db) => this.store.stations.insertPending(stationId, this.now(), remoteAddress, db));
      this.log.info('unknown station held as pending', { stationId, action: 'admission' });
      return { accepted: true, admitted: false };
    }
    if (station.password_hash && !(password && verifyStationPassword(password, station.password_hash))) {
      return { accepted: false, httpStatus: 401, reason: password ? 'wrong password' : 'password required' };
    }
    return { accepted: true, admitted: station.admission === 'admitted' };
  }

  async connected(stationId: string, remoteAddress: string | null): Promise<void> {
    const at = this.now();
    this.lastSeenAt.set(stationId, at);
    await this.store.commit((db) => this.store.stations.update(stationId, { connected: 1, last_connected_at: at, remote_address: remoteAddress, disconnect_reason: null }, db));
    this.log.info('station connected', { stationId, action: 'connect', remoteAddress });
    this.events.emit('station.connected', { stationId, at });
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
    const at = request.timestamp ? Date.parse(request.timestamp) : this.now();
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
