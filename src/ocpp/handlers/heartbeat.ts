import type { Handler } from './handler.js';

// The reference time (U3): with the relay on, it follows the CPO's.
export const heartbeat: Handler<'Heartbeat'> = async (deps) => ({ currentTime: deps.stations.currentTime() });
