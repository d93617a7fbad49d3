// Site settings with their defaults; stored in the settings table, set by the site file.
import type { SiteSettings } from './site-schema.js';

export type ResolvedSettings = Required<SiteSettings>;

export const DEFAULT_SETTINGS: ResolvedSettings = {
  network: {},
  upstream: {},
  minimumStandard: 'IEC61851',
  sheddingPriority: 'energy',
  unknownStations: 'pending',
  pendingStationsMax: 100,
  pendingStationExpiryDays: 7,
  stationPasswordAttempts: 5,
  stationPasswordAddressAttempts: 20,
  stationPasswordBackoffMaxS: 600,
  rotationPeriodMin: 15,
  heartbeatIntervalS: 300,
  meterValueSampleIntervalS: 10,
  liveProfileDurationS: 300,
  meterPollingMs: 500,
  loginLockoutAttempts: 5,
  loginLockoutS: 60,
  sessionIdleTimeoutS: 6000,
  registerMapsDir: '',
  freeModeIdTag: 'FREE',
};

/** Known settings from a stored key/value map, with defaults for the missing ones. */
export function resolveSettings(stored: Record<string, unknown>): ResolvedSettings {
  const known = Object.fromEntries(Object.keys(DEFAULT_SETTINGS).filter((k) => stored[k] !== undefined).map((k) => [k, stored[k]]));
  return { ...DEFAULT_SETTINGS, ...known } as ResolvedSettings;
}
