// The write-ahead log is checkpointed by a worker thread, never inside a COMMIT on the event loop
// (issue 15: one such COMMIT took 190 ms in a storm bench, every station's call behind it).
import { spawnSync } from 'node:child_process';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { sql } from 'kysely';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { tempDir } from '../../test/helpers/temp-dir.js';
import { DATABASE_FILE } from './database.js';
import { GroupCommit } from './group-commit.js';
import { Store } from './store.js';
import { HOLD_SYNCS_LIMIT_MS, type CheckpointResult } from './wal-checkpoint.js';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => { for (const cleanup of cleanups.splice(0).reverse()) await cleanup(); });

async function openStore(options: { checkpointIntervalMs?: number } = {}): Promise<{ store: Store; dir: string }> {
  const dir = tempDir();
  cleanups.push(dir.cleanup);
  const store = await Store.open(dir.path, options);
  cleanups.push(() => store.close());
  return { store, dir: dir.path };
}

/** 400 commits of a 1 KB comment each: well past SQLite's own threshold of 1,000 pages of log. */
async function writeMuch(store: Store): Promise<void> {
  for (let i = 0; i < 400; i++) {
    await store.commit((db) => store.badges.upsert({ id_tag: `B${i}`, authorized: 1, vip: 0, comment: 'x'.repeat(1_000) }, i, db));
  }
}

