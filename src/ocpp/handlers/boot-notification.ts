import type { Handler } from './handler.js';

export const bootNotification: Handler<'BootNotification'> = async ({ stations }, connection, request) => {
  const { response, admitted } = await stations.boot(connection.stationId, request);
  connection.admitted = admitted;
  return response;
};
