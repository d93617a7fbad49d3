import type { Handler } from './handler.js';

export const startTransaction: Handler<'StartTransaction'> = ({ sessions }, { stationId }, request) =>
  sessions.start(stationId, request);
