// What a backup holds (X3) and what a factory reset clears (X4): the contents' format and checks;
// the whole-table reads and writes are the store's (src/store/site-data.ts).
import { FACTORY_LOGIN, FACTORY_PASSWORD } from '../api/auth/credential-rules.js';
import { acceptableCost, hashPassword } from '../api/auth/passwords.js';
import type { Db } from '../store/database.js';
import { BACKUP_TABLES, ADDED_LATER, readTables, type BackupTableRows } from '../store/site-data.js';
import type { UserRow } from '../store/schema.js';

export { BACKUP_TABLES, countTables, factoryReset, RESET_SETTINGS, type BackupTable, type FactoryResetSummary, type RestoreOptions, type TableCounts } from '../store/site-data.js';
/** Replaces the site's data by a checked backup's, in one transaction: on any error nothing is changed. */
export { restoreTables as restoreBackupContents } from '../store/site-data.js';

export const BACKUP_KIND = 'fuseguard-backup';

export interface BackupContents {
  kind: typeof BACKUP_KIND;
  formatVersion: 1;
  createdAt: number;
  fuseguardVersion: string;
  tables: BackupTableRows;
}

export class BackupContentsError extends Error {
  readonly code = 'backup-contents';
}

/** Every backed-up table, as rows. */
export async function readBackupContents(db: Db, at: number, fuseguardVersion: string): Promise<BackupContents> {
  return { kind: BACKUP_KIND, formatVersion: 1, createdAt: at, fuseguardVersion, tables: await readTables(db) };
}

/** Checks what a decrypted backup holds, before anything is changed. */
export function checkBackupContents(value: unknown): BackupContents {
  const v = value as Partial<BackupContents> | null;
  if (!v || typeof v !== 'object' || v.kind !== BACKUP_KIND || typeof v.tables !== 'object' || v.tables === null) {
    throw new BackupContentsError('the backup decrypts but does not hold Fuseguard data');
  }
  for (const table of BACKUP_TABLES) {
    if (ADDED_LATER.has(table) && (v.tables as Record<string, unknown>)[table] === undefined) (v.tables as Record<string, unknown>)[table] = [];
    const rows = (v.tables as Record<string, unknown>)[table];
    if (!Array.isArray(rows) || rows.some((r) => typeof r !== 'object' || r === null || Array.isArray(r))) {
      throw new BackupContentsError(`the backup's table "${table}" is missing or not a list of rows`);
    }
  }
  // A password hash asking for a cost no login may pay (issue 14, row 15) is refused at restore.
  for (const user of (v.tables as Record<string, Record<string, unknown>[]>).users) {
    const [scheme, n, r, p] = String(user.password_hash ?? '').split('$');
    if (scheme !== 'scrypt' || !acceptableCost(Number(n), Number(r), Number(p))) {
      throw new BackupContentsError(`the backup's user "${String(user.login)}" has a password hash Fuseguard does not take (scrypt up to N 2^17, r 16, p 4)`);
    }
  }
  return v as BackupContents;
}

/** The factory login admin/ADMIN (S2), hashed before a transaction starts. */
export async function factoryAdminRow(at: number): Promise<UserRow> {
  return { login: FACTORY_LOGIN, role: 'admin', password_hash: await hashPassword(FACTORY_PASSWORD), must_change: 1, created_at: at, updated_at: at, last_access_at: null };
}

