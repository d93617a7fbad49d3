// Retention of the records that grow without end (issue 16, item 12): the command log (O6),
// the audit log (S4) and the meter samples taken outside any session. Each prune deletes in
// chunks, each chunk its own short write, with a pause between them, so that a large backlog
// (millions of rows after an upgrade) never holds the event loop or the database for long.
import type { Db } from '../database.js';

/** Rows beyond either bound go. */
export interface RetentionBounds {
  /** Epoch ms: rows older than this go. */
  before: number;
  /** At most this many rows are kept, the newest. */
  maxRows: number;
}

export interface PruneOptions {
  /** Rows per chunk [1000]: a chunk is a few ms of SQLite work. */
  chunkRows?: number;
  /** Awaited between chunks: lets the stations' messages in [a 10 ms timer]. */
  pause?: () => Promise<void>;
  /** Ends the prune before its next chunk (Fuseguard closing). */
  signal?: AbortSignal;
}

export interface PruneResult {
  deleted: number;
  chunks: number;
}

/** What one chunk deleted, and whether nothing beyond the bounds is left. */
interface Chunk {
  deleted: number;
  done: boolean;
}

/** Runs one chunk's write: the store's group commit, synced off the event loop (group-commit.ts). */
export type ChunkRunner = <T>(work: (db: Db) => Promise<T>) => Promise<T>;

const DEFAULT_CHUNK_ROWS = 1000;
const DEFAULT_PAUSE_MS = 10;
const pauseFor = (ms: number) => () => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** A table with an increasing integer id, told apart from the others by these queries. */
interface IdTable {
  newestId(db: Db): Promise<number | undefined>;
  /** The `limit` lowest ids with their time (epoch ms), lowest first. */
  head(db: Db, limit: number): Promise<{ id: number; at: number }[]>;
  deleteThrough(db: Db, id: number): Promise<number>;
}

const COMMANDS: IdTable = {
  newestId: async (db) => num((await db.selectFrom('commands').select('id').orderBy('id', 'desc').limit(1).executeTakeFirst())?.id),
  head: async (db, limit) => (await db.selectFrom('commands').select(['id', 'sent_at']).orderBy('id').limit(limit).execute())
    .map((r) => ({ id: Number(r.id), at: Number(r.sent_at) })),
  deleteThrough: async (db, id) => Number((await db.deleteFrom('commands').where('id', '<=', id).executeTakeFirst()).numDeletedRows),
};

const AUDIT: IdTable = {
  newestId: async (db) => num((await db.selectFrom('audit_log').select('id').orderBy('id', 'desc').limit(1).executeTakeFirst())?.id),
  head: async (db, limit) => (await db.selectFrom('audit_log').select(['id', 'at']).orderBy('id').limit(limit).execute())
    .map((r) => ({ id: Number(r.id), at: Number(r.at) })),
  deleteThrough: async (db, id) => Number((await db.deleteFrom('audit_log').where('id', '<=', id).executeTakeFirst()).numDeletedRows),
};

function num(value: number | bigint | undefined): number | undefined {
  return value === undefined ? undefined : Number(value);
}

export class RetentionRepository {
  constructor(db: Db, private readonly runChunk: ChunkRunner = (work) => work(db)) {}

  /** Commands sent to stations (O6), by `sent_at`. */
  pruneCommands(bounds: RetentionBounds, options: PruneOptions = {}): Promise<PruneResult> {
    return this.pruneById(COMMANDS, bounds, options);
  }

  /** The audit log (S4), by `at`. */
  pruneAudit(bounds: RetentionBounds, options: PruneOptions = {}): Promise<PruneResult> {
    return this.pruneById(AUDIT, bounds, options);
  }

