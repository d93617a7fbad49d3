import type { Db } from '../database.js';
import type { AuditRow } from '../schema.js';

export interface AuditFilter {
  since?: number;
  until?: number;
  actor?: string;
  action?: string;
  limit?: number;
}

/** Who changed what, when (S4). */
export class AuditRepository {
  constructor(private readonly db: Db) {}

  async record(entry: Omit<AuditRow, 'id'>, db: Db = this.db): Promise<void> {
    await db.insertInto('audit_log').values(entry).execute();
  }

  list(filter: AuditFilter = {}, db: Db = this.db): Promise<AuditRow[]> {
    let query = db.selectFrom('audit_log').selectAll();
    if (filter.since !== undefined) query = query.where('at', '>=', filter.since);
    if (filter.until !== undefined) query = query.where('at', '<', filter.until);
    if (filter.actor) query = query.where('actor', '=', filter.actor);
    if (filter.action) query = query.where('action', '=', filter.action);
    return query.orderBy('id', 'desc').limit(filter.limit ?? 500).execute();
  }
}
