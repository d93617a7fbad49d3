// Issue 16, item 2: the socket type of a connector (domain/connector/socket-type.ts), for the CDR
// export (W10) and the minimum it proposes; null: not said.
import type { Kysely, Migration } from 'kysely';

export function connectorSocketTypeMigration(): Migration {
  return {
    async up(db: Kysely<unknown>) {
      await db.schema.alterTable('connectors').addColumn('socket_type', 'text').execute();
    },
  };
}
