// Zone history points (W4): one row per zone and time bucket. The table is not in schema.ts's
// Database; this repository types it itself.
import type { Kysely } from 'kysely';
import type { Db } from '../database.js';
import type { Database } from '../schema.js';

export interface ZoneHistoryTable {
  zone: string;
  at: number;
  limit_l1_a: number;
  limit_l2_a: number;
  limit_l3_a: number;
  allocated_l1_a: number;
  allocated_l2_a: number;
  allocated_l3_a: number;
  measured_l1_a: number;
  measured_l2_a: number;
  measured_l3_a: number;
}

type HistoryDb = Kysely<Database & { zone_history: ZoneHistoryTable }>;
type Triple = [number, number, number];

/** One point: the bucket's start and per phase (L1, L2, L3) the figures of its window. */
export interface ZoneHistoryPoint {
  zone: string;
  at: number;
  limitA: Triple;
  allocatedA: Triple;
  measuredA: Triple;
}

const toRow = (p: ZoneHistoryPoint): ZoneHistoryTable => ({
  zone: p.zone, at: p.at,
  limit_l1_a: p.limitA[0], limit_l2_a: p.limitA[1], limit_l3_a: p.limitA[2],
  allocated_l1_a: p.allocatedA[0], allocated_l2_a: p.allocatedA[1], allocated_l3_a: p.allocatedA[2],
  measured_l1_a: p.measuredA[0], measured_l2_a: p.measuredA[1], measured_l3_a: p.measuredA[2],
});

const fromRow = (r: ZoneHistoryTable): ZoneHistoryPoint => ({
  zone: r.zone, at: Number(r.at),
  limitA: [r.limit_l1_a, r.limit_l2_a, r.limit_l3_a],
  allocatedA: [r.allocated_l1_a, r.allocated_l2_a, r.allocated_l3_a],
  measuredA: [r.measured_l1_a, r.measured_l2_a, r.measured_l3_a],
});

export class ZoneHistoryRepository {
  private readonly db: HistoryDb;

  constructor(db: Db) {
    this.db = db as unknown as HistoryDb;
  }

  /** Stores points; a point for a zone and time already stored replaces it. */
  async add(points: readonly ZoneHistoryPoint[]): Promise<void> {
    if (points.length === 0) return;
    await this.db.insertInto('zone_history').values(points.map(toRow))
      .onConflict((oc) => oc.columns(['zone', 'at']).doUpdateSet((eb) => ({
        limit_l1_a: eb.ref('excluded.limit_l1_a'), limit_l2_a: eb.ref('excluded.limit_l2_a'), limit_l3_a: eb.ref('excluded.limit_l3_a'),
        allocated_l1_a: eb.ref('excluded.allocated_l1_a'), allocated_l2_a: eb.ref('excluded.allocated_l2_a'), allocated_l3_a: eb.ref('excluded.allocated_l3_a'),
        measured_l1_a: eb.ref('excluded.measured_l1_a'), measured_l2_a: eb.ref('excluded.measured_l2_a'), measured_l3_a: eb.ref('excluded.measured_l3_a'),
      })))
      .execute();
  }

  /** A zone's points from `since` (included), oldest first. */
  async list(zone: string, since: number): Promise<ZoneHistoryPoint[]> {
    const rows = await this.db.selectFrom('zone_history').selectAll().where('zone', '=', zone).where('at', '>=', since).orderBy('at', 'asc').execute();
    return rows.map(fromRow);
  }

  /** Drops the points older than `before`; answers how many went. */
  async prune(before: number): Promise<number> {
    const result = await this.db.deleteFrom('zone_history').where('at', '<', before).executeTakeFirst();
    return Number(result.numDeletedRows);
  }
}
