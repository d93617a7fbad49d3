// B1/B2: whether a station was sent the keys of `station-list` (LocalAuthListEnabled and
// LocalPreAuthorize on) and has not taken another mode's since. Stored, so that a station moved to
// another mode while Fuseguard was down still gets them turned off.
import type { Kysely, Migration } from 'kysely';

export function localListKeysMigration(): Migration {
  return {
    async up(db: Kysely<unknown>) {
      await db.schema.alterTable('stations').addColumn('local_list_keys', 'integer').execute();
    },
  };
}
