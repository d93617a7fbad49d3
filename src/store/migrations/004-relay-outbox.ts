// The relay's durable outbox (U2): transaction messages waiting for the CPO, in order per
// station, and the mapping of Fuseguard's transaction ids to the CPO's.
import type { Kysely, Migration } from 'kysely';
import type { Dialect } from '../dialect.js';

export function relayOutboxMigration(dialect: Dialect): Migration {
  return {
    async up(db: Kysely<unknown>) {
      const idType = dialect === 'postgres' ? 'bigserial' : 'integer';
      await db.schema.createTable('relay_outbox')
        .addColumn('id', idType, (c) => c.primaryKey())
        .addColumn('station_id', 'text', (c) => c.notNull())
        .addColumn('action', 'text', (c) => c.notNull())
        .addColumn('transaction_id', 'bigint')
        .addColumn('dedupe_key', 'text', (c) => c.notNull())
        .addColumn('payload', 'text', (c) => c.notNull())
        .addColumn('state', 'text', (c) => c.notNull())
        .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('done_at', 'bigint')
        .addColumn('last_error', 'text')
        .execute();
      await db.schema.createIndex('relay_outbox_dedupe').unique().on('relay_outbox').columns(['station_id', 'dedupe_key']).execute();
      await db.schema.createIndex('relay_outbox_queue').on('relay_outbox').columns(['state', 'station_id', 'id']).execute();
      await db.schema.createTable('relay_transactions')
        .addColumn('transaction_id', 'bigint', (c) => c.primaryKey())
        .addColumn('station_id', 'text', (c) => c.notNull())
        .addColumn('cpo_transaction_id', 'bigint', (c) => c.notNull())
        .addColumn('mapped_at', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('relay_transactions_cpo').on('relay_transactions').columns(['station_id', 'cpo_transaction_id']).execute();
    },
  };
}
