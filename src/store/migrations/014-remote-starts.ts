// Issue 16, item 9: the remote starts Fuseguard asked for (API, CPO, free mode) wait for their
// StartTransaction in the database, so that a restart in between does not refuse the charge.
import type { Kysely, Migration } from 'kysely';

export function remoteStartsMigration(): Migration {
  return {
    async up(db: Kysely<unknown>) {
      await db.schema.createTable('remote_starts')
        .addColumn('station_id', 'text', (c) => c.notNull())
        .addColumn('id_tag', 'text', (c) => c.notNull())
        .addColumn('until_at', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('remote_starts_pk', ['station_id', 'id_tag'])
        .execute();
    },
  };
}