describe('WAL checkpoints off the event loop (issue 15)', () => {
  it('the main connection never checkpoints in a COMMIT; the worker copies the log into the database file', async () => {
    const { store, dir } = await openStore();
    expect(store.checkpointer).toBeDefined();
    expect((await sql<{ wal_autocheckpoint: number }>`PRAGMA wal_autocheckpoint`.execute(store.db)).rows[0]?.wal_autocheckpoint).toBe(0);
    const databaseBytes = () => statSync(join(dir, DATABASE_FILE)).size;
    const before = databaseBytes();
    await writeMuch(store);
    // Nothing copied yet: left to itself, SQLite would have checkpointed in one of those COMMITs.
    expect(databaseBytes()).toBe(before);
    const result = await store.checkpointer!.run();
    expect(result.log).toBeGreaterThan(1_000);
    expect(result.checkpointed).toBe(result.log);
    expect(databaseBytes()).toBeGreaterThan(before + 400_000);
    // What the worker copied is what was committed.
    expect((await store.badges.list()).length).toBe(400);
  });

  it('checkpoints on its own every few seconds, and the data survives a restart', async () => {
    const { store, dir } = await openStore();
    await writeMuch(store);
    const size = statSync(join(dir, DATABASE_FILE)).size;
    await expect.poll(() => statSync(join(dir, DATABASE_FILE)).size, { timeout: 10_000, interval: 200 }).toBeGreaterThan(size + 400_000);
    await store.close();
    const again = await Store.open(dir);
    cleanups.push(() => again.close());
    expect((await again.badges.list()).length).toBe(400);
  });

  it('under writes that never pause, the log is still started over once past 1,000 pages, not grown without end', async () => {
    // No checkpoint but the test's own.
    const { store, dir } = await openStore({ checkpointIntervalMs: 3_600_000 });
    const logBytes = () => statSync(join(dir, `${DATABASE_FILE}-wal`)).size;
    let writing = true;
    let written = 0;
    // Four writers, each commits again as soon as its last commit is on disk: no turn without a write.
    const writer = async (w: number): Promise<void> => {
      while (writing) {
        const i = written++;
        await store.commit((db) => store.badges.upsert({ id_tag: `W${w}-${i}`, authorized: 1, vip: 0, comment: 'x'.repeat(1_000) }, i, db));
      }
    };
    // The store's own hold, counted.
    let holds = 0;
    store.checkpointer!.holdWritesWith((work) => { holds += 1; return store.exclusive(work); });
    const writers = [0, 1, 2, 3].map(writer);
    let caughtUp: CheckpointResult;
    try {
      await expect.poll(logBytes, { timeout: 30_000, interval: 10 }).toBeGreaterThan(1_200 * 4_096);
      caughtUp = await store.checkpointer!.checkpoint();
      expect(caughtUp).toMatchObject({ busy: 0, checkpointed: caughtUp.log });
      expect(caughtUp.log).toBeGreaterThan(1_000);
      expect(holds).toBe(1);
      const mark = written;
      await expect.poll(() => written, { timeout: 30_000, interval: 1 }).toBeGreaterThan(mark + 4);
    } finally {
      writing = false;
      await Promise.all(writers);
    }
    // The writes since went to the start of the log: it holds only them (grown on, it would hold more than before).
    const after = await store.checkpointer!.run();
    expect(after.log).toBeLessThan(caughtUp.log / 2);
    expect(await store.badges.list()).toHaveLength(written);
  });

  it('a checkpoint runs with the syncs of the log held, the RESTART inside (issue 15: the database file\'s sync slowed the log\'s beside it)', async () => {
    const { store } = await openStore({ checkpointIntervalMs: 3_600_000 });
    await writeMuch(store);
    const events: string[] = [];
    store.checkpointer!.holdSyncsWith(async (work) => {
      events.push('syncs held');
      try { return await work(); } finally { events.push('syncs released'); }
    });
    store.checkpointer!.holdWritesWith((work) => { events.push('writes held'); return store.exclusive(work); });
    const result = await store.checkpointer!.checkpoint();
    expect(result).toMatchObject({ busy: 0, checkpointed: result.log });
    expect(events).toEqual(['syncs held', 'writes held', 'syncs released']);
  });

  it('the store holds its group commit\'s syncs for each checkpoint, HOLD_SYNCS_LIMIT_MS at most', async () => {
    const hold = vi.spyOn(GroupCommit.prototype, 'holdSyncs');
    try {
      const { store } = await openStore({ checkpointIntervalMs: 3_600_000 });
      await store.commit((db) => store.badges.upsert({ id_tag: 'A', authorized: 1, vip: 0, comment: '' }, 1, db));
      await store.checkpointer!.checkpoint();
      expect(hold).toHaveBeenCalledTimes(1);
      expect(hold.mock.calls[0]![1]).toBe(HOLD_SYNCS_LIMIT_MS);
    } finally {
      hold.mockRestore();
    }
  });

  it('a reader of another process still in the log: the RESTART gives up and is not tried again (nor the writes held) for a while', async () => {
    const { store, dir } = await openStore({ checkpointIntervalMs: 3_600_000 });
    await writeMuch(store);
    let holds = 0;
    store.checkpointer!.holdWritesWith((work) => { holds += 1; return store.exclusive(work); });
    // A read left open (a backup, a shell) on a connection of its own.
    const reader = new Database(join(dir, DATABASE_FILE), { readonly: true });
    const rows = reader.prepare('SELECT id_tag FROM badges').iterate();
    rows.next();
    try {
      const gaveUp = await store.checkpointer!.checkpoint();
      expect(gaveUp.busy).toBe(1);
      expect(holds).toBe(1);
      await writeMuch(store);
      const passiveOnly = await store.checkpointer!.checkpoint();
      expect(passiveOnly.log).toBeGreaterThan(1_000);
      expect(holds).toBe(1);
    } finally {
      rows.return?.();
      reader.close();
    }
  });

  it('a process with nothing else to do still waits for the worker to close its connection when the store closes', () => {
    // Left to itself the unref'd worker let Node exit mid-close (exit code 13: `serve --site` closes a store at start).
    const dir = tempDir();
    cleanups.push(dir.cleanup);
    const script = `import { Store } from ${JSON.stringify(join(import.meta.dirname, 'store.ts'))};
const store = await Store.open(${JSON.stringify(dir.path)});
await store.close();
console.log('closed');`;
    const child = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { encoding: 'utf8', timeout: 30_000 });
    expect(child.stderr).toBe('');
    expect(child.stdout.trim()).toBe('closed');
    expect(child.status).toBe(0);
  });
});
