// What every station message handler gets, and the shape it has.
import type { EventLog } from '../../services/event-log.js';
import type { SessionService } from '../../services/session-service.js';
import type { StationService } from '../../services/station-service.js';
import type { OcppActions } from '../types.generated.js';

export interface HandlerDeps {
  stations: StationService;
  sessions: SessionService;
  log: EventLog;
}

/** The state of one station's connection. */
export interface Connection {
  stationId: string;
  /** Admitted into a zone; a pending station may only boot (O2). */
  admitted: boolean;
}

export type StationAction = keyof OcppActions;

export type Handler<A extends StationAction> = (
  deps: HandlerDeps, connection: Connection, request: OcppActions[A]['request'],
) => Promise<OcppActions[A]['response']>;
