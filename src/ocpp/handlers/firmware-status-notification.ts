import type { Handler } from './handler.js';

export const firmwareStatusNotification: Handler<'FirmwareStatusNotification'> = async ({ log }, { stationId }, request) => {
  log.info(`firmware update: ${request.status}`, { stationId, action: 'FirmwareStatusNotification' });
  return {};
};
