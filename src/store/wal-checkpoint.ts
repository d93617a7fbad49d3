// Checkpoints of the write-ahead log, off the event loop (issue 15). SQLite checkpoints by itself
// inside a COMMIT once the log passes 1,000 pages: it copies the log into the database file and
// syncs it, on the committing thread. With better-sqlite3 that is the event loop: a storm bench
// caught one COMMIT of 190 ms, every station's call waiting behind it. So the main connection
// never checkpoints (`wal_autocheckpoint = 0`) and a connection of its own in a worker thread runs
// a PASSIVE checkpoint every few seconds: it copies what is committed, never blocks a writer, and
// changes nothing a reader sees (nor `data_version`). Should the worker fail, the main connection
// checkpoints by itself again, as before, so the log never grows without end.
//
// SQLite writes the log again from its beginning only after a checkpoint has copied it whole. Under
// writes that never pause (thousands of MeterValues a second) a PASSIVE checkpoint never gets
// there, frames coming in while it copies: the log grew without end (115 MB in a storm bench), and
// every sync of a growing file also commits the file system's journal (syncs of 100-650 ms, every
// station's MeterValues waiting on them). So once the log passes SQLite's own threshold, the worker
// runs a RESTART checkpoint with the server's connection reserved (`holdWritesWith`): its
// statements queue meanwhile rather than wait in SQLite's busy handler on the event loop. It copies
// the few frames left, and the next write starts the log over (that write syncs the log's new
// header inside its COMMIT: well under a millisecond). A reader of another process still in the log
// makes it give up after RESTART_BUSY_TIMEOUT_MS; RESTART then waits RESTART_BACKOFF_MS.
//
// A checkpoint syncs the database file. Beside it the syncs of the log (what every MeterValues
// waits for) took 25-60 ms instead of ~1 ms, several in a row after each checkpoint: the p99's
// worst stretches in a storm bench. So no sync of the log runs during a checkpoint
// (`holdSyncsWith`: the group commit's holdSyncs): writes go on committing, and one sync after it
// covers them (the calls of those few ms wait for the checkpoint instead: 3-22 ms in a storm bench).
// A checkpoint that takes longer (a slow disk) holds them HOLD_SYNCS_LIMIT_MS at most.
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import type SqliteDatabase from 'better-sqlite3';

/** How often the worker checkpoints: a few MB of log at the most at 2,000 MeterValues/s. */
export const CHECKPOINT_INTERVAL_MS = 2_000;

/** How long a RESTART waits for a reader still in the log before it gives up. */
const RESTART_BUSY_TIMEOUT_MS = 20;

/** After a RESTART gave up, how long the log is only checkpointed PASSIVE (never holding writes). */
export const RESTART_BACKOFF_MS = 30_000;

/** The longest a checkpoint keeps the syncs of the log (and so every durable write's answer) waiting. */
export const HOLD_SYNCS_LIMIT_MS = 100;

/** SQLite's own threshold (pages), restored when the worker fails; past it, the log is started over. */
const SQLITE_AUTOCHECKPOINT_PAGES = 1_000;

/** What `PRAGMA wal_checkpoint` answers: frames in the log, and how many of them are in the database file now. */
export interface CheckpointResult {
  busy: number;
  log: number;
  checkpointed: number;
}

export interface WalCheckpointer {
  /** One checkpoint now: PASSIVE (never waits), or RESTART (waits for readers; see above). */
  run(mode?: 'PASSIVE' | 'RESTART'): Promise<CheckpointResult>;
  /** What runs every CHECKPOINT_INTERVAL_MS: a PASSIVE one, and past the threshold a RESTART with writes held. */
  checkpoint(): Promise<CheckpointResult>;
  /** How the writes are held while the log is started over (the store's connection reserved: `Store.exclusive`). */
  holdWritesWith(hold: <T>(work: () => Promise<T>) => Promise<T>): void;
  /** How the syncs of the log are held while a checkpoint runs, `limitMs` at most (the group commit's `holdSyncs`). */
  holdSyncsWith(hold: <T>(work: () => Promise<T>, limitMs: number) => Promise<T>): void;
  /** Stops the checkpoints and closes the worker's connection. */
  close(): Promise<void>;
}

