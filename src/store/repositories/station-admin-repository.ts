// Station changes of the REST API (O2, W5) that StationsRepository does not offer: removal.
// Sessions, meter samples and command outcomes stay as history.
import type { Db } from '../database.js';
import { CpoCapsRepository } from './cpo-caps-repository.js';

export class StationAdminRepository {
  constructor(private readonly db: Db) {}

  /**
   * Removes a station, its connectors and the CPO's caps on it (a station admitted later with the
   * same id must not inherit them); returns false if it did not exist. Use inside a transaction.
   */
  async remove(id: string, db: Db = this.db): Promise<boolean> {
    await db.deleteFrom('connectors').where('station_id', '=', id).execute();
    await new CpoCapsRepository(db).clear(id, null);
    const result = await db.deleteFrom('stations').where('id', '=', id).executeTakeFirst();
    return result.numDeletedRows > 0n;
  }
}
