import type { Db } from '../database.js';

/** Site-wide settings as JSON values under a key. */
export class SettingsRepository {
  constructor(private readonly db: Db) {}

  async getAll(): Promise<Record<string, unknown>> {
    const rows = await this.db.selectFrom('settings').selectAll().execute();
    return Object.fromEntries(rows.map((r) => [r.key, JSON.parse(r.value) as unknown]));
  }

  /**
   * Reads the value under `key`, gives it to `change` (undefined when there is none) and stores what
   * it returns, in one transaction: two edits at once (two admins, a page and a script) each build
   * on the other's result, none is lost (issue 16, item 13). `change` may throw to refuse: nothing
   * is written then. Returns what was stored.
   */
  update<T>(key: string, change: (current: unknown) => T): Promise<T> {
    return this.db.transaction().execute(async (trx) => {
      const row = await trx.selectFrom('settings').select('value').where('key', '=', key).executeTakeFirst();
      const next = change(row ? JSON.parse(row.value) as unknown : undefined);
      await this.set({ [key]: next }, trx);
      return next;
    });
  }

  async set(values: Record<string, unknown>, db: Db = this.db): Promise<void> {
    for (const [key, value] of Object.entries(values)) {
      if (value === undefined) continue;
      const json = JSON.stringify(value);
      await db.insertInto('settings').values({ key, value: json })
        .onConflict((oc) => oc.column('key').doUpdateSet({ value: json }))
        .execute();
    }
  }
}
