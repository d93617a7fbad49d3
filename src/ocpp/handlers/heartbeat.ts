import type { Handler } from './handler.js';

// The reference time (U3): with the relay on, it follows the CPO's.
export const heartbeat: Handler<'Heartbeat'> = async (deps, connection) => ({ currentTime: deps.stations.currentTime(connection.stationId) });
