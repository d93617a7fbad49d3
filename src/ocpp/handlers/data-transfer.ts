import type { Handler } from './handler.js';

/** No vendor extension is known yet: every vendor is unknown (O3). */
export const dataTransfer: Handler<'DataTransfer'> = async ({ log }, { stationId }, request) => {
  log.info(`DataTransfer from unknown vendor ${request.vendorId}${request.messageId ? ` (${request.messageId})` : ''}`, { stationId, action: 'DataTransfer' });
  return { status: 'UnknownVendorId' };
};
