// Badge list changes of the REST API (B3, B4, W7) that BadgesRepository does not offer: delete,
// replace the whole list in one transaction, forget a seen badge. Built on the store's database.
import type { Db } from '../database.js';
import type { BadgeRow } from '../schema.js';

export class BadgeListRepository {
  constructor(private readonly db: Db) {}

  async delete(idTag: string, db: Db = this.db): Promise<boolean> {
    const result = await db.deleteFrom('badges').where('id_tag', '=', idTag).executeTakeFirst();
    return result.numDeletedRows > 0n;
  }

  /** Sets individual fields of a badge (comment, flags); returns false if it does not exist. */
  async update(idTag: string, values: Partial<Pick<BadgeRow, 'authorized' | 'vip' | 'comment'>>, db: Db = this.db): Promise<boolean> {
    if (Object.keys(values).length === 0) return (await db.selectFrom('badges').select('id_tag').where('id_tag', '=', idTag).executeTakeFirst()) !== undefined;
    const result = await db.updateTable('badges').set(values).where('id_tag', '=', idTag).executeTakeFirst();
    return result.numUpdatedRows > 0n;
  }

  /** The whole list becomes `badges` (B4); imported badges are no longer "seen unknown". Use inside a transaction. */
  async replaceAll(badges: readonly BadgeRow[], db: Db): Promise<void> {
    await db.deleteFrom('badges').execute();
    for (let i = 0; i < badges.length; i += 200) await db.insertInto('badges').values(badges.slice(i, i + 200)).execute();
    const ids = badges.map((b) => b.id_tag);
    for (let i = 0; i < ids.length; i += 500) await db.deleteFrom('seen_badges').where('id_tag', 'in', ids.slice(i, i + 500)).execute();
  }

  getSeen(idTag: string): Promise<{ id_tag: string; first_seen_at: number; last_seen_at: number; last_station_id: string; times_seen: number } | undefined> {
    return this.db.selectFrom('seen_badges').selectAll().where('id_tag', '=', idTag).executeTakeFirst();
  }

  async deleteSeen(idTag: string, db: Db = this.db): Promise<boolean> {
    const result = await db.deleteFrom('seen_badges').where('id_tag', '=', idTag).executeTakeFirst();
    return result.numDeletedRows > 0n;
  }
}
