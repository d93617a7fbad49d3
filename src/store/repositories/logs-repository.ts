import { sql, type Selectable } from 'kysely';
import type { Db } from '../database.js';
import { reusedQuery } from '../reused-query.js';
import type { LogsTable } from '../schema.js';

export type LogRow = Selectable<LogsTable>;
export type LogEntry = Omit<LogRow, 'id'>;

/** What an operator filters the log by (X1). */
export interface LogFilter {
  level?: LogRow['level'];
  /** This level and the ones above it (warn: warn and error). */
  minLevel?: LogRow['level'];
  stationId?: string;
  action?: string;
  since?: number;
  until?: number;
  /** Case-insensitive substring of the message. */
  text?: string;
  limit: number;
  /** Rows with a smaller id only: the next page after the last row seen. */
  beforeId?: number;
}

export const LOG_LEVELS: readonly LogRow['level'][] = ['debug', 'info', 'warn', 'error'];

/** The log lines an operator needs, kept in the database and bounded in size (X1). */
export class LogsRepository {
  private readonly insert = reusedQuery<keyof LogEntry>((value) => this.db.insertInto('logs')
    .values({ at: value('at'), level: value('level'), station_id: value('station_id'), action: value('action'), message: value('message') }).compile());

  constructor(private readonly db: Db, private readonly maxRows = 100_000) {}

  async add(entry: LogEntry, db: Db = this.db): Promise<void> {
    await db.executeQuery(this.insert(entry));
  }

  /** The newest lines [200], of a station or a level. */
  list(filter: { stationId?: string; level?: LogRow['level']; limit?: number } = {}): Promise<LogRow[]> {
    return this.query({ ...filter, limit: filter.limit ?? 200 });
  }

  /** The lines that match, newest first. */
  query(filter: LogFilter): Promise<LogRow[]> {
    let query = this.db.selectFrom('logs').selectAll();
    if (filter.level) query = query.where('level', '=', filter.level);
    if (filter.minLevel) query = query.where('level', 'in', LOG_LEVELS.slice(LOG_LEVELS.indexOf(filter.minLevel)));
    if (filter.stationId) query = query.where('station_id', '=', filter.stationId);
    if (filter.action) query = query.where('action', '=', filter.action);
    if (filter.since !== undefined) query = query.where('at', '>=', filter.since);
    if (filter.until !== undefined) query = query.where('at', '<', filter.until);
    if (filter.beforeId !== undefined) query = query.where('id', '<', filter.beforeId);
    if (filter.text) {
      const escaped = filter.text.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`);
      query = query.where(sql<boolean>`lower(message) like ${`%${escaped}%`} escape '\\'`);
    }
    return query.orderBy('id', 'desc').limit(filter.limit).execute();
  }

  /** Drops the oldest rows beyond the bound. */
  async prune(): Promise<void> {
    const cutoff = await this.db.selectFrom('logs').select('id').orderBy('id', 'desc').offset(this.maxRows).limit(1).executeTakeFirst();
    if (cutoff) await this.db.deleteFrom('logs').where('id', '<=', cutoff.id).execute();
  }
}
