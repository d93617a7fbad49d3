// The declarative site file (spec R4). This TypeBox schema is the single source: it gives the
// TypeScript types, the validator, and schemas/site.schema.json (npm run gen:site-schema).
import { Type, type Static, type TSchema } from '@sinclair/typebox';
import { AUTH_MODES, OFFLINE_AUTH_MODES } from '../auth/auth-mode.js';
import { SOCKET_TYPES } from '../domain/connector/socket-type.js';
import { MeterConfigSchema } from '../meters/index.js';
import { STATION_ID_PATTERN } from './station-id.js';

// A plain JSON Schema `enum`, so that an error lists the allowed values once.
const enumOf = <T extends string>(values: readonly T[], description: string) =>
  Type.Unsafe<T>({ type: 'string', enum: [...values], description });

export const PHASE_WIRINGS = ['L1L2L3', 'L2L3L1', 'L3L1L2', 'L1', 'L2', 'L3'] as const;
export type PhaseWiring = (typeof PHASE_WIRINGS)[number];

export { STATION_ID_PATTERN } from './station-id.js';
/** Identity towards the CPO (U1): the CPO's rule, not ours; no white space, at most 48 characters. */
export const BOX_IDENTITY_PATTERN = '^\\S{1,48}$';

const AuthModeSchema = enumOf(AUTH_MODES, 'authentication mode (B1), see docs/authentication.md');
const OfflineAuthModeSchema = enumOf(OFFLINE_AUTH_MODES, 'offline policy (B2): what a station does without Fuseguard, and Fuseguard in cpo mode without the CPO');

/** Where Fuseguard listens (W8): used at the next start; command-line flags win over it. */
export const NetworkSettingsSchema = Type.Object({
  host: Type.Optional(Type.String({ minLength: 1, description: 'address to listen on [0.0.0.0]' })),
  port: Type.Optional(Type.Integer({ minimum: 1, maximum: 65_535, description: 'port for OCPP, API and web UI [8080]' })),
  tlsCertFile: Type.Optional(Type.String({ minLength: 1, description: 'PEM certificate: serve wss:// and https://' })),
  tlsKeyFile: Type.Optional(Type.String({ minLength: 1, description: 'PEM private key for tlsCertFile' })),
  trustProxy: Type.Optional(Type.Boolean({ description: 'behind one reverse proxy: a client address is the one the proxy appends to X-Forwarded-For (the last) [false]' })),
  ocppMaxFrameBytes: Type.Optional(Type.Integer({
    minimum: 4_096, maximum: 16_777_216, description: 'largest OCPP message a station may send, in bytes; a larger one closes its connection (1009) [131072]',
  })),
}, { additionalProperties: false });

/** The relay to a CPO's central system (U1–U4): stored now, used by the relay. */
export const UpstreamSettingsSchema = Type.Object({
  enabled: Type.Optional(Type.Boolean({ description: 'relay every station to the CPO [false]' })),
  url: Type.Optional(Type.String({ pattern: '^wss?://', description: "the CPO's OCPP 1.6J endpoint, without the station id" })),
  transactionMessageAttempts: Type.Optional(Type.Integer({ minimum: 1, maximum: 10_000, description: 'tries per transaction message (U2) [500]' })),
  webSocketPingIntervalS: Type.Optional(Type.Integer({ minimum: 0, maximum: 86_400, description: 'WebSocket ping interval upstream, 0 = none (U3) [120]' })),
  proxyUrl: Type.Optional(Type.String({ pattern: '^https?://', description: 'HTTP(S) proxy to reach the CPO (U4)' })),
}, { additionalProperties: false });

