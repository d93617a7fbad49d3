// reusedQuery (issue 15): a statement compiled once runs again with each run's own values, each in
// its column whatever the order the SQL takes them in; a template with a literal is refused.
import { sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openTempStore } from '../../test/helpers/temp-dir.js';
import { reusedQuery } from './reused-query.js';
import type { Store } from './store.js';

describe('reusedQuery', () => {
  let store: Store;
  let close: () => Promise<void>;
  beforeEach(async () => { ({ store, close } = await openTempStore()); });
  afterEach(() => close());

  it('puts every value in its place, run after run, in and out of transactions', async () => {
    const insert = reusedQuery<'message' | 'at' | 'level' | 'stationId' | 'action'>((value) => store.db.insertInto('logs')
      // Named in another order than the columns: the names, not the positions, decide.
      .values({ message: value('message'), action: value('action'), at: value('at'), station_id: value('stationId'), level: value('level') }).compile());
    await store.db.executeQuery(insert({ at: 1, level: 'info', stationId: 'CP-1', action: 'a', message: 'first' }));
    await store.commit((db) => db.executeQuery(insert({ level: 'warn', message: 'second', at: 2, stationId: null, action: null })));
    const rows = await store.db.selectFrom('logs').select(['at', 'level', 'station_id', 'action', 'message']).orderBy('at').execute();
    expect(rows).toEqual([
      { at: 1, level: 'info', station_id: 'CP-1', action: 'a', message: 'first' },
      { at: 2, level: 'warn', station_id: null, action: null, message: 'second' },
    ]);
  });

  it('takes the values from a function of their names as well, and refuses one it has no value for', async () => {
    const insert = reusedQuery<'message' | 'at' | 'level'>((value) => store.db.insertInto('logs')
      .values({ message: value('message'), at: value('at'), level: value('level'), station_id: null, action: null } as never).compile());
    const values: Record<string, unknown> = { message: 'by name', at: 7, level: 'info' };
    expect(() => insert((name) => values[name])).toThrow(/parameter .* is not a named value/); // the nulls are literals
    const named = reusedQuery<'message' | 'at' | 'level' | 'none'>((value) => store.db.insertInto('logs')
      .values({ message: value('message'), at: value('at'), level: value('level'), station_id: value('none'), action: value('none') }).compile());
    await store.db.executeQuery(named((name) => (name === 'none' ? null : values[name])));
    expect(await store.db.selectFrom('logs').select(['message', 'at', 'level', 'station_id']).execute()).toEqual([{ message: 'by name', at: 7, level: 'info', station_id: null }]);
    expect(() => named((name) => (name === 'at' ? undefined : values[name] ?? null))).toThrow(/no value named at/);
  });

  it('refuses a template with a value that is not named (it would be the same in every run)', () => {
    const insert = reusedQuery<'message'>((value) => store.db.insertInto('logs')
      .values({ message: value('message'), at: 5, level: 'info', station_id: null, action: null }).compile());
    expect(() => insert({ message: 'x' })).toThrow(/parameter 2 of .* is not a named value/);
  });

  it('refuses a value written into the SQL, and a run without one of the values', async () => {
    const written = reusedQuery<'message'>((value) => store.db.insertInto('logs')
      .values({ message: sql.lit(value('message')), at: sql.lit(5), level: sql.lit('info'), station_id: sql.lit(null), action: sql.lit(null) } as never).compile());
    expect(() => written({ message: 'x' })).toThrow(/written into/);
    const insert = reusedQuery<'message' | 'at'>((value) => store.db.insertInto('logs')
      .values({ message: value('message'), at: value('at'), level: value('at'), station_id: value('at'), action: value('at') }).compile());
    expect(() => insert({ message: 'x' } as never)).toThrow(/no value named at/);
  });

  it('stores the meter samples of a MeterValues as they came, with the insert compiled once per count', async () => {
    const sample = (at: number, measurand: string, value: number, phase?: string) => ({ station_id: 'CP-1', connector_id: 1, at, measurand, value, unit: 'A', ...(phase ? { phase } : {}) });
    await store.commit((db) => store.transactions.addSamples(db, [sample(1, 'Current.Import', 10, 'L1'), sample(1, 'Current.Import', 11, 'L2')]));
    await store.commit((db) => store.transactions.addSamples(db, [sample(2, 'Current.Import', 12, 'L3'), sample(2, 'Power.Active.Import', 13)]));
    const rows = await store.db.selectFrom('meter_samples').select(['at', 'measurand', 'phase', 'value', 'transaction_id', 'context']).orderBy('at').orderBy('value').execute();
    expect(rows).toEqual([
      { at: 1, measurand: 'Current.Import', phase: 'L1', value: 10, transaction_id: null, context: null },
      { at: 1, measurand: 'Current.Import', phase: 'L2', value: 11, transaction_id: null, context: null },
      { at: 2, measurand: 'Current.Import', phase: 'L3', value: 12, transaction_id: null, context: null },
      { at: 2, measurand: 'Power.Active.Import', phase: null, value: 13, transaction_id: null, context: null },
    ]);
  });
});
