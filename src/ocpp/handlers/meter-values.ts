import type { Handler } from './handler.js';
import { markNotRelayed } from '../../services/not-relayed.js';

export const meterValues: Handler<'MeterValues'> = async ({ sessions }, { stationId }, request) =>
  (await sessions.meterValues(stationId, request) ? {} : markNotRelayed({}));
