// Filtered reads for maintenance: the operator log (X1), command outcomes and open sessions (R3).
// NOTE: SQL outside store/ (see site-data.ts); LogsRepository.list has no text or time filter.
import { sql } from 'kysely';
import type { Db } from '../store/database.js';
import type { LogRow } from '../store/repositories/logs-repository.js';

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

export const LEVELS: readonly LogRow['level'][] = ['debug', 'info', 'warn', 'error'];

/** Newest first. */
export function queryLogs(db: Db, filter: LogFilter): Promise<LogRow[]> {
  let query = db.selectFrom('logs').selectAll();
  if (filter.level) query = query.where('level', '=', filter.level);
  if (filter.minLevel) query = query.where('level', 'in', LEVELS.slice(LEVELS.indexOf(filter.minLevel)));
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

/** Sessions not stopped yet. */
export async function countOpenSessions(db: Db): Promise<number> {
  const row = await db.selectFrom('transactions').select(sql<number>`count(*)`.as('n')).where('stop_at', 'is', null).executeTakeFirstOrThrow();
  return Number(row.n);
}
