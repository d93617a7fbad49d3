// Badges the CPO accepted (B2, `cpo` mode): while the CPO is unreachable, `reject-except-cached`
// accepts them. The table is not in schema.ts's Database; this repository types it itself.
import type { Kysely } from 'kysely';
import type { Db } from '../database.js';
import type { Database } from '../schema.js';

export interface CpoBadgeCacheTable {
  id_tag: string;
  /** The station where the CPO last accepted it. */
  station_id: string;
  accepted_at: number;
}

type CacheDb = Kysely<Database & { cpo_badge_cache: CpoBadgeCacheTable }>;

export class CpoBadgeCacheRepository {
  private readonly db: CacheDb;

  constructor(db: Db) {
    this.db = db as unknown as CacheDb;
  }

  async has(idTag: string): Promise<boolean> {
    return (await this.db.selectFrom('cpo_badge_cache').select('id_tag').where('id_tag', '=', idTag).executeTakeFirst()) !== undefined;
  }

  async remember(idTag: string, stationId: string, at: number, db: Db = this.db as unknown as Db): Promise<void> {
    await (db as unknown as CacheDb).insertInto('cpo_badge_cache').values({ id_tag: idTag, station_id: stationId, accepted_at: at })
      .onConflict((oc) => oc.column('id_tag').doUpdateSet({ station_id: stationId, accepted_at: at }))
      .execute();
  }

  /** The CPO refused it now: it no longer counts as accepted. */
  async forget(idTag: string, db: Db = this.db as unknown as Db): Promise<void> {
    await (db as unknown as CacheDb).deleteFrom('cpo_badge_cache').where('id_tag', '=', idTag).execute();
  }

  list(): Promise<CpoBadgeCacheTable[]> {
    return this.db.selectFrom('cpo_badge_cache').selectAll().orderBy('id_tag').execute();
  }
}
