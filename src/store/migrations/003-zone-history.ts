// Zone history for the dashboard's chart (W4): per zone and time bucket, the limit, allocated and
// measured current per phase. Kept for a few days and pruned (src/history/).
import type { Kysely, Migration } from 'kysely';
import type { Dialect } from '../dialect.js';

export function zoneHistoryMigration(_dialect: Dialect): Migration {
  return {
    async up(db: Kysely<unknown>) {
      let table = db.schema.createTable('zone_history')
        .addColumn('zone', 'text', (c) => c.notNull())
        .addColumn('at', 'bigint', (c) => c.notNull());
      for (const figure of ['limit', 'allocated', 'measured']) {
        for (const phase of ['l1', 'l2', 'l3']) table = table.addColumn(`${figure}_${phase}_a`, 'double precision', (c) => c.notNull());
      }
      await table.addPrimaryKeyConstraint('zone_history_pk', ['zone', 'at']).execute();
      await db.schema.createIndex('zone_history_at').on('zone_history').column('at').execute();
    },
  };
}
