// What a backup holds (X3) and what a factory reset clears (X4), as whole-table operations: the
// SQL of src/maintenance/site-data.ts, which checks a backup's contents and keeps its format.
import { sql } from 'kysely';
import type { Db } from './database.js';
import type { CpoCapsTable } from './repositories/cpo-caps-repository.js';
import type { RelayTables } from './repositories/relay-outbox-repository.js';
import { TRANSACTION_SEQUENCE } from './repositories/transactions-repository.js';
import type { Database, UserRow } from './schema.js';

/**
 * The tables of a backup, in the order they are restored. Settings hold meters, network, auth, TOU,
 * inputs; the relay's outbox and id map (U2) and the CPO's caps (U1) go with the sessions they
 * belong to: restored apart, the relay would resend or drop messages of other sessions.
 */
export const BACKUP_TABLES = ['settings', 'zones', 'stations', 'connectors', 'badges', 'seen_badges', 'transactions', 'meter_samples', 'sequences', 'users', 'cpo_caps', 'relay_transactions', 'relay_outbox'] as const;
export type BackupTable = (typeof BACKUP_TABLES)[number];
/** Tables backups hold since issue 16: one made before restores them empty (and says so: its count is 0). */
export const ADDED_LATER: ReadonlySet<BackupTable> = new Set(['cpo_caps', 'relay_transactions', 'relay_outbox']);

type BackupDatabase = Database & RelayTables & { cpo_caps: CpoCapsTable };
/** The tables outside schema.ts (the relay's and the caps', declared by their repositories). */
const backupTables = (db: Db) => db.withTables<RelayTables & { cpo_caps: CpoCapsTable }>();

/** The columns kept per table: a backup from a newer Fuseguard with extra columns still restores. */
const COLUMNS: { [T in BackupTable]: readonly (keyof BackupDatabase[T] & string)[] } = {
  settings: ['key', 'value'],
  zones: ['name', 'parent', 'max_current_a', 'mode', 'meter', 'fallback_current_a', 'auth_mode', 'offline_auth_mode', 'position'],
  stations: ['id', 'admission', 'zone', 'name', 'password_hash', 'vip', 'auth_mode', 'offline_auth_mode', 'box_identity', 'upstream_password', 'local_list_keys', 'vendor', 'model', 'serial_number', 'firmware_version',
    'first_seen_at', 'last_boot_at', 'connected', 'last_connected_at', 'last_disconnected_at', 'disconnect_reason', 'remote_address', 'status', 'error_code', 'status_at', 'control_issue'],
  connectors: ['station_id', 'connector_id', 'phases', 'min_current_a', 'max_current_a', 'type', 'max_power_w', 'status', 'error_code', 'status_at', 'discovered', 'socket_type'],
  badges: ['id_tag', 'authorized', 'vip', 'comment', 'registered_at', 'last_seen_at'],
  seen_badges: ['id_tag', 'first_seen_at', 'last_seen_at', 'last_station_id', 'times_seen'],
  transactions: ['id', 'station_id', 'connector_id', 'id_tag', 'auth_status', 'reservation_id', 'meter_start_wh', 'start_at', 'meter_stop_wh', 'stop_at',
    'stop_reason', 'stop_id_tag', 'energy_wh', 'last_meter_wh', 'last_meter_at', 'created_at', 'anomalies'],
  meter_samples: ['transaction_id', 'station_id', 'connector_id', 'at', 'measurand', 'phase', 'value', 'unit', 'context'],
  sequences: ['name', 'next_value'],
  users: ['login', 'role', 'password_hash', 'must_change', 'created_at', 'updated_at'],
  cpo_caps: ['station_id', 'connector_id', 'cap_a', 'set_at'],
  relay_transactions: ['transaction_id', 'station_id', 'cpo_transaction_id', 'mapped_at'],
  relay_outbox: ['id', 'station_id', 'action', 'transaction_id', 'dedupe_key', 'payload', 'state', 'attempts', 'created_at', 'done_at', 'last_error'],
};

export type TableCounts = { [T in BackupTable]: number };
/** A backup's rows per table. */
export type BackupTableRows = { [T in BackupTable]: Record<string, unknown>[] };

/** Every backed-up table, as rows. */
export async function readTables(db: Db): Promise<BackupTableRows> {
  const tables = {} as BackupTableRows;
  for (const table of BACKUP_TABLES) {
    tables[table] = await backupTables(db).selectFrom(table).select(COLUMNS[table] as never[]).execute() as Record<string, unknown>[];
  }
  return tables;
}

export interface RestoreOptions {
  /** Keep the current users (and their sessions and tokens); restore everything else. */
  withoutCredentials: boolean;
  /** Stations connected right now: they stay marked connected. */
  connectedStationIds: ReadonlySet<string>;
  /** Put in when the backup has no user at all, so that someone can log in. */
  factoryAdmin?: UserRow;
}

/**
 * Replaces the site's data by the backup's, in one transaction (`trx`): on any error nothing is
 * changed. Restoring credentials ends every browser session (the logins may differ now).
 */
