import type { Migration, MigrationProvider } from 'kysely';
import type { Dialect } from '../dialect.js';
import { initialMigration } from './001-initial.js';
import { usersAndApiMigration } from './002-users-and-api.js';
import { zoneHistoryMigration } from './003-zone-history.js';
import { relayOutboxMigration } from './004-relay-outbox.js';
import { authModesMigration } from './005-auth-modes.js';
import { cpoCapsMigration } from './006-cpo-caps.js';
import { upstreamPasswordMigration } from './007-upstream-password.js';
import { localListKeysMigration } from './008-local-list-keys.js';
import { failsafeHeldMigration } from './009-failsafe-held.js';
import { transactionAnomaliesMigration } from './010-transaction-anomalies.js';
import { userLastAccessMigration } from './011-user-last-access.js';
import { connectorSocketTypeMigration } from './012-connector-socket-type.js';
import { firmwareMigration } from './013-firmware.js';
import { remoteStartsMigration } from './014-remote-starts.js';

/** Versioned migrations, applied in name order at start. Never edit one that has shipped: add the next. */
export function migrations(dialect: Dialect): MigrationProvider {
  return {
    async getMigrations(): Promise<Record<string, Migration>> {
      return {
        '001-initial': initialMigration(dialect),
        '002-users-and-api': usersAndApiMigration(dialect),
        '003-zone-history': zoneHistoryMigration(dialect),
        '004-relay-outbox': relayOutboxMigration(dialect),
        '005-auth-modes': authModesMigration(dialect),
        '006-cpo-caps': cpoCapsMigration(),
        '007-upstream-password': upstreamPasswordMigration(),
        '008-local-list-keys': localListKeysMigration(),
        '009-failsafe-held': failsafeHeldMigration(),
        '010-transaction-anomalies': transactionAnomaliesMigration(),
        '011-user-last-access': userLastAccessMigration(),
        '012-connector-socket-type': connectorSocketTypeMigration(),
        '013-firmware': firmwareMigration(),
        '014-remote-starts': remoteStartsMigration(),
      };
    },
  };
}
