import type { Db } from '../database.js';
import type { ZoneRow } from '../schema.js';

/** `offline_auth_mode` absent: left as stored (B2). */
export type ZoneUpsert = Omit<ZoneRow, 'offline_auth_mode'> & Partial<Pick<ZoneRow, 'offline_auth_mode'>>;

export class ZonesRepository {
  constructor(private readonly db: Db) {}

  list(db: Db = this.db): Promise<ZoneRow[]> {
    return db.selectFrom('zones').selectAll().orderBy('position').orderBy('name').execute();
  }

  async get(name: string): Promise<ZoneRow | undefined> {
    return this.db.selectFrom('zones').selectAll().where('name', '=', name).executeTakeFirst();
  }

  async delete(name: string, db: Db = this.db): Promise<void> {
    await db.deleteFrom('zones').where('name', '=', name).execute();
  }

  async upsert(zone: ZoneUpsert, db: Db = this.db): Promise<void> {
    const { name: _name, ...rest } = zone;
    await db.insertInto('zones').values(zone)
      .onConflict((oc) => oc.column('name').doUpdateSet(rest))
      .execute();
  }
}
