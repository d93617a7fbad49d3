// The actions a station may send (O3), each with its handler.
import { authorize } from './authorize.js';
import { bootNotification } from './boot-notification.js';
import { dataTransfer } from './data-transfer.js';
import { diagnosticsStatusNotification } from './diagnostics-status-notification.js';
import { firmwareStatusNotification } from './firmware-status-notification.js';
import type { Handler, StationAction } from './handler.js';
import { heartbeat } from './heartbeat.js';
import { meterValues } from './meter-values.js';
import { startTransaction } from './start-transaction.js';
import { statusNotification } from './status-notification.js';
import { stopTransaction } from './stop-transaction.js';
import { OCPP_ACTIONS } from '../types.generated.js';

export const STATION_HANDLERS: { [A in StationAction]?: Handler<A> } = {
  Authorize: authorize,
  BootNotification: bootNotification,
  DataTransfer: dataTransfer,
  DiagnosticsStatusNotification: diagnosticsStatusNotification,
  FirmwareStatusNotification: firmwareStatusNotification,
  Heartbeat: heartbeat,
  MeterValues: meterValues,
  StartTransaction: startTransaction,
  StatusNotification: statusNotification,
  StopTransaction: stopTransaction,
};

/** Actions OCPP 1.6 defines that a station may not send us: known, so NotSupported (OCPP-J 4.2.3). */
export const UNSUPPORTED_ACTIONS: readonly StationAction[] = OCPP_ACTIONS.filter((action) => !(action in STATION_HANDLERS));
