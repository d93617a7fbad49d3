import type { Handler } from './handler.js';

export const authorize: Handler<'Authorize'> = async ({ sessions }, { stationId }, request) => ({
  idTagInfo: await sessions.authorize(stationId, request.idTag),
});
