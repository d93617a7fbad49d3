// Session queries of the REST API (W3, W10): filtered pages with a total, and energy readings.
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

  /** In start order, for an export: the next `limit` after `after` (keyset: start, then id). */
  pageInStartOrder(q: SessionQuery, after: { startAt: number; id: number } | null, limit: number): Promise<TransactionRow[]> {
    let query = this.filtered(q).selectAll();
    if (after) {
      query = query.where((eb) => eb.or([
        eb('start_at', '>', after.startAt),
        eb.and([eb('start_at', '=', after.startAt), eb('id', '>', after.id)]),
      ]));
    }
    return query.orderBy('start_at').orderBy('id').limit(limit).execute();
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