// CommonJS, evaluated in the worker: its own connection, one checkpoint per message.
const WORKER_CODE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.betterSqlite3);
const db = new Database(workerData.file);
db.pragma('busy_timeout = 5000');
parentPort.on('message', (message) => {
  if (message === 'close') {
    db.close();
    parentPort.close();
    return;
  }
  try {
    let result;
    if (message.mode === 'RESTART') {
      // Writes are held meanwhile: a reader of another process still in the log is waited for briefly, not for 5 s.
      db.pragma('busy_timeout = ' + workerData.restartBusyTimeoutMs);
      try { [result] = db.pragma('wal_checkpoint(RESTART)'); } finally { db.pragma('busy_timeout = 5000'); }
    } else {
      [result] = db.pragma('wal_checkpoint(PASSIVE)');
    }
    parentPort.postMessage({ id: message.id, result });
  } catch (error) {
    parentPort.postMessage({ id: message.id, error: error && error.message ? error.message : String(error) });
  }
});
`;

/** Starts checkpointing the log of `file`, whose main connection is `main` (it stops checkpointing by itself). */
export function walCheckpointer(main: SqliteDatabase.Database, file: string, intervalMs = CHECKPOINT_INTERVAL_MS): WalCheckpointer {
  const worker = new Worker(WORKER_CODE, { eval: true, workerData: { file, betterSqlite3: createRequire(import.meta.url).resolve('better-sqlite3'), restartBusyTimeoutMs: RESTART_BUSY_TIMEOUT_MS } });
  main.pragma('wal_autocheckpoint = 0');
  const waiting = new Map<number, { resolve: (result: CheckpointResult) => void; reject: (error: Error) => void }>();
  let nextId = 0;
  let failed: Error | null = null;
  let closed = false;
  const fail = (error: Error) => {
    if (failed || closed) return;
    failed = error;
    if (main.open) main.pragma(`wal_autocheckpoint = ${SQLITE_AUTOCHECKPOINT_PAGES}`);
    for (const { reject } of waiting.values()) reject(error);
    waiting.clear();
  };
  worker.on('message', (message: { id: number; result?: CheckpointResult; error?: string }) => {
    const caller = waiting.get(message.id);
    waiting.delete(message.id);
    if (message.error !== undefined) caller?.reject(new Error(`WAL checkpoint failed: ${message.error}`));
    else if (message.result) caller?.resolve(message.result);
  });
  worker.on('error', (error) => fail(error));
  worker.on('exit', (code) => fail(new Error(`the WAL checkpoint worker stopped (exit code ${code})`)));
  worker.unref();

  const run = (mode: 'PASSIVE' | 'RESTART' = 'PASSIVE'): Promise<CheckpointResult> => {
    if (failed) return Promise.reject(failed);
    if (closed) return Promise.reject(new Error('the WAL checkpointer is closed'));
    const id = nextId++;
    return new Promise((resolve, reject) => {
      waiting.set(id, { resolve, reject });
      worker.postMessage({ id, mode });
    });
  };
  let holdWrites: (<T>(work: () => Promise<T>) => Promise<T>) | undefined;
  let holdSyncs: (<T>(work: () => Promise<T>, limitMs: number) => Promise<T>) | undefined;
  // After a RESTART that found a reader in the log (another process's backup or shell): no RESTART
  // (nor its hold of the writes) again before then.
  let restartAfter = 0;
  const checkpointNow = async (): Promise<CheckpointResult> => {
    const result = await run();
    if (!holdWrites || result.log < SQLITE_AUTOCHECKPOINT_PAGES || Date.now() < restartAfter) return result;
    const restarted = await holdWrites(() => run('RESTART'));
    if (restarted.busy) restartAfter = Date.now() + RESTART_BACKOFF_MS;
    return restarted;
  };
  // The timer's `running` flag keeps checkpoints from overlapping: holds never come back to back.
  const checkpoint = (): Promise<CheckpointResult> => (holdSyncs ? holdSyncs(checkpointNow, HOLD_SYNCS_LIMIT_MS) : checkpointNow());
  let running = false;
  const timer = setInterval(() => {
    if (running || failed) return;
    running = true;
    // A failed checkpoint is tried again at the next interval (a busy database, a full disk).
    checkpoint().catch(() => undefined).finally(() => { running = false; });
  }, intervalMs);
  timer.unref();

  return {
    run,
    checkpoint,
    holdWritesWith: (hold) => { holdWrites = hold; },
    holdSyncsWith: (hold) => { holdSyncs = hold; },
    close: async () => {
      if (closed) return;
      clearInterval(timer);
      if (failed) {
        closed = true;
        return;
      }
      const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
      closed = true;
      worker.ref(); // the process waits for it to close its connection
      worker.postMessage('close');
      await exited;
    },
  };
}
