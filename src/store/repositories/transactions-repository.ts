import type { CompiledQuery } from 'kysely';
import type { Db } from '../database.js';
import { reusedQuery } from '../reused-query.js';
import type { MeterSamplesTable, NewMeterSample, TransactionRow } from '../schema.js';
import { joinAnomalies, settleStop, supersededStop, type TransactionAnomaly } from '../../domain/session/transaction-sanity.js';

const SAMPLES_PER_INSERT = 1_000;
/** Inserts of up to this many samples (a MeterValues' usual handful) are compiled once per count. */
const REUSED_SAMPLE_COUNT = 16;
const SAMPLE_COLUMNS = ['transaction_id', 'station_id', 'connector_id', 'at', 'measurand', 'phase', 'value', 'unit', 'context'] as const satisfies readonly (keyof MeterSamplesTable)[];
type SampleColumn = (typeof SAMPLE_COLUMNS)[number];

export interface StartRecord {
  stationId: string;
  connectorId: number;
  idTag: string;
  authStatus: string;
  reservationId: number | null;
  meterStartWh: number;
  startAt: number;
  /** What was corrected in what the station sent (issue 14, row 7). */
  anomalies?: readonly TransactionAnomaly[];
}

/** A session closed because a new one started on its connector. */
export interface SupersededSession {
  id: number;
  stopAt: number;
  meterStopWh: number;
}

export interface StopRecord {
  meterStopWh: number;
  stopAt: number;
  reason: string;
  idTag: string | null;
  anomalies?: readonly TransactionAnomaly[];
}

export interface TransactionFilter {
  stationId?: string;
  idTag?: string;
  ongoing?: boolean;
  fromAt?: number;
  toAt?: number;
  limit?: number;
}

export const TRANSACTION_SEQUENCE = 'transaction_id';
/** The stop reason of a session closed by the next StartTransaction on its connector. */
export const SUPERSEDED_REASON = 'Superseded';

export class TransactionsRepository {
  /** The insert of n samples, by n (at most REUSED_SAMPLE_COUNT): a steady stream of MeterValues runs it thousands of times a second. */
  /** By count: the insert, and where each of its named values is (`${column}${row}`: the sample and its column). */
  private readonly sampleInserts = new Map<number, { insert: (value: (name: string) => unknown) => CompiledQuery; cells: Map<string, [row: number, column: SampleColumn]> }>();
  private readonly lastMeterUpdate = reusedQuery<'wh' | 'at' | 'id'>((value) => this.db.updateTable('transactions')
    .set({ last_meter_wh: value('wh'), last_meter_at: value('at') })
    .where('id', '=', value('id'))
    .where((eb) => eb.or([eb('last_meter_at', 'is', null), eb('last_meter_at', '<=', value('at'))]))
    .compile());

  constructor(private readonly db: Db) {}

