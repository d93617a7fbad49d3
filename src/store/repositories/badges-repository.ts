import type { Db } from '../database.js';
import type { BadgeRow } from '../schema.js';

export type BadgeConfig = Pick<BadgeRow, 'id_tag' | 'authorized' | 'vip' | 'comment'>;

export class BadgesRepository {
  constructor(private readonly db: Db) {}

  get(idTag: string): Promise<BadgeRow | undefined> {
    return this.db.selectFrom('badges').selectAll().where('id_tag', '=', idTag).executeTakeFirst();
  }

  list(db: Db = this.db): Promise<BadgeRow[]> {
    return db.selectFrom('badges').selectAll().orderBy('id_tag').execute();
  }

  /** Creates or updates a badge; its registration and last-seen times are kept (B3). */
  async upsert(badge: BadgeConfig, at: number, db: Db = this.db): Promise<void> {
    const { id_tag: _id, ...config } = badge;
    await db.insertInto('badges').values({ ...badge, registered_at: at, last_seen_at: null })
      .onConflict((oc) => oc.column('id_tag').doUpdateSet(config))
      .execute();
    await db.deleteFrom('seen_badges').where('id_tag', '=', badge.id_tag).execute();
  }

  async touch(idTag: string, at: number, db: Db = this.db): Promise<void> {
    await db.updateTable('badges').set({ last_seen_at: at }).where('id_tag', '=', idTag).execute();
  }

  /** Remembers an unknown badge presented at a station, for one-click enrollment (B3). */
  async recordSeen(idTag: string, stationId: string, at: number, db: Db = this.db): Promise<void> {
    await db.insertInto('seen_badges')
      .values({ id_tag: idTag, first_seen_at: at, last_seen_at: at, last_station_id: stationId, times_seen: 1 })
      .onConflict((oc) => oc.column('id_tag').doUpdateSet((eb) => ({
        last_seen_at: at,
        last_station_id: stationId,
        times_seen: eb('seen_badges.times_seen', '+', 1),
      })))
      .execute();
  }

  listSeen(): Promise<{ id_tag: string; first_seen_at: number; last_seen_at: number; last_station_id: string; times_seen: number }[]> {
    return this.db.selectFrom('seen_badges').selectAll().orderBy('last_seen_at', 'desc').execute();
  }
}
