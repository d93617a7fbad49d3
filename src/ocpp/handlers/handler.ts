// What every station message handler gets, and the shape it has.
import type { FirmwareService } from '../../firmware/firmware-service.js';
import type { EventLog } from '../../services/event-log.js';
import type { SessionService } from '../../services/session-service.js';
import type { StationService } from '../../services/station-service.js';
import type { OcppActions } from '../types.generated.js';

export interface HandlerDeps {
  stations: StationService;
  sessions: SessionService;
  log: EventLog;
  /** Firmware rollouts (issue 16, item 7); set once it has started. */
  firmware?: Pick<FirmwareService, 'onStatus'>;
}

/** The state of one station's connection. */
export interface Connection {
  stationId: string;
  /** Admitted into a zone; a pending station may only boot (O2). */
  admitted: boolean;
  /** The password hash the connection was admitted with (null: none): a change lets it go. */
  passwordHash?: string | null;
  /**
   * The station takes requests on this connection (D8): its BootNotification was answered Accepted,
   * or, reconnecting without a boot, it sent a request (only a station accepted before does). Until
   * then nothing is sent to it: a station may refuse or drop requests before its boot is accepted.
   */
  registered?: boolean;
}

export type StationAction = keyof OcppActions;

export type Handler<A extends StationAction> = (
  deps: HandlerDeps, connection: Connection, request: OcppActions[A]['request'],
) => Promise<OcppActions[A]['response']>;
