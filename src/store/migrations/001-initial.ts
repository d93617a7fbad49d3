// The first schema (issue 2). Portable column types only: the dialect-specific id column comes
// from `idColumn`, so the same migration runs on SQLite and PostgreSQL.
import type { Kysely, Migration } from 'kysely';
import type { Dialect } from '../dialect.js';

export function initialMigration(dialect: Dialect): Migration {
  return {
    async up(db: Kysely<unknown>) {
      const idType = dialect === 'postgres' ? 'bigserial' : 'integer';
      await db.schema.createTable('settings')
        .addColumn('key', 'text', (c) => c.primaryKey())
        .addColumn('value', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createTable('zones')
        .addColumn('name', 'text', (c) => c.primaryKey())
        .addColumn('parent', 'text')
        .addColumn('max_current_a', 'double precision', (c) => c.notNull())
        .addColumn('mode', 'text', (c) => c.notNull())
        .addColumn('meter', 'text')
        .addColumn('fallback_current_a', 'double precision', (c) => c.notNull().defaultTo(0))
        .addColumn('auth_mode', 'text')
        .addColumn('position', 'integer', (c) => c.notNull().defaultTo(0))
        .execute();
      await db.schema.createTable('stations')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('admission', 'text', (c) => c.notNull())
        .addColumn('zone', 'text')
        .addColumn('name', 'text')
        .addColumn('password_hash', 'text')
        .addColumn('vip', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('auth_mode', 'text')
        .addColumn('box_identity', 'text')
        .addColumn('vendor', 'text')
        .addColumn('model', 'text')
        .addColumn('serial_number', 'text')
        .addColumn('firmware_version', 'text')
        .addColumn('first_seen_at', 'bigint')
        .addColumn('last_boot_at', 'bigint')
        .addColumn('connected', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('last_connected_at', 'bigint')
        .addColumn('last_disconnected_at', 'bigint')
        .addColumn('disconnect_reason', 'text')
        .addColumn('remote_address', 'text')
        .addColumn('status', 'text')
        .addColumn('error_code', 'text')
        .addColumn('status_at', 'bigint')
        .addColumn('control_issue', 'text')
        .execute();
      await db.schema.createTable('connectors')
        .addColumn('station_id', 'text', (c) => c.notNull())
        .addColumn('connector_id', 'integer', (c) => c.notNull())
        .addColumn('phases', 'text', (c) => c.notNull())
        .addColumn('min_current_a', 'double precision')
        .addColumn('max_current_a', 'double precision', (c) => c.notNull())
        .addColumn('type', 'text', (c) => c.notNull())
        .addColumn('max_power_w', 'double precision')
        .addColumn('status', 'text')
        .addColumn('error_code', 'text')
        .addColumn('status_at', 'bigint')
        .addPrimaryKeyConstraint('connectors_pk', ['station_id', 'connector_id'])
        .execute();
      await db.schema.createTable('badges')
        .addColumn('id_tag', 'text', (c) => c.primaryKey())
        .addColumn('authorized', 'integer', (c) => c.notNull())
        .addColumn('vip', 'integer', (c) => c.notNull())
        .addColumn('comment', 'text', (c) => c.notNull().defaultTo(''))
        .addColumn('registered_at', 'bigint', (c) => c.notNull())
        .addColumn('last_seen_at', 'bigint')
        .execute();
      await db.schema.createTable('seen_badges')
        .addColumn('id_tag', 'text', (c) => c.primaryKey())
        .addColumn('first_seen_at', 'bigint', (c) => c.notNull())
        .addColumn('last_seen_at', 'bigint', (c) => c.notNull())
        .addColumn('last_station_id', 'text', (c) => c.notNull())
        .addColumn('times_seen', 'integer', (c) => c.notNull())
        .execute();
      await db.schema.createTable('transactions')
        .addColumn('id', 'bigint', (c) => c.primaryKey())
        .addColumn('station_id', 'text', (c) => c.notNull())
        .addColumn('connector_id', 'integer', (c) => c.notNull())
        .addColumn('id_tag', 'text', (c) => c.notNull())
        .addColumn('auth_status', 'text', (c) => c.notNull())
        .addColumn('reservation_id', 'integer')
        .addColumn('meter_start_wh', 'bigint', (c) => c.notNull())
        .addColumn('start_at', 'bigint', (c) => c.notNull())
        .addColumn('meter_stop_wh', 'bigint')
        .addColumn('stop_at', 'bigint')
        .addColumn('stop_reason', 'text')
        .addColumn('stop_id_tag', 'text')
        .addColumn('energy_wh', 'bigint')
        .addColumn('last_meter_wh', 'double precision')
        .addColumn('last_meter_at', 'bigint')
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('transactions_open').on('transactions').columns(['station_id', 'connector_id', 'stop_at']).execute();
      await db.schema.createIndex('transactions_start').on('transactions').column('start_at').execute();
      await db.schema.createTable('meter_samples')
        .addColumn('transaction_id', 'bigint')
        .addColumn('station_id', 'text', (c) => c.notNull())
        .addColumn('connector_id', 'integer', (c) => c.notNull())
        .addColumn('at', 'bigint', (c) => c.notNull())
        .addColumn('measurand', 'text', (c) => c.notNull())
        .addColumn('phase', 'text')
        .addColumn('value', 'double precision', (c) => c.notNull())
        .addColumn('unit', 'text', (c) => c.notNull())
        .addColumn('context', 'text')
        .execute();
      await db.schema.createIndex('meter_samples_tx').on('meter_samples').columns(['transaction_id', 'at']).execute();
      await db.schema.createTable('sequences')
        .addColumn('name', 'text', (c) => c.primaryKey())
        .addColumn('next_value', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema.createTable('commands')
        .addColumn('id', idType, (c) => c.primaryKey())
        .addColumn('station_id', 'text', (c) => c.notNull())
        .addColumn('action', 'text', (c) => c.notNull())
        .addColumn('request', 'text', (c) => c.notNull())
        .addColumn('outcome', 'text', (c) => c.notNull())
        .addColumn('response', 'text')
        .addColumn('sent_at', 'bigint', (c) => c.notNull())
        .addColumn('done_at', 'bigint')
        .execute();
      await db.schema.createIndex('commands_station').on('commands').columns(['station_id', 'id']).execute();
      await db.schema.createTable('logs')
        .addColumn('id', idType, (c) => c.primaryKey())
        .addColumn('at', 'bigint', (c) => c.notNull())
        .addColumn('level', 'text', (c) => c.notNull())
        .addColumn('station_id', 'text')
        .addColumn('action', 'text')
        .addColumn('message', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('logs_at').on('logs').column('at').execute();
    },
  };
}
