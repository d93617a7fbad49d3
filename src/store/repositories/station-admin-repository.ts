// Station changes of the REST API (O2, W5) that StationsRepository does not offer: removal.
// Sessions, meter samples and command outcomes stay as history.
import type { Db } from '../database.js';

export class StationAdminRepository {
  constructor(private readonly db: Db) {}

  /** Removes a station and its connectors; returns false if it did not exist. Use inside a transaction. */
  async remove(id: string, db: Db = this.db): Promise<boolean> {
    await db.deleteFrom('connectors').where('station_id', '=', id).execute();
    const result = await db.deleteFrom('stations').where('id', '=', id).executeTakeFirst();
    return result.numDeletedRows > 0n;
  }
}
