// Opens the SQLite store in the data directory and brings its schema up to date.
import { mkdirSync } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { Kysely, Migrator, SqliteDialect } from 'kysely';
import { migrations } from './migrations/index.js';
import type { SyncLog } from './group-commit.js';
import type { Database } from './schema.js';
import { walCheckpointer, type WalCheckpointer } from './wal-checkpoint.js';

export type Db = Kysely<Database>;

export const DATABASE_FILE = 'fuseguard.sqlite';

/** `wal`: the write-ahead log is on (a file system may refuse it); only then can it be synced apart (walSyncer). */
export async function openDatabase(dataDir: string, options: { checkpointIntervalMs?: number } = {}): Promise<{ db: Db; wal: boolean; checkpointer?: WalCheckpointer }> {
  mkdirSync(dataDir, { recursive: true });
  const sqlite = new SqliteDatabase(join(dataDir, DATABASE_FILE));
  // WAL lets readers run beside the writer; FULL syncs every commit, so an acknowledged
  // transaction event survives a crash and a power cut alike.
  const wal = sqlite.pragma('journal_mode = WAL', { simple: true }) === 'wal';
  sqlite.pragma('synchronous = FULL');
  sqlite.pragma('busy_timeout = 5000');
  cacheStatements(sqlite);
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: sqlite }) });
  const { error, results } = await new Migrator({ db, provider: migrations('sqlite') }).migrateToLatest();
  const failed = results?.find((r) => r.status === 'Error');
  if (error || failed) {
    await db.destroy();
    throw new Error(`database migration ${failed?.migrationName ?? ''} failed: ${error instanceof Error ? error.message : String(error)}`);
  }
  // The log is checkpointed by a worker, never inside a COMMIT on the event loop (wal-checkpoint.ts).
  const checkpointer = wal ? walCheckpointer(sqlite, join(dataDir, DATABASE_FILE), options.checkpointIntervalMs) : undefined;
  return { db, wal, checkpointer };
}

/**
 * Syncs the write-ahead log of the database in `dataDir` to disk, in libuv's thread pool (not on
 * the event loop): what is committed in it before the call is then durable, as with
 * `synchronous = FULL` (see group-commit.ts). The log is opened at the first sync and kept open:
 * SQLite keeps the same file while a connection (ours) is open (only the last connection to close
 * removes it, and restores go through SQL). `close` closes it.
 */
export function walSyncer(dataDir: string): SyncLog & { close: () => Promise<void> } {
  const walFile = join(dataDir, `${DATABASE_FILE}-wal`);
  let handle: FileHandle | undefined;
  const sync = async () => {
    // A sync follows a commit to the log: a missing log is an error (thrown), never "synced".
    handle ??= await open(walFile, 'r');
    await handle.datasync();
  };
  return Object.assign(sync, {
    close: async () => {
      await handle?.close();
      handle = undefined;
    },
  });
}

/** How many prepared statements are kept (queries with lists of varying length each have their own). */
const STATEMENT_CACHE_SIZE = 500;

/**
 * Kysely prepares every query again; preparing was a tenth of the CPU of a boot storm (issue 15).
 * A statement is reused when the same SQL comes again, unless it is busy (a query still iterating
 * its rows); the least recently used goes beyond the cache's size.
 */
function cacheStatements(sqlite: SqliteDatabase.Database): void {
  const prepare = sqlite.prepare.bind(sqlite);
  const cache = new Map<string, SqliteDatabase.Statement>();
  sqlite.prepare = ((source: string) => {
    const cached = cache.get(source);
    if (cached && !cached.busy) {
      cache.delete(source);
      cache.set(source, cached);
      return cached;
    }
    const statement = prepare(source);
    if (!cached) {
      cache.set(source, statement);
      if (cache.size > STATEMENT_CACHE_SIZE) cache.delete(cache.keys().next().value as string);
    }
    return statement;
  }) as typeof sqlite.prepare;
}
