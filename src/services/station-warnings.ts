// What is unsafe about a station's configuration, for the API, the UI and the logs (issue 14,
// row 16). Without a password anyone who can reach the OCPP port can connect as an admitted
// station (its id is no secret: it is often printed on it) and report or stop its sessions.
// TLS does not change that: Fuseguard does not ask stations for client certificates.
import type { StationRow } from '../store/schema.js';

export type StationWarningCode = 'passwordless';

export interface StationWarning {
  code: StationWarningCode;
  message: string;
}

export function stationWarnings(station: Pick<StationRow, 'admission' | 'password_hash'>): StationWarning[] {
  if (station.admission !== 'admitted' || (station.password_hash !== null && station.password_hash !== '')) return [];
  return [{
    code: 'passwordless',
    message: 'no password: anyone who can reach the OCPP port can connect as this station; set a password (AuthorizationKey, OCPP security profile 1 or 2)',
  }];
}