export const SettingsSchema = Type.Object({
  network: Type.Optional(NetworkSettingsSchema),
  upstream: Type.Optional(UpstreamSettingsSchema),
  minimumStandard: Type.Optional(enumOf(['IEC61851', 'EVZE'] as const, 'minimum current standard (A3) [IEC61851]')),
  sheddingPriority: Type.Optional(enumOf(['energy', 'duration'] as const, 'who is suspended first on shortage (A5) [energy]')),
  unknownStations: Type.Optional(enumOf(['reject', 'pending'] as const, 'what happens to a station that is not configured (O2) [pending]')),
  pendingStationsMax: Type.Optional(Type.Integer({
    minimum: 1, maximum: 10_000, description: 'most unknown stations held as pending (O2); when full, the one not connected and seen longest ago gives way, or else a new one is refused (503) [100]',
  })),
  pendingStationExpiryDays: Type.Optional(Type.Integer({ minimum: 1, maximum: 3_650, description: 'a pending station not seen for this long is removed (O2) [7]' })),
  stationPasswordAttempts: Type.Optional(Type.Integer({
    minimum: 1, maximum: 1_000, description: 'wrong or missing station passwords in a row for one charge box id before its connections are refused (429) for a while (O2) [5]',
  })),
  stationPasswordAddressAttempts: Type.Optional(Type.Integer({
    minimum: 1, maximum: 100_000, description: 'the same, from one client address, whatever the station (stations behind one NAT share it) [20]',
  })),
  stationPasswordBackoffMaxS: Type.Optional(Type.Integer({
    minimum: 1, maximum: 86_400, description: 'the longest such refusal; it starts at 1 s and doubles with each further failure [600]',
  })),
  rotationPeriodMin: Type.Optional(Type.Integer({ minimum: 1, maximum: 1_440, description: 'how often the set of suspended vehicles is re-evaluated on shortage, so that they take turns (A6) [15]' })),
  heartbeatIntervalS: Type.Optional(Type.Integer({ minimum: 10, maximum: 86_400, description: 'heartbeat interval given to stations at boot [300]' })),
  liveProfileDurationS: Type.Optional(Type.Integer({ minimum: 10, maximum: 3_600, description: 'how long a live setpoint profile holds without renewal; after that a station falls back to its failsafe (D5) [300]' })),
  meterPollingMs: Type.Optional(Type.Integer({ minimum: 100, maximum: 60_000, description: 'how often meters are read; a meter is lost after 3 missed periods (P1, P3) [500]' })),
  loginLockoutAttempts: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, description: 'failed logins in a row before a login, or a client address, is locked out (S2) [5]' })),
  loginLockoutS: Type.Optional(Type.Integer({ minimum: 1, maximum: 86_400, description: 'how long a lockout lasts (S2) [60]' })),
  sessionIdleTimeoutS: Type.Optional(Type.Integer({ minimum: 60, maximum: 604_800, description: 'a browser session ends after this long without a request (S2) [6000]' })),
  registerMapsDir: Type.Optional(Type.String({ description: 'a folder of extra register maps (*.json) for other meters (P2)' })),
  meterValueSampleIntervalS: Type.Optional(Type.Integer({ minimum: 1, maximum: 3_600, description: 'MeterValueSampleInterval set on every station (O5) [10]' })),
  freeModeIdTag: Type.Optional(Type.String({ minLength: 1, maxLength: 20, description: 'the idTag Fuseguard starts charges with in free mode (B1) [FREE]' })),
  // Retention (issue 16, item 12): pruned every 10 minutes, in small chunks; defaults in settings.ts.
  commandsMaxAgeDays: Type.Optional(Type.Integer({ minimum: 1, maximum: 3_650, description: 'commands sent to stations (O6) older than this are deleted [14]' })),
  commandsMaxRows: Type.Optional(Type.Integer({ minimum: 1_000, maximum: 100_000_000, description: 'at most this many commands are kept, the newest [1000000]' })),
  auditMaxAgeDays: Type.Optional(Type.Integer({ minimum: 1, maximum: 36_500, description: 'audit log entries (S4) older than this are deleted [365]' })),
  auditMaxRows: Type.Optional(Type.Integer({ minimum: 1_000, maximum: 10_000_000, description: 'at most this many audit log entries are kept, the newest [100000]' })),
  samplesOutsideSessionsMaxAgeDays: Type.Optional(Type.Integer({
    minimum: 1, maximum: 3_650, description: 'meter samples a station sent outside any session (read by nothing) older than this are deleted [7]',
  })),
}, { additionalProperties: false });

export const ZoneSchema = Type.Recursive((This) => Type.Object({
  name: Type.String({ minLength: 1, maxLength: 64 }),
  maxCurrentA: Type.Number({ exclusiveMinimum: 0, description: 'A per phase (Z1)' }),
  mode: enumOf(['static', 'dynamic'] as const, 'static: maxCurrentA is available; dynamic: a meter measures the switchboard (Z5, Z6)'),
  meter: Type.Optional(Type.String({ minLength: 1, description: 'dynamic zones: the meter of the switchboard' })),
  fallbackCurrentA: Type.Optional(Type.Number({ minimum: 0, description: 'dynamic zones: the limit while the meter is lost (D4) [0]' })),
  authMode: Type.Optional(AuthModeSchema),
  offlineAuthMode: Type.Optional(OfflineAuthModeSchema),
  children: Type.Optional(Type.Array(This)),
}, { additionalProperties: false }), { $id: 'Zone' });

export const ConnectorSchema = Type.Object({
  id: Type.Integer({ minimum: 1 }),
  phases: Type.Optional(enumOf(PHASE_WIRINGS, 'phase wiring (Z4) [L1L2L3]')),
  maxCurrentA: Type.Optional(Type.Number({ exclusiveMinimum: 0, maximum: 1000, description: 'connector/cable rating [32]' })),
  minCurrentA: Type.Optional(Type.Number({ exclusiveMinimum: 0, maximum: 1000, description: 'per-station override of the minimum (A3)' })),
  type: Type.Optional(enumOf(['AC', 'DC'] as const, '[AC]')),
  maxPowerW: Type.Optional(Type.Number({ exclusiveMinimum: 0, description: 'DC connectors: maximum power (A9)' })),
  socketType: Type.Optional(enumOf(SOCKET_TYPES, 'socket type, shown in the CDR export (W10); T2S and TE call for a minCurrentA of 10 A (A3), which the web UI proposes')),
}, { additionalProperties: false });

