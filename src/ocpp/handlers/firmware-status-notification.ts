import type { Handler } from './handler.js';

// The rollout's state follows the station's report (issue 16, item 7); Idle and the like change nothing.
export const firmwareStatusNotification: Handler<'FirmwareStatusNotification'> = async ({ log, firmware }, { stationId }, request) => {
  log.info(`firmware update: ${request.status}`, { stationId, action: 'FirmwareStatusNotification' });
  await firmware?.onStatus(stationId, request.status);
  return {};
};
