// Basic auth towards the CPO (U1, OCPP security profile 1/2): the password the CPO gave each
// station (its AuthorizationKey there). Kept in clear: Fuseguard must send it.
import type { Kysely, Migration } from 'kysely';

export function upstreamPasswordMigration(): Migration {
  return {
    async up(db: Kysely<unknown>) {
      await db.schema.alterTable('stations').addColumn('upstream_password', 'text').execute();
    },
  };
}
