import type { Db } from '../database.js';

/** Site-wide settings as JSON values under a key. */
export class SettingsRepository {
  constructor(private readonly db: Db) {}

  async getAll(): Promise<Record<string, unknown>> {
    const rows = await this.db.selectFrom('settings').selectAll().execute();
    return Object.fromEntries(rows.map((r) => [r.key, JSON.parse(r.value) as unknown]));
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
