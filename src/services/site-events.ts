// Domain events that the OCPP layer (and later meters and inputs) feed into the site state.
// The control loop of a later issue listens here; nothing in this file does I/O.
import { EventEmitter } from 'node:events';

export interface SiteEventMap {
  'station.connected': { stationId: string; at: number };
  'station.disconnected': { stationId: string; at: number; reason: string };
  'station.booted': { stationId: string; at: number; admitted: boolean };
  'connector.status': { stationId: string; connectorId: number; status: string; errorCode: string; at: number };
  'transaction.started': { stationId: string; connectorId: number; transactionId: number; idTag: string; at: number };
  'transaction.stopped': { stationId: string; transactionId: number; reason: string; at: number };
  'meter.values': { stationId: string; connectorId: number; transactionId: number | null; at: number };
}

export class SiteEvents extends EventEmitter<{ [K in keyof SiteEventMap]: [SiteEventMap[K]] }> {}
