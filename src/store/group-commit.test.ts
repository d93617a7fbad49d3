import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { sql } from 'kysely';
import { openTempStore, tempDir } from '../../test/helpers/temp-dir.js';
import { DATABASE_FILE, walSyncer, type Db } from './database.js';
import { GroupCommit } from './group-commit.js';
import { Store } from './store.js';

/** The connection's `PRAGMA synchronous`: 1 NORMAL, 2 FULL. */
const synchronous = async (db: Db) => (await sql<{ synchronous: number }>`PRAGMA synchronous`.execute(db)).rows[0]?.synchronous;

describe('GroupCommit', () => {
  let store: Store;
  let close: () => Promise<void>;
  beforeEach(async () => {
    ({ store, close } = await openTempStore());
  });
  afterEach(() => close());

  it('commits the writes of one turn together and answers each caller', async () => {
    const results = await Promise.all([1, 2, 3].map((i) => store.commit(async (db) => {
      await store.badges.upsert({ id_tag: `B${i}`, authorized: 1, vip: 0, comment: '' }, i, db);
      return i * 10;
    })));
    expect(results).toEqual([10, 20, 30]);
    expect((await store.badges.list()).map((b) => b.id_tag)).toEqual(['B1', 'B2', 'B3']);
  });

  it('commits a long queue in groups of at most 64, letting the other work of the loop in between (issue 15)', async () => {
    let turn = 0;
    let counting = true;
    const countTurns = () => { turn += 1; if (counting) setImmediate(countTurns); };
    setImmediate(countTurns);
    const turnOf: number[] = [];
    const results = await Promise.all(Array.from({ length: 200 }, (_, i) => store.commit(async (db) => {
      turnOf[i] = turn;
      await store.badges.upsert({ id_tag: `B${i}`, authorized: 1, vip: 0, comment: '' }, i, db);
      return i;
    })));
    counting = false;
    expect(results).toEqual(Array.from({ length: 200 }, (_, i) => i));
    // Four groups in order (64 + 64 + 64 + 8), each in its own turn.
    const groups = [...new Set(turnOf)];
    expect(groups).toHaveLength(4);
    expect(groups).toEqual([...groups].sort((a, b) => a - b));
    expect(groups.map((g) => turnOf.filter((t) => t === g).length)).toEqual([64, 64, 64, 8]);
    expect(await store.badges.list()).toHaveLength(200);
  });

  it('exclusive work waits for the group under way and holds every later query until it ends (issue 15)', async () => {
    const events: string[] = [];
    let endFirst!: () => void;
    let release!: () => void;
    // A group still in its transaction when the exclusive work is asked for.
    const first = store.commit(async (db) => {
      await store.badges.upsert({ id_tag: 'FIRST', authorized: 1, vip: 0, comment: '' }, 1, db);
      await new Promise<void>((resolve) => { endFirst = resolve; });
      events.push('first group');
    });
    await expect.poll(() => endFirst !== undefined).toBe(true);
    const exclusive = store.exclusive(async () => {
      events.push('exclusive starts');
      await new Promise<void>((resolve) => { release = resolve; });
      events.push('exclusive ends');
    });
    for (let i = 0; i < 5; i++) await new Promise((resolve) => setImmediate(resolve));
    expect(events).toEqual([]);
    endFirst();
    await first;
    await expect.poll(() => events.includes('exclusive starts')).toBe(true);
    const queued = store.commit(async (db) => {
      events.push('queued write');
      await store.badges.upsert({ id_tag: 'SECOND', authorized: 1, vip: 0, comment: '' }, 2, db);
    });
    const read = store.badges.list().then((badges) => events.push(`read ${badges.length}`));
    for (let i = 0; i < 5; i++) await new Promise((resolve) => setImmediate(resolve));
    expect(events).toEqual(['first group', 'exclusive starts']);
    release();
    await Promise.all([exclusive, queued, read]);
    expect(events.slice(0, 3)).toEqual(['first group', 'exclusive starts', 'exclusive ends']);
    expect(events.slice(3).map((e) => e.replace(/ \d+$/, '')).sort()).toEqual(['queued write', 'read']);
    expect((await store.badges.list()).map((b) => b.id_tag)).toEqual(['FIRST', 'SECOND']);
  });

  it('syncs the log of a store opened in WAL mode apart: its groups commit with synchronous = NORMAL, the rest with FULL', async () => {
    expect(await store.commit(synchronous)).toBe(1);
    expect(await store.atomically(synchronous)).toBe(2);
  });

  it('fails only the bad write of a batch and keeps the others', async () => {
    const good = store.commit((db) => store.badges.upsert({ id_tag: 'GOOD', authorized: 1, vip: 0, comment: '' }, 1, db));
    const bad = store.commit(async (db) => {
      await store.badges.upsert({ id_tag: 'HALF', authorized: 1, vip: 0, comment: '' }, 1, db);
      throw new Error('boom');
    });
    const badFails = expect(bad).rejects.toThrow('boom'); // at once: it waits for no sync
    await expect(good).resolves.toBeUndefined();
    await badFails;
    expect((await store.badges.list()).map((b) => b.id_tag)).toEqual(['GOOD']);
  });

  describe('syncing the log off the event loop (issue 15)', () => {

    /** A sync that ends when the test says so, counting its calls. */
    function heldSync() {
      const pending: Array<{ resolve: () => void; reject: (error: Error) => void }> = [];
      const sync = () => new Promise<void>((resolve, reject) => { pending.push({ resolve, reject }); });
      return { sync, pending };
    }
    const badge = (idTag: string) => (db: Db) => store.badges.upsert({ id_tag: idTag, authorized: 1, vip: 0, comment: '' }, 1, db);
    const settled = async (promise: Promise<unknown>) => {
      let done = false;
      void promise.then(() => { done = true; }, () => { done = true; });
      await new Promise((resolve) => setTimeout(resolve, 20));
      return done;
    };

    it('answers a write only after the sync that follows its commit, and shares the next sync among the groups committed meanwhile', async () => {
      const { sync, pending } = heldSync();
      const group = new GroupCommit(store.db, sync);
      const first = group.run(badge('A'));
      expect(await settled(first)).toBe(false);
      expect(pending).toHaveLength(1);
      // Committed (readable), not yet acknowledged.
      expect((await store.badges.list()).map((b) => b.id_tag)).toEqual(['A']);
      const second = group.run(badge('B'));
      await new Promise((resolve) => setTimeout(resolve, 5));
      const third = group.run(badge('C'));
      expect(await settled(second)).toBe(false);
      expect(pending).toHaveLength(1); // one sync at a time
      pending[0]!.resolve();
      await first;
      expect(await settled(second)).toBe(false); // its commit came after the first sync began
      expect(pending).toHaveLength(2);
      pending[1]!.resolve();
      await Promise.all([second, third]);
      expect(pending).toHaveLength(2);
    });

    it('settles a record (durable: false) once committed, without waiting for the sync that its group still gets', async () => {
      const { sync, pending } = heldSync();
      const group = new GroupCommit(store.db, sync);
      const durableWrite = group.run(badge('A'));
      const record = group.run(badge('B'), { durable: false });
      await record;
      expect((await store.badges.list()).map((b) => b.id_tag)).toEqual(['A', 'B']);
      expect(pending).toHaveLength(1);
      expect(await settled(durableWrite)).toBe(false);
      pending[0]!.resolve();
      await durableWrite;
    });

    it('never acknowledges a write whose sync failed, nor any later one (durable or record) until a restart', async () => {
      const { sync, pending } = heldSync();
      const group = new GroupCommit(store.db, sync);
      const write = group.run(badge('A'));
      await new Promise((resolve) => setTimeout(resolve, 5));
      pending[0]!.reject(new Error('EIO'));
      await expect(write).rejects.toThrow('EIO');
      await expect(group.run(badge('B'))).rejects.toThrow(/until Fuseguard restarts/);
      await expect(group.run(badge('C'), { durable: false })).rejects.toThrow(/until Fuseguard restarts/);
      await expect(group.synced()).rejects.toThrow(/until Fuseguard restarts/);
      expect(pending).toHaveLength(1); // no sync tried again: one that succeeded could hide lost pages
    });

    it('fails a group whose only write fails, at once (it waits for no sync)', async () => {
      const { sync, pending } = heldSync();
      const group = new GroupCommit(store.db, sync);
      await expect(group.run(async () => { throw new Error('bad write'); })).rejects.toThrow('bad write');
      expect(pending).toHaveLength(0);
    });

    it('synced() resolves once a sync that started after it ends (what was committed before is on disk)', async () => {
      const { sync, pending } = heldSync();
      const group = new GroupCommit(store.db, sync);
      const record = group.run(badge('A'), { durable: false });
      await record;
      expect(pending).toHaveLength(1); // the record's group is synced in the background
      const barrier = group.synced();
      expect(await settled(barrier)).toBe(false);
      pending[0]!.resolve();
      expect(await settled(barrier)).toBe(false); // the sync under way began before the barrier
      expect(pending).toHaveLength(2);
      pending[1]!.resolve();
      await barrier;
    });

    it('holdSyncs runs its work once the sync under way has ended, and starts no sync before it ends; the writes committed meanwhile share the next (issue 15, a checkpoint)', async () => {
      const { sync, pending } = heldSync();
      const group = new GroupCommit(store.db, sync);
      const first = group.run(badge('A'));
      await expect.poll(() => pending.length).toBe(1);
      const events: string[] = [];
      let endWork!: () => void;
      const held = group.holdSyncs(async () => {
        events.push('work starts');
        await new Promise<void>((resolve) => { endWork = resolve; });
        return 'checkpointed';
      });
      expect(await settled(held)).toBe(false);
      expect(events).toEqual([]); // the sync under way first
      const second = group.run(badge('B')); // asked for while the hold waits: its sync comes after the work
      pending[0]!.resolve();
      await first;
      await expect.poll(() => events).toEqual(['work starts']);
      const third = group.run(badge('C'));
      expect(await settled(third)).toBe(false);
      expect((await store.badges.list()).map((b) => b.id_tag)).toEqual(['A', 'B', 'C']); // committed meanwhile
      expect(pending).toHaveLength(1); // but no sync while the work runs
      expect(await settled(second)).toBe(false);
      endWork();
      expect(await held).toBe('checkpointed');
      await expect.poll(() => pending.length).toBe(2); // one sync for both, once it has ended
      pending[1]!.resolve();
      await Promise.all([second, third]);
      expect(pending).toHaveLength(2);
    });

    it('holdSyncs lets syncs go on beside a work that outlasts its limit, and ends its hold when the work fails', async () => {
      const { sync, pending } = heldSync();
      const group = new GroupCommit(store.db, sync);
      let endWork!: () => void;
      const slow = group.holdSyncs(() => new Promise<string>((resolve) => { endWork = () => resolve('done'); }), 30);
      await expect.poll(() => endWork !== undefined).toBe(true);
      const write = group.run(badge('A'));
      await new Promise((resolve) => setTimeout(resolve, 10));
      expect(pending).toHaveLength(0); // held
      await expect.poll(() => pending.length, { timeout: 2_000 }).toBe(1); // past the limit: synced beside the work
      pending[0]!.resolve();
      await write;
      expect(await settled(slow)).toBe(false);
      endWork();
      expect(await slow).toBe('done');
      await expect(group.holdSyncs(async () => { throw new Error('worker gone'); })).rejects.toThrow('worker gone');
      const after = group.run(badge('B'));
      await expect.poll(() => pending.length).toBe(2); // not held any more
      pending[1]!.resolve();
      await after;
    });

    it('gives the connection back with synchronous = FULL for every other write', async () => {
      const group = new GroupCommit(store.db, async () => undefined);
        let during: Promise<number | undefined> | undefined;
      await group.run(async (db) => {
        expect(await synchronous(db)).toBe(1); // NORMAL inside the group
        // Asked while the group holds the connection: it runs once the group gives it back.
        during = store.atomically(synchronous);
        return badge('A')(db);
      });
      expect(await during).toBe(2);
      expect((await sql<{ synchronous: number }>`PRAGMA synchronous`.execute(store.db)).rows[0]?.synchronous).toBe(2);
    });

    it('syncs the real log file, and takes a missing one as an error (a sync always follows a commit to it)', async () => {
      const dir = tempDir();
      try {
        await expect(walSyncer(dir.path)()).rejects.toThrow(/ENOENT/);
        const own = await Store.open(dir.path);
        await own.commit(badge('A'));
        expect(existsSync(join(dir.path, `${DATABASE_FILE}-wal`))).toBe(true);
        const syncer = walSyncer(dir.path);
        await expect(syncer()).resolves.toBeUndefined();
        await syncer.close();
        await own.close();
      } finally {
        dir.cleanup();
      }
    });
  });
});