  /**
   * Stores a StartTransaction and returns its id. A station that resends the same start (its
   * first answer was lost in a crash) gets the same id back: no duplicate session (O7). A session
   * still open on the connector is closed first (`superseded`): a connector has one session at a
   * time, and stations lose StopTransactions (issue 14, row 7).
   * Runs inside the caller's transaction (`store.commit`), which makes it atomic.
   */
  async start(trx: Db, record: StartRecord, at: number): Promise<{ id: number; duplicate: boolean; superseded: SupersededSession[] }> {
    let repeated = trx.selectFrom('transactions').select('id')
      .where('station_id', '=', record.stationId)
      .where('connector_id', '=', record.connectorId)
      .where('id_tag', '=', record.idTag)
      .where('meter_start_wh', '=', record.meterStartWh);
    // A start stored at its receive time (the station's time was absurd) is repeated with another
    // receive time: the same start is then the one still open with a corrected time.
    repeated = record.anomalies?.includes('start-time')
      ? repeated.where('stop_at', 'is', null).where('anomalies', 'like', '%start-time%')
      : repeated.where('start_at', '=', record.startAt);
    const existing = await repeated.executeTakeFirst();
    if (existing) return { id: Number(existing.id), duplicate: true, superseded: [] };
    const open = await trx.selectFrom('transactions').select(['id', 'start_at', 'meter_start_wh', 'last_meter_wh', 'last_meter_at'])
      .where('station_id', '=', record.stationId).where('connector_id', '=', record.connectorId).where('stop_at', 'is', null)
      .execute();
    const superseded: SupersededSession[] = [];
    for (const row of open) {
      const stop = supersededStop(row, record);
      if (await this.stop(trx, Number(row.id), { ...stop, reason: SUPERSEDED_REASON, idTag: null, anomalies: ['superseded'] })) {
        superseded.push({ id: Number(row.id), ...stop });
      }
    }
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
      anomalies: joinAnomalies(null, record.anomalies ?? []),
    }).execute();
    return { id, duplicate: false, superseded };
  }

  /** A transaction id that no session will have: the answer to a StartTransaction that is refused. */
  reserveId(trx: Db): Promise<number> {
    return nextValue(trx, TRANSACTION_SEQUENCE);
  }

  /** Sessions not stopped yet (the metrics, R3). */
  async countOpen(): Promise<number> {
    const row = await this.db.selectFrom('transactions').select((eb) => eb.fn.countAll<number>().as('n')).where('stop_at', 'is', null).executeTakeFirstOrThrow();
    return Number(row.n);
  }

  get(id: number): Promise<TransactionRow | undefined> {
    return this.db.selectFrom('transactions').selectAll().where('id', '=', id).executeTakeFirst();
  }

  /**
   * Closes a transaction (inside the caller's transaction); a second stop changes nothing and
   * returns false. A stop before the start, or a register below the start, is stored corrected
   * and flagged (issue 14, row 7): never a negative energy.
   */
  async stop(trx: Db, id: number, stop: StopRecord): Promise<boolean> {
    const row = await trx.selectFrom('transactions').select(['meter_start_wh', 'start_at', 'stop_at', 'anomalies']).where('id', '=', id).executeTakeFirst();
    if (!row || row.stop_at !== null) return false;
    const settled = settleStop({ startAt: Number(row.start_at), meterStartWh: Number(row.meter_start_wh) }, stop);
    await trx.updateTable('transactions').set({
      meter_stop_wh: stop.meterStopWh,
      stop_at: settled.stopAt,
      stop_reason: stop.reason,
      stop_id_tag: stop.idTag,
      energy_wh: settled.energyWh,
      last_meter_wh: stop.meterStopWh,
      last_meter_at: settled.stopAt,
      anomalies: joinAnomalies(row.anomalies, [...(stop.anomalies ?? []), ...settled.anomalies]),
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

  /** The insert of `count` samples, compiled once per count (values `${column}${row}`). */
  private sampleInsert(count: number): { insert: (value: (name: string) => unknown) => CompiledQuery; cells: Map<string, [row: number, column: SampleColumn]> } {
    let cached = this.sampleInserts.get(count);
    if (!cached) {
      const insert = reusedQuery<string>((value) => this.db.insertInto('meter_samples')
        .values(Array.from({ length: count }, (_, row) => Object.fromEntries(SAMPLE_COLUMNS.map((column) => [column, value(`${column}${row}`)])) as unknown as NewMeterSample))
        .compile());
      const cells = new Map<string, [number, SampleColumn]>();
      for (let row = 0; row < count; row++) for (const column of SAMPLE_COLUMNS) cells.set(`${column}${row}`, [row, column]);
      cached = { insert, cells };
      this.sampleInserts.set(count, cached);
    }
    return cached;
  }

  /** Stores meter samples and moves each transaction's last known energy reading forward. */
  async addSamples(db: Db, samples: readonly NewMeterSample[]): Promise<void> {
    if (samples.length === 0) return;
    // In chunks: one statement has a bounded number of variables (SQLite: 32,766), and a station
    // may send thousands of sampled values at once (issue 14, row 12).
    if (samples.length <= REUSED_SAMPLE_COUNT) {
      const { insert, cells } = this.sampleInsert(samples.length);
      await db.executeQuery(insert((name) => {
        const [row, column] = cells.get(name)!;
        return samples[row][column] ?? null;
      }));
    } else {
      for (let i = 0; i < samples.length; i += SAMPLES_PER_INSERT) {
        await db.insertInto('meter_samples').values(samples.slice(i, i + SAMPLES_PER_INSERT)).execute();
      }
    }
    const latest = new Map<number, { wh: number; at: number }>();
    for (const s of samples) {
      if (s.transaction_id == null || s.measurand !== 'Energy.Active.Import.Register' || s.phase != null) continue;
      const known = latest.get(s.transaction_id);
      if (!known || known.at <= s.at) latest.set(s.transaction_id, { wh: s.value, at: s.at });
    }
    for (const [transactionId, energy] of latest) {
      await db.executeQuery(this.lastMeterUpdate({ wh: energy.wh, at: energy.at, id: transactionId }));
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
