// What is unsafe or broken about a station's configuration, for the API, the UI and the logs
// (issue 14). Without a password anyone who can reach the OCPP port can connect as an admitted
// station (its id is no secret: it is often printed on it) and report or stop its sessions. TLS
// does not change that: Fuseguard does not ask stations for client certificates. And a station
// stored before the charge box id rule, under an id outside it, can no longer connect.
import { isStationId, STATION_ID_RULE } from '../site/station-id.js';
import type { StationRow } from '../store/schema.js';

export type StationWarningCode = 'passwordless' | 'invalid-id';
export const STATION_WARNING_CODES: readonly StationWarningCode[] = ['passwordless', 'invalid-id'];

export interface StationWarning {
  code: StationWarningCode;
  message: string;
}

export function stationWarnings(station: Pick<StationRow, 'id' | 'admission' | 'password_hash'>): StationWarning[] {
  if (station.admission !== 'admitted') return [];
  const warnings: StationWarning[] = [];
  if (station.password_hash === null || station.password_hash === '') {
    warnings.push({
      code: 'passwordless',
      message: 'no password: anyone who can reach the OCPP port can connect as this station; set a password (AuthorizationKey, OCPP security profile 1 or 2)',
    });
  }
  if (!isStationId(station.id)) {
    warnings.push({ code: 'invalid-id', message: `this id can no longer connect: a charge box id ${STATION_ID_RULE}; remove the station and configure it under a valid id` });
  }
  return warnings;
}