export async function restoreTables(trx: Db, contents: { tables: BackupTableRows }, options: RestoreOptions): Promise<TableCounts> {
  const counts = {} as TableCounts;
  const tables = BACKUP_TABLES.filter((t) => !(t === 'users' && options.withoutCredentials));
  const sequencesBefore = await trx.selectFrom('sequences').selectAll().execute();
  for (const table of [...tables].reverse()) await backupTables(trx).deleteFrom(table).execute();
  for (const table of tables) {
    let rows = contents.tables[table].map((row) => pick(row, COLUMNS[table]));
    if (table === 'stations') rows = rows.map((r) => ({ ...r, connected: options.connectedStationIds.has(String(r.id)) ? 1 : 0 }));
    for (let i = 0; i < rows.length; i += 200) {
      await backupTables(trx).insertInto(table).values(rows.slice(i, i + 200) as never).execute();
    }
    counts[table] = rows.length;
  }
  await keepSequencesAhead(trx, sequencesBefore);
  if (options.withoutCredentials) {
    counts.users = 0;
  } else {
    await trx.deleteFrom('web_sessions').execute();
    if (contents.tables.users.length === 0 && options.factoryAdmin) await trx.insertInto('users').values(options.factoryAdmin).execute();
  }
  return counts;
}

/**
 * Ids never go backwards (issue 14, row 14): a restored counter below the one it replaces, or below
 * the restored rows' ids, is moved up. A station still holding a transaction id given out since the
 * backup, the relay's id map and the CPO must never see that id again for another session.
 */
async function keepSequencesAhead(trx: Db, before: readonly { name: string; next_value: number }[]): Promise<void> {
  const restored = new Map((await trx.selectFrom('sequences').selectAll().execute()).map((r) => [r.name, Number(r.next_value)]));
  const floor = new Map(before.map((r) => [r.name, Number(r.next_value)]));
  const maxTransactionId = (await trx.selectFrom('transactions').select(sql<number | null>`max(id)`.as('id')).executeTakeFirst())?.id;
  if (maxTransactionId != null) floor.set(TRANSACTION_SEQUENCE, Math.max(floor.get(TRANSACTION_SEQUENCE) ?? 1, Number(maxTransactionId) + 1));
  for (const [name, value] of floor) {
    const current = restored.get(name);
    if (current === undefined) await trx.insertInto('sequences').values({ name, next_value: value }).execute();
    else if (current < value) await trx.updateTable('sequences').set({ next_value: value }).where('name', '=', name).execute();
  }
}

function pick(row: Record<string, unknown>, columns: readonly string[]): Record<string, unknown> {
  return Object.fromEntries(columns.filter((c) => row[c] !== undefined).map((c) => [c, row[c]]));
}

/** Settings keys a factory reset removes: they describe the site's meters, network and wiring. */
export const RESET_SETTINGS = ['meters', 'network', 'tou', 'inputs'] as const;

export interface FactoryResetSummary {
  stations: number;
  zones: number;
  badges: number;
  sessions: number;
  users: number;
}

/**
 * X4, in one transaction: deletes badges, stations, zones, meters, sessions (transactions and
 * their samples, the relay's outbox and id map, the CPO's caps, remote starts, firmware rollouts),
 * every user, API token and browser session, then puts the factory admin back
 * (admin/ADMIN, must change); turns the relay off and resets the network settings.
 */
export async function factoryReset(trx: Db, factoryAdmin: UserRow): Promise<FactoryResetSummary> {
  const count = async (table: 'stations' | 'zones' | 'badges' | 'transactions' | 'users') =>
    Number((await trx.selectFrom(table).select(sql<number>`count(*)`.as('n')).executeTakeFirstOrThrow()).n);
  const summary = { stations: await count('stations'), zones: await count('zones'), badges: await count('badges'), sessions: await count('transactions'), users: await count('users') };
  for (const table of ['meter_samples', 'transactions', 'remote_starts', 'connectors', 'stations', 'zones', 'badges', 'seen_badges', 'web_sessions', 'api_tokens', 'users'] as const) {
    await trx.deleteFrom(table).execute();
  }
  // Each station's firmware rollout goes with the station (the firmware library stays).
  await trx.withTables<{ firmware_rollouts: { station_id: string } }>().deleteFrom('firmware_rollouts').execute();
  // What the relay owed the CPO and the caps it set go with the sessions and stations (the relay is turned off).
  for (const table of ['relay_outbox', 'relay_transactions', 'cpo_caps'] as const) await backupTables(trx).deleteFrom(table).execute();
  await trx.deleteFrom('settings').where('key', 'in', [...RESET_SETTINGS]).execute();
  const upstream = await trx.selectFrom('settings').select('value').where('key', '=', 'upstream').executeTakeFirst();
  const relay = { ...(upstream ? JSON.parse(upstream.value) as Record<string, unknown> : {}), enabled: false };
  await trx.insertInto('settings').values({ key: 'upstream', value: JSON.stringify(relay) })
    .onConflict((oc) => oc.column('key').doUpdateSet({ value: JSON.stringify(relay) })).execute();
  await trx.insertInto('users').values(factoryAdmin).execute();
  return summary;
}

/** Rows per backed-up table, as they are now. */
export async function countTables(db: Db): Promise<TableCounts> {
  const counts = {} as TableCounts;
  for (const table of BACKUP_TABLES) {
    counts[table] = Number((await backupTables(db).selectFrom(table).select(sql<number>`count(*)`.as('n')).executeTakeFirstOrThrow()).n);
  }
  return counts;
}