  /**
   * Meter samples without a transaction (MeterValues outside any session) taken before `before`:
   * nothing reads them (every reader selects by transaction id), so they are kept only a while.
   */
  pruneSamplesOutsideSessions(before: number, options: PruneOptions = {}): Promise<PruneResult> {
    const chunkRows = options.chunkRows ?? DEFAULT_CHUNK_ROWS;
    return this.chunked(options, (db) => this.samplesChunk(db, before, chunkRows));
  }

  /**
   * Ids are handed out in insertion order, so the oldest rows are the lowest ids: a chunk is the
   * longest run of lowest ids that are beyond a bound, deleted as one id range. The count bound
   * is `newest id − maxRows` (one index lookup, where an OFFSET would read every kept row): ids
   * are dense, as only this prune deletes from these tables, so exactly `maxRows` are kept (a
   * little fewer where ids were skipped). The age bound stops at the first row young enough: an
   * older row behind it (the clock stepped back) goes in a later prune, once that row has aged.
   */
  private pruneById(table: IdTable, bounds: RetentionBounds, options: PruneOptions): Promise<PruneResult> {
    const chunkRows = options.chunkRows ?? DEFAULT_CHUNK_ROWS;
    return this.chunked(options, async (db) => {
      const newest = await table.newestId(db);
      if (newest === undefined) return { deleted: 0, done: true };
      const beyondCount = newest - bounds.maxRows;
      const head = await table.head(db, chunkRows);
      const kept = head.findIndex((row) => row.id > beyondCount && row.at >= bounds.before);
      const beyond = kept === -1 ? head.length : kept;
      if (beyond === 0) return { deleted: 0, done: true };
      const deleted = await table.deleteThrough(db, head[beyond - 1]!.id);
      return { deleted, done: kept !== -1 || head.length < chunkRows };
    });
  }

  /**
   * The samples of the oldest instants, through the index on (transaction_id, at): the instants
   * before the `chunkRows`-th oldest sample, or that one instant alone when the chunk holds no
   * other (a chunk may then exceed `chunkRows` by the samples of one instant).
   */
  private async samplesChunk(db: Db, before: number, chunkRows: number): Promise<Chunk> {
    const outside = () => db.selectFrom('meter_samples').select('at').where('transaction_id', 'is', null).where('at', '<', before).orderBy('at');
    const oldest = await outside().limit(1).executeTakeFirst();
    if (!oldest) return { deleted: 0, done: true };
    const edge = await outside().offset(chunkRows - 1).limit(1).executeTakeFirst();
    let query = db.deleteFrom('meter_samples').where('transaction_id', 'is', null);
    if (!edge) query = query.where('at', '<', before);
    else if (Number(edge.at) > Number(oldest.at)) query = query.where('at', '<', edge.at);
    else query = query.where('at', '=', edge.at);
    return { deleted: Number((await query.executeTakeFirst()).numDeletedRows), done: !edge };
  }

  /** Runs `chunk` until one says it was the last, pausing in between. */
  private async chunked(options: PruneOptions, chunk: (db: Db) => Promise<Chunk>): Promise<PruneResult> {
    const pause = options.pause ?? pauseFor(DEFAULT_PAUSE_MS);
    const result: PruneResult = { deleted: 0, chunks: 0 };
    for (;;) {
      if (options.signal?.aborted) return result;
      const { deleted, done } = await this.runChunk(chunk);
      if (deleted > 0) {
        result.deleted += deleted;
        result.chunks++;
      }
      if (done) return result;
      await untilAborted(pause(), options.signal);
    }
  }
}

/** `pause`, cut short by `signal`: a close does not wait out a pause (or a test's fake timer). */
async function untilAborted(pause: Promise<void>, signal: AbortSignal | undefined): Promise<void> {
  if (!signal) return pause;
  if (signal.aborted) return;
  let onAbort: () => void = () => undefined;
  const aborted = new Promise<void>((resolve) => {
    onAbort = resolve;
    signal.addEventListener('abort', onAbort, { once: true });
  });
  try {
    await Promise.race([pause, aborted]);
  } finally {
    signal.removeEventListener('abort', onAbort);
  }
}
