import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openTempStore } from '../../test/helpers/temp-dir.js';
import type { Store } from './store.js';

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

  it('fails only the bad write of a batch and keeps the others', async () => {
    const good = store.commit((db) => store.badges.upsert({ id_tag: 'GOOD', authorized: 1, vip: 0, comment: '' }, 1, db));
    const bad = store.commit(async (db) => {
      await store.badges.upsert({ id_tag: 'HALF', authorized: 1, vip: 0, comment: '' }, 1, db);
      throw new Error('boom');
    });
    await expect(good).resolves.toBeUndefined();
    await expect(bad).rejects.toThrow('boom');
    expect((await store.badges.list()).map((b) => b.id_tag)).toEqual(['GOOD']);
  });
});
