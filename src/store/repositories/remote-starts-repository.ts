import type { Db } from '../database.js';

/** Remote starts waiting for their StartTransaction (B1), one per station and badge. */
export class RemoteStartsRepository {
  constructor(private readonly db: Db) {}

  /** Expects `idTag` on `stationId` until `untilAt`; the expired ones go at the same time. */
  async expect(stationId: string, idTag: string, at: number, untilAt: number, db: Db = this.db): Promise<void> {
    await db.deleteFrom('remote_starts').where('until_at', '<', at).execute();
    await db.insertInto('remote_starts').values({ station_id: stationId, id_tag: idTag, until_at: untilAt })
      .onConflict((oc) => oc.columns(['station_id', 'id_tag']).doUpdateSet({ until_at: untilAt })).execute();
  }

  /** Whether it is expected at `at`. */
  async isExpected(stationId: string, idTag: string, at: number, db: Db = this.db): Promise<boolean> {
    const row = await db.selectFrom('remote_starts').select('until_at').where('station_id', '=', stationId).where('id_tag', '=', idTag).executeTakeFirst();
    return row !== undefined && Number(row.until_at) >= at;
  }

  /**
   * The start came: uses the expectation up, in one statement, so that two starts at once cannot
   * both use it. Whether there was one, valid at `at`.
   */
  async take(stationId: string, idTag: string, at: number, db: Db = this.db): Promise<boolean> {
    const result = await db.deleteFrom('remote_starts').where('station_id', '=', stationId).where('id_tag', '=', idTag)
      .where('until_at', '>=', at).executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
  }

  /** The request did not reach the station, or it refused: no start is expected. */
  async forget(stationId: string, idTag: string, db: Db = this.db): Promise<void> {
    await db.deleteFrom('remote_starts').where('station_id', '=', stationId).where('id_tag', '=', idTag).execute();
  }
}
