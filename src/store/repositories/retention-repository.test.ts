// Retention (issue 16, item 12): what is within the bounds stays, what is beyond goes, by age and
// by count, chunk by chunk with a pause in between.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openTempStore } from '../../../test/helpers/temp-dir.js';
import type { Store } from '../store.js';
import type { NewMeterSample } from '../schema.js';

const DAY_MS = 86_400_000;
const FAR = 1e12; // a bound that keeps everything

describe('RetentionRepository', () => {
  let store: Store;
  let close: () => Promise<void>;
  beforeEach(async () => {
    ({ store, close } = await openTempStore());
  });
  afterEach(async () => { await close(); });

  /** `count` commands, the i-th sent at `at(i)`. */
  async function commands(count: number, at: (i: number) => number): Promise<void> {
    for (let i = 0; i < count; i++) await store.commands.begin(`CP-${i % 3}`, 'SetChargingProfile', { i }, at(i));
  }
  const commandTimes = async () => (await store.db.selectFrom('commands').select('sent_at').orderBy('id').execute()).map((r) => Number(r.sent_at));
  const commandCount = async () => (await commandTimes()).length;

  it('deletes the commands older than the age bound, in chunks, and keeps the younger ones', async () => {
    await commands(25, (i) => i * DAY_MS);
    const leftAtPauses: number[] = [];
    const result = await store.retention.pruneCommands({ before: 20 * DAY_MS, maxRows: 1_000 }, {
      chunkRows: 5, pause: async () => { leftAtPauses.push(await commandCount()); },
    });
    expect(result).toEqual({ deleted: 20, chunks: 4 });
    expect(leftAtPauses).toEqual([20, 15, 10, 5]); // one chunk of 5 between pauses
    expect(await commandTimes()).toEqual([20, 21, 22, 23, 24].map((d) => d * DAY_MS));
  });

  it('keeps the newest commands up to the count bound', async () => {
    await commands(30, () => 1_000);
    const result = await store.retention.pruneCommands({ before: 0, maxRows: 12 }, { chunkRows: 7, pause: async () => undefined });
    expect(result).toEqual({ deleted: 18, chunks: 3 });
    const ids = (await store.db.selectFrom('commands').select('id').orderBy('id').execute()).map((r) => Number(r.id));
    expect(ids).toEqual(Array.from({ length: 12 }, (_, i) => 19 + i));
    // Within both bounds: nothing more goes, and nothing is written.
    expect(await store.retention.pruneCommands({ before: 0, maxRows: 12 }, { chunkRows: 7, pause: async () => undefined })).toEqual({ deleted: 0, chunks: 0 });
  });

  it('applies whichever bound deletes more, and an empty table is no error', async () => {
    expect(await store.retention.pruneCommands({ before: FAR, maxRows: 1 })).toEqual({ deleted: 0, chunks: 0 });
    await commands(10, (i) => i * DAY_MS);
    // Count keeps 6 (days 4-9); age keeps days 7-9: age wins.
    await store.retention.pruneCommands({ before: 7 * DAY_MS, maxRows: 6 }, { chunkRows: 4, pause: async () => undefined });
    expect(await commandTimes()).toEqual([7, 8, 9].map((d) => d * DAY_MS));
    await commands(5, () => 20 * DAY_MS);
    // Count keeps 4 of the 8; age keeps them all: count wins.
    await store.retention.pruneCommands({ before: 0, maxRows: 4 }, { chunkRows: 4, pause: async () => undefined });
    expect(await commandTimes()).toEqual([20, 20, 20, 20].map((d) => d * DAY_MS));
  });

  it('stops the age bound at the first young command (the clock stepped back behind it)', async () => {
    const days = [1, 30, 2, 3];
    await commands(days.length, (i) => days[i]! * DAY_MS);
    await store.retention.pruneCommands({ before: 10 * DAY_MS, maxRows: 1_000 }, { pause: async () => undefined });
    expect(await commandTimes()).toEqual([30, 2, 3].map((d) => d * DAY_MS));
  });

  it('ends between chunks once its signal is aborted', async () => {
    await commands(20, () => 0);
    const stop = new AbortController();
    const result = await store.retention.pruneCommands({ before: DAY_MS, maxRows: 1_000 }, { chunkRows: 5, pause: async () => { stop.abort(); }, signal: stop.signal });
    expect(result).toEqual({ deleted: 5, chunks: 1 });
    expect(await commandCount()).toBe(15);
  });

  it('bounds the audit log by age and by count', async () => {
    for (let i = 0; i < 20; i++) await store.audit.record({ at: i * DAY_MS, actor: 'admin', action: 'settings.advanced', target: null, details: null });
    const byAge = await store.retention.pruneAudit({ before: 5 * DAY_MS, maxRows: 1_000 }, { chunkRows: 3, pause: async () => undefined });
    expect(byAge).toEqual({ deleted: 5, chunks: 2 });
    const byCount = await store.retention.pruneAudit({ before: 0, maxRows: 10 }, { chunkRows: 3, pause: async () => undefined });
    expect(byCount).toEqual({ deleted: 5, chunks: 2 });
    const left = (await store.audit.list()).map((a) => a.at).sort((a, b) => a - b);
    expect(left).toEqual(Array.from({ length: 10 }, (_, i) => (10 + i) * DAY_MS));
  });

  describe('meter samples outside sessions', () => {
    const sample = (at: number, transactionId: number | null, value = 1): NewMeterSample => ({
      transaction_id: transactionId, station_id: 'CP-1', connector_id: 1, at, measurand: 'Current.Import', phase: 'L1', value, unit: 'A', context: null,
    });
    const rows = async () => (await store.db.selectFrom('meter_samples').select(['at', 'transaction_id']).orderBy('at').orderBy('transaction_id').execute())
      .map((r) => [Number(r.at), r.transaction_id === null ? null : Number(r.transaction_id)]);

    it('deletes the old samples without a transaction, chunk by chunk, and keeps every sample of a session', async () => {
      // Three samples an instant (one MeterValues), instants 1 to 6 days old; sessions' samples as old.
      const samples: NewMeterSample[] = [];
      for (let day = 1; day <= 6; day++) for (let v = 0; v < 3; v++) samples.push(sample(day * DAY_MS, null, v), sample(day * DAY_MS, 42, v));
      await store.transactions.addSamples(store.db, samples);
      const leftAtPauses: number[] = [];
      const result = await store.retention.pruneSamplesOutsideSessions(5 * DAY_MS, {
        chunkRows: 4, pause: async () => { leftAtPauses.push((await rows()).filter(([, tx]) => tx === null).length); },
      });
      expect(result).toEqual({ deleted: 12, chunks: 4 });
      expect(leftAtPauses).toEqual([15, 12, 9]); // whole instants, never more than a chunk here
      const left = await rows();
      expect(left.filter(([, tx]) => tx === 42)).toHaveLength(18);
      expect(left.filter(([, tx]) => tx === null)).toEqual([5, 5, 5, 6, 6, 6].map((d) => [d * DAY_MS, null]));
    });

    it('takes one instant whole when it alone fills a chunk', async () => {
      await store.transactions.addSamples(store.db, [...Array.from({ length: 6 }, (_, v) => sample(DAY_MS, null, v)), sample(2 * DAY_MS, null), sample(9 * DAY_MS, null)]);
      const result = await store.retention.pruneSamplesOutsideSessions(5 * DAY_MS, { chunkRows: 4, pause: async () => undefined });
      expect(result).toEqual({ deleted: 7, chunks: 2 });
      expect(await rows()).toEqual([[9 * DAY_MS, null]]);
    });
  });
});
