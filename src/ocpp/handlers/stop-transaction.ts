import type { Handler } from './handler.js';

export const stopTransaction: Handler<'StopTransaction'> = ({ sessions }, { stationId }, request) =>
  sessions.stop(stationId, request);
