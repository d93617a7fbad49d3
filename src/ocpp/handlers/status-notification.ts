import { MAX_CONNECTOR_ID } from '../../domain/session/transaction-sanity.js';
import { callError } from '../rpc.js';
import type { Handler } from './handler.js';

export const statusNotification: Handler<'StatusNotification'> = async ({ stations }, { stationId }, request) => {
  // A connector is a row, counted at its maximum (D8): a station cannot make up thousands (issue 14).
  if (request.connectorId < 0 || request.connectorId > MAX_CONNECTOR_ID) {
    throw callError('PropertyConstraintViolation', `connectorId ${request.connectorId} is not 0 (the station) or a connector 1..${MAX_CONNECTOR_ID}`);
  }
  await stations.status(stationId, request);
  return {};
};
