// Issue 14, row 7: what Fuseguard corrected in a session the station reported (an absurd time,
// meter reading or connector's stale session), comma-separated; null when nothing was.
import type { Kysely, Migration } from 'kysely';

export function transactionAnomaliesMigration(): Migration {
  return {
    async up(db: Kysely<unknown>) {
      await db.schema.alterTable('transactions').addColumn('anomalies', 'text').execute();
    },
  };
}
