import type { Db } from '../database.js';
import type { NewMeterSample, TransactionRow } from '../schema.js';

const SAMPLES_PER_INSERT = 1_000;

export interface StartRecord {
  stationId: string;
  connectorId: number;
  idTag: string;
  authStatus: string;
  reservationId: number | null;
  meterStartWh: number;
  startAt: number;
}

export interface StopRecord {
  meterStopWh: number;
  stopAt: number;
  reason: string;
  idTag: string | null;
}

export interface TransactionFilter {
  stationId?: string;
  idTag?: string;
  ongoing?: boolean;
  fromAt?: number;
  toAt?: number;
  limit?: number;
}

const TRANSACTION_SEQUENCE = 'transaction_id';

export class TransactionsRepository {
  constructor(private readonly db: Db) {}

  /**
   * Stores a StartTransaction and returns its id. A station that resends the same start (its
   * first answer was lost in a crash) gets the same id back: no duplicate session (O7).
   * Runs inside the caller's transaction (`store.commit`), which makes it atomic.
   */
  async start(trx: Db, record: StartRecord, at: number): Promise<{ id: number; duplicate: boolean }> {
    const existing = await trx.selectFrom('transactions').select('id')
      .where('station_id', '=', record.stationId)
      .where('connector_id', '=', record.connectorId)
      .where('id_tag', '=', record.idTag)
      .where('start_at', '=', record.startAt)
      .where('meter_start_wh', '=', record.meterStartWh)
      .executeTakeFirst();
    if (existing) return { id: Number(existing.id), duplicate: true };
    const id = await nextValue(trx, TRANSACTION_SEQUENCE);
    await trx.insertInto('transactions').values({
      id,
      station_id: record.stationId,
      connector_id: record.connectorId,
      id_tag: record.idTag,
      auth_status: record.authStatus,
      reservation_id: record.reservationId,
      meter_start_wh: record.meterStartWh,
      start_at: record.startAt,
      last_meter_wh: record.meterStartWh,
      last_meter_at: record.startAt,
      created_at: at,
    }).execute();
    return { id, duplicate: false };
  }

  get(id: number): Promise<TransactionRow | undefined> {
    return this.db.selectFrom('transactions').selectAll().where('id', '=', id).executeTakeFirst();
  }

  /** Closes a transaction (inside the caller's transaction); a second stop changes nothing and returns false. */
  async stop(trx: Db, id: number, stop: StopRecord): Promise<boolean> {
    const row = await trx.selectFrom('transactions').select(['meter_start_wh', 'stop_at']).where('id', '=', id).executeTakeFirst();
    if (!row || row.stop_at !== null) return false;
    await trx.updateTable('transactions').set({
      meter_stop_wh: stop.meterStopWh,
      stop_at: stop.stopAt,
      stop_reason: stop.reason,
      stop_id_tag: stop.idTag,
      energy_wh: Math.max(0, stop.meterStopWh - Number(row.meter_start_wh)),
      last_meter_wh: stop.meterStopWh,
      last_meter_at: stop.stopAt,
    }).where('id', '=', id).execute();
    return true;
  }

  list(filter: TransactionFilter = {}): Promise<TransactionRow[]> {
    let query = this.db.selectFrom('transactions').selectAll();
    if (filter.stationId !== undefined) query = query.where('station_id', '=', filter.stationId);
    if (filter.idTag !== undefined) query = query.where('id_tag', '=', filter.idTag);
    if (filter.ongoing) query = query.where('stop_at', 'is', null);
    if (filter.fromAt !== undefined) query = query.where('start_at', '>=', filter.fromAt);
    if (filter.toAt !== undefined) query = query.where('start_at', '<', filter.toAt);
    return query.orderBy('id', 'desc').limit(filter.limit ?? 1000).execute();
  }

  samples(transactionId: number): Promise<NewMeterSample[]> {
    return this.db.selectFrom('meter_samples').selectAll().where('transaction_id', '=', transactionId).orderBy('at').execute();
  }

  /** Stores meter samples and moves each transaction's last known energy reading forward. */
  async addSamples(db: Db, samples: readonly NewMeterSample[]): Promise<void> {
    if (samples.length === 0) return;
    // In chunks: one statement has a bounded number of variables (SQLite: 32,766), and a station
    // may send thousands of sampled values at once (issue 14, row 12).
    for (let i = 0; i < samples.length; i += SAMPLES_PER_INSERT) {
      await db.insertInto('meter_samples').values(samples.slice(i, i + SAMPLES_PER_INSERT)).execute();
    }
    const latest = new Map<number, { wh: number; at: number }>();
    for (const s of samples) {
      if (s.transaction_id == null || s.measurand !== 'Energy.Active.Import.Register' || s.phase != null) continue;
      const known = latest.get(s.transaction_id);
      if (!known || known.at <= s.at) latest.set(s.transaction_id, { wh: s.value, at: s.at });
    }
    for (const [transactionId, energy] of latest) {
      await db.updateTable('transactions')
        .set({ last_meter_wh: energy.wh, last_meter_at: energy.at })
        .where('id', '=', transactionId)
        .where((eb) => eb.or([eb('last_meter_at', 'is', null), eb('last_meter_at', '<=', energy.at)]))
        .execute();
    }
  }
}

/** Next value of a named counter; values are never reused, even after deletions. */
async function nextValue(trx: Db, name: string): Promise<number> {
  const row = await trx.selectFrom('sequences').select('next_value').where('name', '=', name).executeTakeFirst();
  const value = row ? Number(row.next_value) : 1;
  if (row) await trx.updateTable('sequences').set({ next_value: value + 1 }).where('name', '=', name).execute();
  else await trx.insertInto('sequences').values({ name, next_value: value + 1 }).execute();
  return value;
}
