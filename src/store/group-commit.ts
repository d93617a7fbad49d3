// Group commit: every write that arrives in the same turn of the event loop runs in one
// database transaction, and each caller's promise settles only after that commit is on disk.
// This is what keeps a reconnect storm of thousands of stations, or thousands of MeterValues a
// minute, down to a few syncs per second without acknowledging anything that is not stored.
//
// The sync runs off the event loop (issue 15): with `synchronous = FULL` SQLite would fsync the
// log inside COMMIT, blocking every station's traffic for that long (half of the server's busy
// time at 2,000 MeterValues/s). So a group's transaction commits with `synchronous = NORMAL` (in
// WAL mode: no sync at commit, the log is synced before each checkpoint) and the log file is then
// synced by `syncLog` in libuv's thread pool; the callers are answered after that sync. One sync
// runs at a time; the groups that commit meanwhile share the next one. Every other write of the
// connection keeps `synchronous = FULL`.
import { sql } from 'kysely';
import type { Db } from './database.js';

/**
 * The most writes one transaction takes. A long stall (a round, the garbage collector) lets
 * hundreds of MeterValues queue up; committed as one, they would stall the loop again for as long
 * (30 ms at 2,000 MeterValues/s, issue 15). The rest commits in the next turn, after the messages
 * that came meanwhile are read; they all still share the next sync.
 */
const MAX_GROUP = 64;

interface QueuedWork {
  work: (db: Db) => Promise<unknown>;
  /** False: settles once committed, without waiting for the sync (a log line, a command record). */
  durable: boolean;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

type Outcome = { ok: true; value: unknown } | { ok: false; error: unknown };

const ignore = (): void => undefined;

/** Makes what was committed so far durable (fdatasync of the write-ahead log). */
export type SyncLog = () => Promise<void>;

export class GroupCommit {
  private queue: QueuedWork[] = [];
  private scheduled = false;
  private flushing: Promise<void> | null = null;
  private syncing: Promise<void> | null = null;
  /** The sync that starts once the one under way ends: it covers the commits made meanwhile. */
  private nextSync: Promise<void> | null = null;
  /** Set by a failed sync: every later write fails with it. */
  private syncFailure: Error | null = null;
  /** Set while holdSyncs runs its work: no sync starts before it ends. */
  private holding: Promise<void> | null = null;

  /** Without `syncLog`, groups commit with the connection's own sync (FULL): on disk at COMMIT. */
  constructor(private readonly db: Db, private readonly syncLog?: SyncLog) {}

