// Issue 14, row 12: a station may send thousands of sampled values in one MeterValues; they are
// stored in chunks, within SQLite's bound on variables per statement.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openTempStore } from '../../../test/helpers/temp-dir.js';
import type { NewMeterSample } from '../schema.js';
import type { Store } from '../store.js';

describe('meter samples', () => {
  let store: Store;
  let close: () => Promise<void>;
  beforeEach(async () => { ({ store, close } = await openTempStore()); });
  afterEach(() => close());

  it('stores 20,000 sampled values of one message', async () => {
    const samples: NewMeterSample[] = Array.from({ length: 20_000 }, (_, i) => ({
      station_id: 'CP-1', connector_id: 1, transaction_id: null, at: 1_000 + i, measurand: 'Current.Import', phase: 'L1', value: i % 32, unit: 'A', context: 'Sample.Periodic',
    }));
    await store.commit((db) => store.transactions.addSamples(db, samples));
    const count = await store.db.selectFrom('meter_samples').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    expect(Number(count.n)).toBe(20_000);
  });
});
