// Issue 16, item 4: when each user was last seen (a login, or a request of one of its browser
// sessions, written at most once a minute like the session's own time); null: never since.
import type { Kysely, Migration } from 'kysely';

export function userLastAccessMigration(): Migration {
  return {
    async up(db: Kysely<unknown>) {
      await db.schema.alterTable('users').addColumn('last_access_at', 'bigint').execute();
    },
  };
}
