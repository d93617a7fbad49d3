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
  // Commands: live-profile renewals alone are several hundred a day per connector (D5), about
  // 450 bytes each: millions of rows a day at 10,000 stations. 14 days covers looking into a
  // station's trouble after the fact; the row cap keeps the table near 0.5 GB on a small box: a
  // small site keeps its 14 days, one of 10,000 stations its last hours (about 100 commands per
  // station, more than a station's page shows).
  commandsMaxAgeDays: 14,
  commandsMaxRows: 1_000_000,
  // Audit: a few entries a day, the trail of who changed what (S4): a year, and a cap that only a
  // runaway script writing changes would reach.
  auditMaxAgeDays: 365,
  auditMaxRows: 100_000,
  // Samples outside any session are read by nothing (sessions read theirs by transaction id); a
  // week leaves time to look into a station's readings by hand.
  samplesOutsideSessionsMaxAgeDays: 7,
};

/** Known settings from a stored key/value map, with defaults for the missing ones. */
export function resolveSettings(stored: Record<string, unknown>): ResolvedSettings {
  const known = Object.fromEntries(Object.keys(DEFAULT_SETTINGS).filter((k) => stored[k] !== undefined).map((k) => [k, stored[k]]));
  return { ...DEFAULT_SETTINGS, ...known } as ResolvedSettings;
}
