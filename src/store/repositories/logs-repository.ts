import type { Selectable } from 'kysely';
import type { Db } from '../database.js';
import { reusedQuery } from '../reused-query.js';
import type { LogsTable } from '../schema.js';

export type LogRow = Selectable<LogsTable>;
export type LogEntry = Omit<LogRow, 'id'>;

/** The log lines an operator needs, kept in the database and bounded in size (X1). */
export class LogsRepository {
  private readonly insert = reusedQuery<keyof LogEntry>((value) => this.db.insertInto('logs')
    .values({ at: value('at'), level: value('level'), station_id: value('station_id'), action: value('action'), message: value('message') }).compile());

  constructor(private readonly db: Db, private readonly maxRows = 100_000) {}

  async add(entry: LogEntry, db: Db = this.db): Promise<void> {
    await db.executeQuery(this.insert(entry));
  }

  list(filter: { stationId?: string; level?: LogRow['level']; limit?: number } = {}): Promise<LogRow[]> {
    let query = this.db.selectFrom('logs').selectAll();
    if (filter.stationId !== undefined) query = query.where('station_id', '=', filter.stationId);
    if (filter.level !== undefined) query = query.where('level', '=', filter.level);
    return query.orderBy('id', 'desc').limit(filter.limit ?? 200).execute();
  }

  /** Drops the oldest rows beyond the bound. */
  async prune(): Promise<void> {
    const cutoff = await this.db.selectFrom('logs').select('id').orderBy('id', 'desc').offset(this.maxRows).limit(1).executeTakeFirst();
    if (cutoff) await this.db.deleteFrom('logs').where('id', '<=', cutoff.id).execute();
  }
}