  /**
   * Runs `work` inside a transaction shared with the other writes of this turn. `durable: false`:
   * settles once committed (it survives a crash of the process, and is synced with the group, but
   * a power cut at that instant may lose it): for records nothing is acknowledged on.
   */
  run<T>(work: (db: Db) => Promise<T>, options: { durable?: boolean } = {}): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ work, durable: options.durable ?? true, resolve: resolve as (value: unknown) => void, reject });
      this.schedule();
    });
  }

  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => {
      const flush = this.flush().finally(() => { if (this.flushing === flush) this.flushing = null; });
      this.flushing = flush;
    });
  }

  /** Resolves once every queued write has been committed and synced (or has failed). */
  async drain(): Promise<void> {
    while (this.queue.length > 0 || this.flushing || this.scheduled || this.syncing || this.nextSync) {
      await (this.flushing ?? this.nextSync ?? this.syncing ?? new Promise((resolve) => setImmediate(resolve))).catch(ignore);
    }
  }

  private async flush(): Promise<void> {
    const batch = this.queue.length > MAX_GROUP ? this.queue.splice(0, MAX_GROUP) : this.queue;
    if (batch === this.queue) this.queue = [];
    this.scheduled = false;
    if (this.queue.length > 0) this.schedule();
    if (this.syncFailure) {
      for (const item of batch) item.reject(this.syncFailure);
      return;
    }
    let outcomes: Outcome[];
    try {
      outcomes = await this.commit(batch);
    } catch (error) {
      // The connection itself failed (not one write): nothing of this group is known to be stored.
      for (const item of batch) item.reject(error);
      return;
    }
    // A failed write and a record settle now; a stored write once it is on disk.
    const waiting: Array<{ item: QueuedWork; value: unknown }> = [];
    batch.forEach((item, i) => {
      const outcome = outcomes[i]!;
      if (!outcome.ok) item.reject(outcome.error);
      else if (item.durable && this.syncLog) waiting.push({ item, value: outcome.value });
      else item.resolve(outcome.value);
    });
    if (waiting.length === 0) {
      // Records still reach the disk soon; a failure there is reported to the next durable write.
      if (this.syncLog && outcomes.some((o) => o.ok)) this.durable().catch(ignore);
      return;
    }
    try {
      await this.durable();
      for (const { item, value } of waiting) item.resolve(value);
    } catch (error) {
      // Committed but maybe not on disk: never acknowledged as stored.
      for (const { item } of waiting) item.reject(error);
    }
  }

  /**
   * Resolves once everything committed before the call is on disk: for what sends stored data out
   * (the relay to a CPO), since other readers see a group's rows before its sync.
   */
  synced(): Promise<void> {
    return this.syncLog ? this.durable() : Promise.resolve();
  }

  /**
   * Runs `work` with no sync of the log under way: once the sync under way has ended, and before the
   * next starts, for `limitMs` at most (then syncs go on beside it). For a checkpoint of the log
   * (issue 15): its sync of the database file, beside the log's, made the next few syncs of the log
   * several times slower (every station's MeterValues waiting on them for 100-200 ms). Writes still
   * commit meanwhile; the durable ones are answered after the sync that starts once the hold ends.
   * One caller at a time (holds back to back would keep every acknowledgement waiting).
   */
  async holdSyncs<T>(work: () => Promise<T>, limitMs = Infinity): Promise<T> {
    while (this.holding) await this.holding;
    let release!: () => void;
    const holding = new Promise<void>((resolve) => { release = resolve; });
    this.holding = holding;
    const endHold = () => {
      if (this.holding !== holding) return;
      this.holding = null;
      release();
    };
    let limit: NodeJS.Timeout | undefined;
    try {
      while (this.syncing) await this.syncing.catch(ignore);
      if (Number.isFinite(limitMs)) limit = setTimeout(endHold, limitMs);
      return await work();
    } finally {
      clearTimeout(limit);
      endHold();
    }
  }

  /** Commits the batch on one connection reserved throughout, so that no other write commits while the sync is NORMAL. */
  private commit(batch: QueuedWork[]): Promise<Outcome[]> {
    return this.db.connection().execute(async (conn) => {
      if (this.syncLog) await sql`PRAGMA synchronous = NORMAL`.execute(conn);
      try {
        return await commitBatch(conn, batch);
      } finally {
        if (this.syncLog) await sql`PRAGMA synchronous = FULL`.execute(conn);
      }
    });
  }

  /** Resolves once a sync that started after this call has ended: everything committed before it is on disk. */
  private durable(): Promise<void> {
    // A sync due to start (not started yet) covers this caller's commit too.
    if (!this.syncing && !this.holding && !this.nextSync) return this.startSync();
    this.nextSync ??= this.syncInTurn();
    return this.nextSync;
  }

  /**
   * The next sync, once no sync runs and holdSyncs holds none. The check and the start happen in
   * the same turn: nothing can start or hold in between.
   */
  private async syncInTurn(): Promise<void> {
    // Never to its end in the caller's turn: `nextSync` is set (by the caller) before it is cleared here.
    await null;
    while (this.syncing || this.holding) await (this.holding ?? this.syncing)!.catch(ignore);
    this.nextSync = null;
    return this.startSync();
  }

  private startSync(): Promise<void> {
    if (this.syncFailure) return Promise.reject(this.syncFailure);
    const sync = this.syncLog!().catch((error: unknown) => {
      // After a failed fdatasync the kernel may have dropped the pages and a later sync succeed
      // without them: nothing is acknowledged any more until a restart (which recovers from what
      // is on disk).
      this.syncFailure = new Error(`the database log could not be synced (${error instanceof Error ? error.message : String(error)}): no write is acknowledged until Fuseguard restarts`);
      throw this.syncFailure;
    }).finally(() => { if (this.syncing === sync) this.syncing = null; });
    this.syncing = sync;
    return sync;
  }
}

/** The batch in one transaction; if it fails, each alone, so that only a bad write fails. */
async function commitBatch(conn: Db, batch: readonly QueuedWork[]): Promise<Outcome[]> {
  try {
    const values = await conn.transaction().execute(async (trx) => {
      const out: unknown[] = [];
      for (const item of batch) out.push(await item.work(trx));
      return out;
    });
    return values.map((value) => ({ ok: true, value }));
  } catch {
    const outcomes: Outcome[] = [];
    for (const item of batch) {
      try {
        outcomes.push({ ok: true, value: await conn.transaction().execute(item.work) });
      } catch (error) {
        outcomes.push({ ok: false, error });
      }
    }
    return outcomes;
  }
}
