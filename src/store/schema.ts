// Table types for Kysely. Times are epoch milliseconds (`...At`), booleans are 0/1 integers,
// so the same code runs on SQLite and PostgreSQL.
import type { Generated, Insertable, Selectable, Updateable } from 'kysely';

export interface SettingsTable {
  key: string;
  value: string; // JSON
}

export interface ZonesTable {
  name: string;
  parent: string | null;
  max_current_a: number;
  mode: 'static' | 'dynamic';
  meter: string | null;
  fallback_current_a: number;
  auth_mode: string | null; // null: inherited from the parent (B1)
  offline_auth_mode: string | null; // null: inherited from the parent (B2)
  position: number; // order among siblings, as in the site file
}

export interface StationsTable {
  id: string;
  /** 'admitted' stations may charge; 'pending' ones connected unknown and wait for an admin (O2). */
  admission: 'admitted' | 'pending';
  zone: string | null;
  name: string | null;
  password_hash: string | null;
  vip: number;
  auth_mode: string | null; // null: the zone's mode
  offline_auth_mode: string | null; // null: the zone's policy (B2)
  box_identity: string | null;
  /** Basic auth password towards the CPO (U1); in clear, as it must be sent. */
  upstream_password: string | null;
  /** 1: the station was sent the `station-list` keys and has not taken another mode's since (B1). */
  local_list_keys: number | null;
  vendor: string | null;
  model: string | null;
  serial_number: string | null;
  firmware_version: string | null;
  first_seen_at: number | null;
  last_boot_at: number | null;
  connected: number;
  last_connected_at: number | null;
  last_disconnected_at: number | null;
  disconnect_reason: string | null;
  remote_address: string | null;
  /** The status of the whole station (StatusNotification for connector 0). */
  status: string | null;
  error_code: string | null;
  status_at: number | null;
  /** Why Fuseguard cannot control the station (it refuses profiles), or null (spec D5, issue 4). */
  control_issue: string | null;
}

export interface ConnectorsTable {
  station_id: string;
  connector_id: number;
  phases: string;
  min_current_a: number | null; // null: the site's minimum standard (A3)
  max_current_a: number;
  type: 'AC' | 'DC';
  max_power_w: number | null;
  status: string | null;
  error_code: string | null;
  status_at: number | null;
  /** D8: the failsafe its station surely holds, A per phase; null: not known (migration 009). */
  failsafe_held_a: number | null;
  /** 1: created from a station's report with the default wiring, not confirmed by an installer (migration 009). */
  discovered: number | null;
  /** Issue 16: T2, T2S, TE, ... (domain/connector/socket-type.ts); null: not said (migration 012). */
  socket_type: string | null;
}

export interface BadgesTable {
  id_tag: string;
  authorized: number;
  vip: number;
  comment: string;
  registered_at: number;
  last_seen_at: number | null;
}

export interface SeenBadgesTable {
  id_tag: string;
  first_seen_at: number;
  last_seen_at: number;
  last_station_id: string;
  times_seen: number;
}

export interface TransactionsTable {
  id: number;
  station_id: string;
  connector_id: number;
  id_tag: string;
  auth_status: string;
  reservation_id: number | null;
  meter_start_wh: number;
  start_at: number;
  meter_stop_wh: number | null;
  stop_at: number | null;
  stop_reason: string | null;
  stop_id_tag: string | null;
  energy_wh: number | null;
  last_meter_wh: number | null;
  last_meter_at: number | null;
  created_at: number;
  /** What Fuseguard corrected in what the station sent (issue 14, row 7), comma-separated; null: nothing. */
  anomalies: string | null;
}

export interface MeterSamplesTable {
  transaction_id: number | null;
  station_id: string;
  connector_id: number;
  at: number;
  measurand: string;
  phase: string | null;
  value: number;
  unit: string;
  context: string | null;
}

export interface SequencesTable {
  name: string;
  next_value: number;
}

export interface CommandsTable {
  id: Generated<number>;
  station_id: string;
  action: string;
  request: string; // JSON
  outcome: 'pending' | 'answered' | 'error' | 'timeout';
  response: string | null; // JSON of the answer or the error
  sent_at: number;
  done_at: number | null;
}

export interface LogsTable {
  id: Generated<number>;
  at: number;
  level: 'debug' | 'info' | 'warn' | 'error';
  station_id: string | null;
  action: string | null;
  message: string;
}

export type Role = 'admin' | 'user';

export interface UsersTable {
  login: string;
  role: Role;
  password_hash: string;
  must_change: number;
  created_at: number;
  updated_at: number;
  /** A login or a request of one of its sessions (at most once a minute); null: never since. */
  last_access_at: number | null;
}

export interface WebSessionsTable {
  /** SHA-256 of the cookie value: a stolen database does not give live sessions. */
  id_hash: string;
  login: string;
  csrf_token: string;
  created_at: number;
  last_seen_at: number;
  remote_address: string | null;
}

export interface ApiTokensTable {
  id: string;
  name: string;
  role: Role;
  token_hash: string;
  created_by: string;
  created_at: number;
  last_used_at: number | null;
  revoked_at: number | null;
}

export interface AuditLogTable {
  id: Generated<number>;
  at: number;
  actor: string;
  action: string;
  target: string | null;
  details: string | null; // JSON
}

/** A remote start Fuseguard asked for, until its StartTransaction or `until_at` (B1). */
export interface RemoteStartsTable {
  station_id: string;
  id_tag: string;
  until_at: number;
}

export interface Database {
  settings: SettingsTable;
  zones: ZonesTable;
  stations: StationsTable;
  connectors: ConnectorsTable;
  badges: BadgesTable;
  seen_badges: SeenBadgesTable;
  transactions: TransactionsTable;
  meter_samples: MeterSamplesTable;
  sequences: SequencesTable;
  commands: CommandsTable;
  logs: LogsTable;
  users: UsersTable;
  web_sessions: WebSessionsTable;
  api_tokens: ApiTokensTable;
  audit_log: AuditLogTable;
  remote_starts: RemoteStartsTable;
}

export type UserRow = Selectable<UsersTable>;
export type WebSessionRow = Selectable<WebSessionsTable>;
export type ApiTokenRow = Selectable<ApiTokensTable>;
export type AuditRow = Selectable<AuditLogTable>;

export type StationRow = Selectable<StationsTable>;
export type ConnectorRow = Selectable<ConnectorsTable>;
export type ZoneRow = Selectable<ZonesTable>;
export type BadgeRow = Selectable<BadgesTable>;
export type TransactionRow = Selectable<TransactionsTable>;
export type NewMeterSample = Insertable<MeterSamplesTable>;
export type StationUpdate = Updateable<StationsTable>;
