import type { Handler } from './handler.js';

export const diagnosticsStatusNotification: Handler<'DiagnosticsStatusNotification'> = async ({ log }, { stationId }, request) => {
  log.info(`diagnostics upload: ${request.status}`, { stationId, action: 'DiagnosticsStatusNotification' });
  return {};
};
