// Group commit: every write that arrives in the same turn of the event loop runs in one
// database transaction, and each caller's promise settles only after that commit. With every
// commit synced to disk, this is what keeps a reconnect storm of thousands of stations, or
// thousands of MeterValues a minute, down to a few fsyncs per second without acknowledging
// anything that is not stored.
import type { Db } from './database.js';

interface QueuedWork {
  work: (db: Db) => Promise<unknown>;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

export class GroupCommit {
  private queue: QueuedWork[] = [];
  private scheduled = false;
  private flushing: Promise<void> | null = null;

  constructor(private readonly db: Db) {}

  /** Runs `work` inside a transaction shared with the other writes of this turn. */
  run<T>(work: (db: Db) => Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ work, resolve: resolve as (value: unknown) => void, reject });
      if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => {
          this.flushing = this.flush().finally(() => { this.flushing = null; });
        });
      }
    });
  }

  /** Resolves once every queued write has been committed (or has failed). */
  async drain(): Promise<void> {
    while (this.queue.length > 0 || this.flushing || this.scheduled) {
      await (this.flushing ?? new Promise((resolve) => setImmediate(resolve)));
    }
  }

  private async flush(): Promise<void> {
    const batch = this.queue;
    this.queue = [];
    this.scheduled = false;
    try {
      const results = await this.db.transaction().execute(async (trx) => {
        const out: unknown[] = [];
        for (const item of batch) out.push(await item.work(trx));
        return out;
      });
      batch.forEach((item, i) => item.resolve(results[i]));
    } catch {
      // One bad write must not fail the others: run each alone, so only the bad one fails.
      for (const item of batch) {
        try {
          item.resolve(await this.db.transaction().execute(item.work));
        } catch (error) {
          item.reject(error);
        }
      }
    }
  }
}
