// Session queries of the REST API (W3, W10): filtered pages with a total, the sessions of an
// export (those that overlap its period) and their energy readings.
import type { Db } from '../database.js';
import type { TransactionRow } from '../schema.js';

export interface SessionQuery {
  stationId?: string;
  idTag?: string;
  ongoing?: boolean;
  /** Sessions that started at or after this time... */
  fromAt?: number;
  /** ...and before this one. */
  toAt?: number;
}

/** A connector as its sessions name it (its station may have been removed since). */
export interface SessionConnector {
  stationId: string;
  connectorId: number;
}

export class SessionQueryRepository {
  constructor(private readonly db: Db) {}

  private filtered(q: SessionQuery) {
    let query = this.db.selectFrom('transactions');
    if (q.stationId !== undefined) query = query.where('station_id', '=', q.stationId);
    if (q.idTag !== undefined) query = query.where('id_tag', '=', q.idTag);
    if (q.ongoing) query = query.where('stop_at', 'is', null);
    if (q.fromAt !== undefined) query = query.where('start_at', '>=', q.fromAt);
    if (q.toAt !== undefined) query = query.where('start_at', '<', q.toAt);
    return query;
  }

  /** Newest first. */
  page(q: SessionQuery, offset: number, limit: number): Promise<TransactionRow[]> {
    return this.filtered(q).selectAll().orderBy('id', 'desc').offset(offset).limit(limit).execute();
  }

  async count(q: SessionQuery): Promise<number> {
    const row = await this.filtered(q).select((eb) => eb.fn.countAll().as('n')).executeTakeFirst();
    return Number(row?.n ?? 0);
  }

  /**
   * In start order, for an export: the next `limit` after `after` (keyset: start, then id). A later
   * page's range starts at the keyset's start, not at `fromAt`: SQLite bounds its scan of the
   * `transactions_start` index with one lower bound, and the keyset's OR is only a filter.
   */
  pageInStartOrder(q: SessionQuery, after: { startAt: number; id: number } | null, limit: number): Promise<TransactionRow[]> {
    let query = this.filtered(after ? { ...q, fromAt: after.startAt } : q).selectAll();
    if (after) query = query.where((eb) => eb.or([eb('start_at', '>', after.startAt), eb('id', '>', after.id)]));
    return query.orderBy('start_at').orderBy('id').limit(limit).execute();
  }

  /**
   * The first connector after `after` (station, then connector) that has sessions, of one station
   * or any: one seek in the `transactions_open` index (station, connector, stop), so that walking
   * every connector costs a seek each, not a read of every session (a loose index scan).
   */
  async nextConnectorWithSessions(after: SessionConnector | null, stationId?: string): Promise<SessionConnector | null> {
    let query = this.db.selectFrom('transactions').select(['station_id', 'connector_id']);
    if (stationId !== undefined) query = query.where('station_id', '=', stationId);
    if (after) query = query.where((eb) => eb(eb.refTuple('station_id', 'connector_id'), '>', eb.tuple(after.stationId, after.connectorId)));
    const row = await query.orderBy('station_id').orderBy('connector_id').limit(1).executeTakeFirst();
    return row ? { stationId: row.station_id, connectorId: row.connector_id } : null;
  }

  /**
   * A connector's sessions that started before `at` and were still going at it (ongoing, or
   * stopped after it), with the filters of `q` but its period: an export's sessions that started
   * before its period and overlap it. No index leads with the stop time, so they are looked for per
   * connector in `transactions_open` (station, connector, stop): its ongoing session, then those it
   * stopped after `at`, in two range reads (with an OR, SQLite reads every session of the connector).
   */
  async runningAt(q: SessionQuery, connector: SessionConnector, at: number): Promise<TransactionRow[]> {
    const ofConnector = () => this.filtered({ idTag: q.idTag }).selectAll()
      .where('station_id', '=', connector.stationId).where('connector_id', '=', connector.connectorId).where('start_at', '<', at);
    const ongoing = await ofConnector().where('stop_at', 'is', null).execute();
    if (q.ongoing) return ongoing;
    return [...ongoing, ...await ofConnector().where('stop_at', '>', at).execute()];
  }

  /**
   * The session's energy register readings (Wh, whole meter, not per phase) after `afterAt`, in
   * time order, at most `limit` instants: readings of one instant come as its lowest and highest.
   */
  async energyReadingsAfter(transactionId: number, afterAt: number, limit: number): Promise<{ at: number; lowWh: number; highWh: number }[]> {
    const rows = await this.db.selectFrom('meter_samples')
      .select((eb) => ['at', eb.fn.min('value').as('low'), eb.fn.max('value').as('high')])
      .where('transaction_id', '=', transactionId).where('measurand', '=', 'Energy.Active.Import.Register')
      .where('phase', 'is', null).where('unit', '=', 'Wh').where('at', '>', afterAt)
      .groupBy('at').orderBy('at').limit(limit).execute();
    return rows.map((r) => ({ at: Number(r.at), lowWh: Number(r.low), highWh: Number(r.high) }));
  }
}
