// Issue 16, item 7: the firmware library and each station's rollout. The files themselves live in
// the data folder (firmware/), not in the database: they are large, and a backup need not carry them.
import type { Kysely, Migration } from 'kysely';

export function firmwareMigration(): Migration {
  return {
    async up(db: Kysely<unknown>) {
      await db.schema.createTable('firmware_files')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('version', 'text')
        .addColumn('size_bytes', 'bigint', (c) => c.notNull())
        .addColumn('sha256', 'text', (c) => c.notNull())
        .addColumn('uploaded_at', 'bigint', (c) => c.notNull())
        .addColumn('uploaded_by', 'text')
        .execute();
      // One rollout state per station: its latest update, kept once finished so that it shows.
      await db.schema.createTable('firmware_rollouts')
        .addColumn('station_id', 'text', (c) => c.primaryKey())
        .addColumn('firmware_id', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('ocpp_status', 'text')
        .addColumn('error', 'text')
        .addColumn('queued_at', 'bigint', (c) => c.notNull())
        .addColumn('sent_at', 'bigint')
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('firmware_rollouts_status').on('firmware_rollouts').columns(['status', 'queued_at']).execute();
    },
  };
}
