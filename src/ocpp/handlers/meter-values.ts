import type { Handler } from './handler.js';

export const meterValues: Handler<'MeterValues'> = async ({ sessions }, { stationId }, request) => {
  await sessions.meterValues(stationId, request);
  return {};
};
