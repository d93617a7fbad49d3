// Authentication modes and offline policies (B1, B2): the offline policy of zones and stations,
// and Fuseguard's cache of badges the CPO accepted (for `reject-except-cached` in `cpo` mode).
import type { Kysely, Migration } from 'kysely';
import type { Dialect } from '../dialect.js';

export function authModesMigration(_dialect: Dialect): Migration {
  return {
    async up(db: Kysely<unknown>) {
      await db.schema.alterTable('zones').addColumn('offline_auth_mode', 'text').execute();
      await db.schema.alterTable('stations').addColumn('offline_auth_mode', 'text').execute();
      await db.schema.createTable('cpo_badge_cache')
        .addColumn('id_tag', 'text', (c) => c.primaryKey())
        .addColumn('station_id', 'text', (c) => c.notNull())
        .addColumn('accepted_at', 'bigint', (c) => c.notNull())
        .execute();
    },
  };
}
