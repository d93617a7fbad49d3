import type { Db } from '../database.js';
import { reusedQuery } from '../reused-query.js';
import type { ConnectorRow, StationRow, StationUpdate } from '../schema.js';

/** `offline_auth_mode` absent: left as stored (B2). */
export type StationConfig = Pick<StationRow, 'id' | 'zone' | 'name' | 'password_hash' | 'vip' | 'auth_mode' | 'box_identity'> & Partial<Pick<StationRow, 'offline_auth_mode' | 'upstream_password'>>;
/**
 * What an installer sets (site file, API): the connector is no longer a discovered one with unknown wiring.
 * `socket_type` absent: left as stored (issue 16).
 */
export type ConnectorConfig = Pick<ConnectorRow, 'station_id' | 'connector_id' | 'phases' | 'min_current_a' | 'max_current_a' | 'type' | 'max_power_w'>
  & Partial<Pick<ConnectorRow, 'socket_type'>>;

/** Default wiring of a connector that a station reports but nobody configured yet (Z4, A1). */
const DISCOVERED_CONNECTOR = { phases: 'L1L2L3', min_current_a: null, max_current_a: 32, type: 'AC' as const, max_power_w: null, discovered: 1 };

export class StationsRepository {
  // Once per connector in a boot storm: compiled once (reused-query.ts).
  private readonly failsafeHeldUpdate = reusedQuery<'stationId' | 'connectorId' | 'failsafeA'>((value) => this.db.updateTable('connectors')
    .set({ failsafe_held_a: value('failsafeA') }).where('station_id', '=', value('stationId')).where('connector_id', '=', value('connectorId')).compile());

  constructor(private readonly db: Db) {}

  get(id: string): Promise<StationRow | undefined> {
    return this.db.selectFrom('stations').selectAll().where('id', '=', id).executeTakeFirst();
  }

  list(db: Db = this.db): Promise<StationRow[]> {
    return db.selectFrom('stations').selectAll().orderBy('id').execute();
  }

  listConnectors(stationId?: string, db: Db = this.db): Promise<ConnectorRow[]> {
    let query = db.selectFrom('connectors').selectAll();
    if (stationId !== undefined) query = query.where('station_id', '=', stationId);
    return query.orderBy('station_id').orderBy('connector_id').execute();
  }

  /** Creates or updates an admitted station's configuration; runtime fields are kept. */
  async upsertConfig(station: StationConfig, db: Db = this.db): Promise<void> {
    const { id: _id, ...config } = station;
    await db.insertInto('stations').values({ ...station, admission: 'admitted', connected: 0 })
      .onConflict((oc) => oc.column('id').doUpdateSet({ ...config, admission: 'admitted' }))
      .execute();
  }

  async upsertConnector(connector: ConnectorConfig, db: Db = this.db): Promise<void> {
    const { station_id: _s, connector_id: _c, ...config } = connector;
    await db.insertInto('connectors').values({ ...connector, discovered: null })
      .onConflict((oc) => oc.columns(['station_id', 'connector_id']).doUpdateSet({ ...config, discovered: null }))
      .execute();
  }

  /** Admitted stations only: a flood of pending ones never weighs on the list (issue 14, row 9). */
  listAdmitted(db: Db = this.db): Promise<StationRow[]> {
    return db.selectFrom('stations').selectAll().where('admission', '=', 'admitted').orderBy('id').execute();
  }

  /** Pending stations with when each was last seen, oldest first; there are at most `pendingStationsMax` (O2). */
  async listPendingSeen(db: Db = this.db): Promise<{ id: string; connected: boolean; seenAt: number }[]> {
    const rows = await db.selectFrom('stations').select(['id', 'connected', 'first_seen_at', 'last_connected_at', 'last_disconnected_at'])
      .where('admission', '=', 'pending').execute();
    return rows.map((r) => ({ id: r.id, connected: r.connected === 1, seenAt: Math.max(r.first_seen_at ?? 0, r.last_connected_at ?? 0, r.last_disconnected_at ?? 0) }))
      .sort((a, b) => a.seenAt - b.seenAt || (a.id < b.id ? -1 : 1));
  }

  /** Removes pending stations (and any connector they reported); admitted ones are never touched. */
  async removePending(ids: readonly string[], db: Db = this.db): Promise<number> {
    if (ids.length === 0) return 0;
    let removed = 0;
    // In slices, within SQLite's bound on variables per statement.
    for (let i = 0; i < ids.length; i += 500) {
      const slice = ids.slice(i, i + 500);
      await db.deleteFrom('connectors').where('station_id', 'in', slice)
        .where((eb) => eb.exists(eb.selectFrom('stations').select('id').whereRef('stations.id', '=', 'connectors.station_id').where('admission', '=', 'pending'))).execute();
      const result = await db.deleteFrom('stations').where('id', 'in', slice).where('admission', '=', 'pending').executeTakeFirst();
      removed += Number(result.numDeletedRows);
    }
    return removed;
  }

  /** An unknown station that connected while `unknownStations` is `pending` (O2). */
  async insertPending(id: string, at: number, remoteAddress: string | null, db: Db = this.db): Promise<void> {
    await db.insertInto('stations')
      .values({ id, admission: 'pending', zone: null, vip: 0, connected: 0, first_seen_at: at, remote_address: remoteAddress })
      .onConflict((oc) => oc.column('id').doNothing())
      .execute();
  }

  async admit(id: string, zone: string): Promise<boolean> {
    const result = await this.db.updateTable('stations').set({ admission: 'admitted', zone }).where('id', '=', id).executeTakeFirst();
    return result.numUpdatedRows > 0n;
  }

  async update(id: string, values: StationUpdate, db: Db = this.db): Promise<void> {
    await db.updateTable('stations').set(values).where('id', '=', id).execute();
  }

  /** At start nothing is connected: whatever the last run believed is stale. */
  async markAllDisconnected(at: number): Promise<void> {
    await this.db.updateTable('stations')
      .set({ connected: 0, last_disconnected_at: at, disconnect_reason: 'server restarted' })
      .where('connected', '=', 1)
      .execute();
  }

  /** D8: the failsafe the connector's station surely holds (null: not known). */
  async setFailsafeHeld(stationId: string, connectorId: number, failsafeA: number | null, db: Db = this.db): Promise<void> {
    await db.executeQuery(this.failsafeHeldUpdate({ stationId, connectorId, failsafeA }));
  }

  /** A connector a station has and the site did not list (D8): created with the defaults, if missing. */
  async ensureConnector(stationId: string, connectorId: number, db: Db = this.db): Promise<void> {
    await db.insertInto('connectors')
      .values({ station_id: stationId, connector_id: connectorId, ...DISCOVERED_CONNECTOR, status: null, error_code: null, status_at: null })
      .onConflict((oc) => oc.columns(['station_id', 'connector_id']).doNothing())
      .execute();
  }

  async setConnectorStatus(stationId: string, connectorId: number, status: string, errorCode: string, at: number, db: Db = this.db): Promise<void> {
    await db.insertInto('connectors')
      .values({ station_id: stationId, connector_id: connectorId, ...DISCOVERED_CONNECTOR, status, error_code: errorCode, status_at: at })
      .onConflict((oc) => oc.columns(['station_id', 'connector_id']).doUpdateSet({ status, error_code: errorCode, status_at: at }))
      .execute();
  }
}
