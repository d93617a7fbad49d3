// D8: the failsafe a connector's station surely holds (acknowledged, no send unanswered, no boot
// since), A per phase; null: not known. Stored, so that after a restart of Fuseguard a station
// that does not come back is counted at its failsafe once its last live profile has run out,
// instead of at its maximum for ever. And whether a connector was created by Fuseguard from what
// a station reported (1), with the default wiring no installer confirmed: its phases are unknown.
import type { Kysely, Migration } from 'kysely';

export function failsafeHeldMigration(): Migration {
  return {
    async up(db: Kysely<unknown>) {
      await db.schema.alterTable('connectors').addColumn('failsafe_held_a', 'double precision').execute();
      await db.schema.alterTable('connectors').addColumn('discovered', 'integer').execute();
    },
  };
}
