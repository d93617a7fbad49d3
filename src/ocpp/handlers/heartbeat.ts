import type { Handler } from './handler.js';

export const heartbeat: Handler<'Heartbeat'> = async () => ({ currentTime: new Date().toISOString() });
