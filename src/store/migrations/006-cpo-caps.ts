// The CPO's charging profiles as caps (U1), kept over a restart: the CPO believes its profile is
// in force until it clears it, so Fuseguard must not forget it.
import type { Kysely, Migration } from 'kysely';

export function cpoCapsMigration(): Migration {
  return {
    async up(db: Kysely<unknown>) {
      await db.schema.createTable('cpo_caps')
        .addColumn('station_id', 'text', (c) => c.notNull())
        .addColumn('connector_id', 'integer', (c) => c.notNull())
        .addColumn('cap_a', 'real', (c) => c.notNull())
        .addColumn('set_at', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('cpo_caps_pk', ['station_id', 'connector_id'])
        .execute();
    },
  };
}
