// Domain events that the OCPP layer (and later meters and inputs) feed into the site state.
// The control loop of a later issue listens here; nothing in this file does I/O.
import { EventEmitter } from 'node:events';

export interface SiteEventMap {
  'station.connected': { stationId: string; at: number };
  'station.disconnected': { stationId: string; at: number; reason: string };
  'station.booted': { stationId: string; at: number; admitted: boolean };
  /**
   * D8: the station takes requests on this connection, from now on: its BootNotification was
   * answered Accepted (`booted`: it may have lost its profiles), or, reconnecting without a boot, it
   * sent a request. Emitted once the answer has gone out, and after 'station.connected'.
   */
  'station.registered': { stationId: string; at: number; booted: boolean };
  /** U3: the station was given a time that moves its clock by `movedMs` (Fuseguard's followed the CPO's). */
  'station.clockMoved': { stationId: string; movedMs: number; at: number };
  'connector.status': { stationId: string; connectorId: number; status: string; errorCode: string; at: number };
  'transaction.started': { stationId: string; connectorId: number; transactionId: number; idTag: string; meterStartWh: number; at: number };
  'transaction.stopped': { stationId: string; transactionId: number; reason: string; at: number };
  /** The badge list changed (API, import): stations in `station-list` mode get it again (B1). */
  'badges.changed': { at: number };
  'meter.values': { stationId: string; connectorId: number; transactionId: number | null; at: number; measurement: ConnectorMeasurement };
}

/** The latest values of one MeterValues message, in the station's phases (L1 = index 0). */
export interface ConnectorMeasurement {
  currentsA?: [number, number, number];
  powerW?: number;
  energyWh?: number;
}

/**
 * Listeners per event besides the application's own parts: every live dashboard stream
 * (api/routes/events.ts) listens while it is open. Node warns of a leak past 10 by default, which
 * a site with a dozen open dashboards reached; this bound still tells a real leak.
 */
export const SITE_EVENT_LISTENERS_MAX = 200;

export class SiteEvents extends EventEmitter<{ [K in keyof SiteEventMap]: [SiteEventMap[K]] }> {
  constructor() {
    super();
    this.setMaxListeners(SITE_EVENT_LISTENERS_MAX);
  }
}
