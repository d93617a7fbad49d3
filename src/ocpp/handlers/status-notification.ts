import type { Handler } from './handler.js';

export const statusNotification: Handler<'StatusNotification'> = async ({ stations }, { stationId }, request) => {
  await stations.status(stationId, request);
  return {};
};