export const StationSchema = Type.Object({
  id: Type.String({ pattern: STATION_ID_PATTERN, description: 'charge box identity: 1 to 48 of A-Z a-z 0-9 * - _ = : + | @ . (O2)' }),
  zone: Type.String({ minLength: 1 }),
  name: Type.Optional(Type.String({ maxLength: 100 })),
  password: Type.Optional(Type.String({ minLength: 8, maxLength: 64, description: 'HTTP Basic password (AuthorizationKey)' })),
  passwordHash: Type.Optional(Type.String({ description: 'as written by `site export`; instead of password' })),
  vip: Type.Optional(Type.Boolean()),
  authMode: Type.Optional(AuthModeSchema),
  offlineAuthMode: Type.Optional(OfflineAuthModeSchema),
  boxIdentity: Type.Optional(Type.String({ pattern: BOX_IDENTITY_PATTERN, description: 'identity towards the CPO (U1)' })),
  upstreamPassword: Type.Optional(Type.String({ minLength: 1, maxLength: 128, description: 'HTTP Basic password towards the CPO (its AuthorizationKey for this station); in clear' })),
  connectors: Type.Array(ConnectorSchema),
}, { additionalProperties: false });

export const BadgeSchema = Type.Object({
  idTag: Type.String({ minLength: 1, maxLength: 20 }),
  authorized: Type.Optional(Type.Boolean({ description: '[true]' })),
  vip: Type.Optional(Type.Boolean({ description: '[false]' })),
  comment: Type.Optional(Type.String({ maxLength: 50 })),
}, { additionalProperties: false });

const TouSlotSchema = Type.Object({
  startHour: Type.Integer({ minimum: 0, maximum: 23 }), startMinute: Type.Integer({ minimum: 0, maximum: 59 }),
  endHour: Type.Integer({ minimum: 0, maximum: 23 }), endMinute: Type.Integer({ minimum: 0, maximum: 59 }),
}, { additionalProperties: false });

export const TouSchema = Type.Object({
  enabled: Type.Boolean({ description: 'time of use as a whole (M1)' }),
  timeZone: Type.String({ minLength: 1, description: 'IANA time zone of the site, e.g. Europe/Paris' }),
  periods: Type.Array(Type.Object({
    name: Type.String({ minLength: 1, maxLength: 40 }),
    enabled: Type.Boolean(),
    pct: Type.Number({ minimum: 0, maximum: 100 }),
    weekdays: Type.Array(enumOf(['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const, 'weekday'), { minItems: 1 }),
    slots: Type.Array(TouSlotSchema, { minItems: 1 }),
  }, { additionalProperties: false }), { maxItems: 5 }),
  zonePeriods: Type.Optional(Type.Record(Type.String(), Type.Array(Type.String()), { description: 'zone → the periods that apply to it [all]' })),
}, { additionalProperties: false });

export const SiteSchema = Type.Object({
  $schema: Type.Optional(Type.String()),
  settings: Type.Optional(SettingsSchema),
  zones: Type.Optional(Type.Array(ZoneSchema)),
  stations: Type.Optional(Type.Array(StationSchema)),
  badges: Type.Optional(Type.Array(BadgeSchema)),
  meters: Type.Optional(Type.Array(MeterConfigSchema)),
  tou: Type.Optional(TouSchema),
  inputs: Type.Optional(Type.Array(Type.Object({}, { additionalProperties: true }), {
    maxItems: 3, description: 'digital inputs (M2), checked in detail by src/inputs: see docs/digital-inputs.md',
  })),
}, { additionalProperties: false, $id: 'https://fuseguard.dev/schemas/site.schema.json', title: 'Fuseguard site file' });

export type SiteFile = Static<typeof SiteSchema>;
export type SiteSettings = Static<typeof SettingsSchema>;
export type SiteZone = Static<typeof ZoneSchema>;
export type SiteStation = Static<typeof StationSchema>;
export type SiteConnector = Static<typeof ConnectorSchema>;
export type SiteBadge = Static<typeof BadgeSchema>;
export type SiteTou = Static<typeof TouSchema>;

/** The schema as plain JSON, for editors and `schemas/site.schema.json`. */
export function siteJsonSchema(): TSchema {
  return JSON.parse(JSON.stringify({ $schema: 'http://json-schema.org/draft-07/schema#', ...SiteSchema })) as TSchema;
}
