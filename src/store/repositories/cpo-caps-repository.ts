// The CPO's caps on connectors (U1): connector 0 caps every connector of its station. Declared
// here, not in schema.ts: only the relay's caps use the table.
import type { Selectable } from 'kysely';
import type { Db } from '../database.js';

export interface CpoCapsTable {
  station_id: string;
  connector_id: number;
  /** Per phase. */
  cap_a: number;
  set_at: number;
}

export type CpoCapRow = Selectable<CpoCapsTable>;

const tables = (db: Db) => db.withTables<{ cpo_caps: CpoCapsTable }>();

export class CpoCapsRepository {
  constructor(private readonly db: Db) {}

  list(): Promise<CpoCapRow[]> {
    return tables(this.db).selectFrom('cpo_caps').selectAll().orderBy('station_id').orderBy('connector_id').execute();
  }

  async set(stationId: string, connectorId: number, capA: number, at: number, db: Db = this.db): Promise<void> {
    await tables(db).insertInto('cpo_caps').values({ station_id: stationId, connector_id: connectorId, cap_a: capA, set_at: at })
      .onConflict((oc) => oc.columns(['station_id', 'connector_id']).doUpdateSet({ cap_a: capA, set_at: at }))
      .execute();
  }

  /** Clears one connector's cap, or (connectorId null) every cap of the station; returns how many. */
  async clear(stationId: string, connectorId: number | null, db: Db = this.db): Promise<number> {
    let query = tables(db).deleteFrom('cpo_caps').where('station_id', '=', stationId);
    if (connectorId !== null) query = query.where('connector_id', '=', connectorId);
    const result = await query.executeTakeFirst();
    return Number(result.numDeletedRows);
  }

  /** Clears every cap (the relay is off: they were the CPO's); returns how many. */
  async clearAll(db: Db = this.db): Promise<number> {
    const result = await tables(db).deleteFrom('cpo_caps').executeTakeFirst();
    return Number(result.numDeletedRows);
  }
}
