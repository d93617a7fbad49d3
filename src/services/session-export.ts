// Session export (W10): the CSV's header and rows. Each session's energy per time-of-use period
// (M1) is computed in domain/session/energy-split.ts. Pure: time and TOU are arguments.
import { stringify } from 'csv-stringify/sync';
import { guardCsvCell } from './csv-cell.js';
import type { EnergySplit } from '../domain/session/energy-split.js';

export interface ExportSession {
  transactionId: number;
  stationId: string;
  connectorId: number;
  idTag: string;
  chargeType: 'AC' | 'DC';
  startAt: number;
  /** Null while the session is ongoing. */
  endAt: number | null;
  socketType: string;
  comment: string;
  boxIdentity: string;
  /** Its energy within the exported span of time: `energyKWh`, `NoPeriod` and the periods' columns. */
  split: EnergySplit;
}

const kWh = (wh: number) => (wh / 1000).toFixed(3);
const iso = (at: number | null) => (at === null ? '' : new Date(at).toISOString());

/** H:MM:SS */
export function formatDuration(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  return `${Math.floor(s / 3600)}:${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}:${String(s % 60).padStart(2, '0')}`;
}

/**
 * The W10 CSV's header: fixed columns, then the energy outside every TOU period (`NoPeriod`, as the
 * manual of the box Fuseguard replaces names it), then one column per period.
 */
export function sessionCsvHeader(periodNames: readonly string[]): string[] {
  return [
    'transaction', 'station', 'connector', 'idTag', 'chargeType', 'start', 'end', 'energyKWh', 'socketType', 'duration',
    'comment', 'chargeBoxIdentity', 'NoPeriod', ...periodNames.map((p) => guardCsvCell(`tou:${p} kWh`)),
  ];
}

/** One session's W10 row. Text that stations and users chose goes through guardCsvCell (formula injection, issue 14 row 8). */
export function sessionCsvRow(s: ExportSession, periodNames: readonly string[], now: number): string[] {
  return [
    String(s.transactionId), guardCsvCell(s.stationId), String(s.connectorId), guardCsvCell(s.idTag), s.chargeType, iso(s.startAt), iso(s.endAt), kWh(s.split.totalWh),
    guardCsvCell(s.socketType), formatDuration((s.endAt ?? now) - s.startAt), guardCsvCell(s.comment), guardCsvCell(s.boxIdentity),
    kWh(s.split.noPeriodWh), ...periodNames.map((p) => kWh(s.split.byPeriodWh[p] ?? 0)),
  ];
}

/** CSV lines (each ends with a newline). */
export const csvLines = (rows: readonly (readonly string[])[]): string => stringify(rows as string[][], { record_delimiter: '\n' });

/** The W10 CSV of a few sessions at once (the API streams it row by row: session-csv-stream.ts). */
export function formatSessionCsv(sessions: readonly ExportSession[], periodNames: readonly string[], now: number): string {
  return csvLines([sessionCsvHeader(periodNames), ...sessions.map((s) => sessionCsvRow(s, periodNames, now))]);
}
