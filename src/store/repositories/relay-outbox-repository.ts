// The relay's durable outbox and transaction id map (U2). Its tables are declared here, not in
// schema.ts: only the relay uses them.
import type { Generated, Selectable } from 'kysely';
import type { Db } from '../database.js';

export type RelayOutboxState = 'queued' | 'delivered' | 'failed';

export interface RelayOutboxTable {
  id: Generated<number>;
  station_id: string;
  action: string;
  /** Fuseguard's transaction id (= the station's), for the id mapping. */
  transaction_id: number | null;
  dedupe_key: string;
  payload: string; // JSON, as the station sent it
  state: RelayOutboxState;
  attempts: Generated<number>;
  created_at: number;
  done_at: number | null;
  last_error: string | null;
}

export interface RelayTransactionsTable {
  transaction_id: number;
  station_id: string;
  cpo_transaction_id: number;
  mapped_at: number;
}

export type RelayTables = {
  relay_outbox: RelayOutboxTable;
  relay_transactions: RelayTransactionsTable;
};

export type RelayOutboxRow = Selectable<RelayOutboxTable>;

export interface OutboxEntry {
  stationId: string;
  action: string;
  transactionId: number | null;
  dedupeKey: string;
  payload: unknown;
  at: number;
}

const tables = (db: Db) => db.withTables<RelayTables>();

export class RelayOutboxRepository {
  constructor(private readonly db: Db) {}

  /** Queues a message; one with the same key for the station is already there: nothing happens. */
  async enqueue(entry: OutboxEntry, db: Db = this.db): Promise<void> {
    await tables(db).insertInto('relay_outbox')
      .values({
        station_id: entry.stationId, action: entry.action, transaction_id: entry.transactionId, dedupe_key: entry.dedupeKey,
        payload: JSON.stringify(entry.payload), state: 'queued', created_at: entry.at, done_at: null, last_error: null,
      })
      .onConflict((oc) => oc.columns(['station_id', 'dedupe_key']).doNothing())
      .execute();
  }

  /** The oldest queued message of a station: the next one to deliver. */
  async head(stationId: string): Promise<RelayOutboxRow | undefined> {
    return tables(this.db).selectFrom('relay_outbox').selectAll()
      .where('state', '=', 'queued').where('station_id', '=', stationId)
      .orderBy('id').limit(1).executeTakeFirst();
  }

  /** Whether a StartTransaction of this transaction is still queued (its id mapping will come). */
  async startQueued(stationId: string, transactionId: number): Promise<boolean> {
    const row = await tables(this.db).selectFrom('relay_outbox').select('id')
      .where('state', '=', 'queued').where('station_id', '=', stationId)
      .where('action', '=', 'StartTransaction').where('transaction_id', '=', transactionId)
      .executeTakeFirst();
    return row !== undefined;
  }

  /** Queued messages per station. */
  async queuedCounts(): Promise<Map<string, number>> {
    const rows = await tables(this.db).selectFrom('relay_outbox')
      .select(['station_id', (eb) => eb.fn.countAll<number>().as('n')])
      .where('state', '=', 'queued').groupBy('station_id').execute();
    return new Map(rows.map((r) => [r.station_id, Number(r.n)]));
  }

  async markDelivered(id: number, at: number, db: Db = this.db): Promise<void> {
    await tables(db).updateTable('relay_outbox')
      .set((eb) => ({ state: 'delivered', done_at: at, last_error: null, attempts: eb('attempts', '+', 1) }))
      .where('id', '=', id).execute();
  }

  /** One failed try; after `maxAttempts` the message is given up (state failed, kept for the record). */
  async markAttemptFailed(id: number, error: string, at: number, maxAttempts: number, db: Db = this.db): Promise<boolean> {
    const row = await tables(db).updateTable('relay_outbox')
      .set((eb) => ({ attempts: eb('attempts', '+', 1), last_error: error }))
      .where('id', '=', id).returning('attempts').executeTakeFirstOrThrow();
    if (Number(row.attempts) < maxAttempts) return false;
    await tables(db).updateTable('relay_outbox').set({ state: 'failed', done_at: at }).where('id', '=', id).execute();
    return true;
  }

  async list(stationId?: string): Promise<RelayOutboxRow[]> {
    let query = tables(this.db).selectFrom('relay_outbox').selectAll().orderBy('id');
    if (stationId !== undefined) query = query.where('station_id', '=', stationId);
    return query.execute();
  }

  /** Delivered messages older than `before` are dropped; failed ones stay for an operator. */
  async pruneDelivered(before: number): Promise<void> {
    await tables(this.db).deleteFrom('relay_outbox').where('state', '=', 'delivered').where('done_at', '<', before).execute();
  }

  async mapTransaction(stationId: string, transactionId: number, cpoTransactionId: number, at: number, db: Db = this.db): Promise<void> {
    await tables(db).insertInto('relay_transactions')
      .values({ transaction_id: transactionId, station_id: stationId, cpo_transaction_id: cpoTransactionId, mapped_at: at })
      .onConflict((oc) => oc.column('transaction_id').doUpdateSet({ cpo_transaction_id: cpoTransactionId, mapped_at: at }))
      .execute();
  }

  async cpoTransactionId(transactionId: number): Promise<number | undefined> {
    const row = await tables(this.db).selectFrom('relay_transactions').select('cpo_transaction_id')
      .where('transaction_id', '=', transactionId).executeTakeFirst();
    return row ? Number(row.cpo_transaction_id) : undefined;
  }

  /** Fuseguard's id of the CPO's transaction on a station (the latest, if the CPO reused one). */
  async transactionIdOfCpo(stationId: string, cpoTransactionId: number): Promise<number | undefined> {
    const row = await tables(this.db).selectFrom('relay_transactions').select('transaction_id')
      .where('station_id', '=', stationId).where('cpo_transaction_id', '=', cpoTransactionId)
      .orderBy('mapped_at', 'desc').limit(1).executeTakeFirst();
    return row ? Number(row.transaction_id) : undefined;
  }
}
