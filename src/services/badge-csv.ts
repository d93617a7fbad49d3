// Badge lists as CSV (B4): Fuseguard's own format (a header, one badge a row) and the plain export
// of a station (one idTag a line, extra columns ignored). Pure: text in, badges or line errors out.
import { parse } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';
import { guardCsvCell, unguardCsvCell } from './csv-cell.js';

export const MAX_ID_TAG_LENGTH = 20;
export const MAX_BADGE_COMMENT_LENGTH = 50;

/** The own format's columns, in the order of an export. Only idTag is required on import. */
export const BADGE_CSV_COLUMNS = ['idTag', 'authorized', 'vip', 'comment', 'registeredAt', 'lastSeenAt'] as const;
type Column = (typeof BADGE_CSV_COLUMNS)[number];

export interface CsvBadge {
  idTag: string;
  authorized: boolean;
  vip: boolean;
  comment: string;
  /** Epoch ms; null: not in the file (the import time is used). */
  registeredAt: number | null;
  lastSeenAt: number | null;
}

export interface CsvLineError {
  /** 1-based line of the file. */
  line: number;
  message: string;
}

export type BadgeCsvResult =
  | { ok: true; format: 'fuseguard' | 'station-export'; badges: CsvBadge[] }
  | { ok: false; errors: CsvLineError[] };

const TRUE = new Set(['true', '1', 'yes', 'y']);
const FALSE = new Set(['false', '0', 'no', 'n']);

function parseBool(value: string, fallback: boolean): boolean | null {
  const v = value.trim().toLowerCase();
  if (v === '') return fallback;
  if (TRUE.has(v)) return true;
  if (FALSE.has(v)) return false;
  return null;
}

function parseTime(value: string): number | null | undefined {
  const v = value.trim();
  if (v === '') return null;
  const at = Date.parse(v);
  return Number.isNaN(at) ? undefined : at;
}

/** The delimiter of the first non-empty line: `;`, tab or `,`. */
function guessDelimiter(text: string): string {
  const first = text.split(/\r?\n/).find((l) => l.trim() !== '') ?? '';
  if (first.includes(';') && !first.includes(',')) return ';';
  if (first.includes('\t') && !first.includes(',')) return '\t';
  return ',';
}

function checkIdTag(idTag: string): string | null {
  if (idTag.length === 0) return 'idTag is empty';
  if (idTag.length > MAX_ID_TAG_LENGTH) return `idTag "${idTag}" is longer than ${MAX_ID_TAG_LENGTH} characters`;
  return null;
}

/**
 * Reads a badge list. The own format is recognised by its header (first cell `idTag`); anything
 * else is a station export. Any bad line makes the whole file fail, each error with its line.
 */
export function parseBadgeCsv(text: string): BadgeCsvResult {
  let records: { record: string[]; info: { lines: number } }[];
  try {
    records = parse(text, {
      bom: true, delimiter: guessDelimiter(text), relax_column_count: true, skip_empty_lines: true, info: true, trim: false,
    }) as unknown as { record: string[]; info: { lines: number } }[];
  } catch (error) {
    const e = error as { lines?: number; message?: string };
    return { ok: false, errors: [{ line: e.lines ?? 1, message: e.message ?? 'not a CSV file' }] };
  }
  const rows = records.filter((r) => r.record.some((cell) => cell.trim() !== ''));
  if (rows.length === 0) return { ok: true, format: 'station-export', badges: [] };
  const own = rows[0].record[0]?.trim().replace(/^\uFEFF/, '').toLowerCase() === 'idtag';
  return own ? parseOwn(rows) : parsePlain(rows);
}

function collect(rows: { record: string[]; info: { lines: number } }[], read: (cells: string[], line: number, errors: CsvLineError[]) => CsvBadge | null,
  format: 'fuseguard' | 'station-export'): BadgeCsvResult {
  const errors: CsvLineError[] = [];
  const badges: CsvBadge[] = [];
  const firstLine = new Map<string, number>();
  for (const { record, info } of rows) {
    const line = info.lines;
    const badge = read(record, line, errors);
    if (!badge) continue;
    const seen = firstLine.get(badge.idTag);
    if (seen !== undefined) {
      errors.push({ line, message: `idTag "${badge.idTag}" is already on line ${seen}` });
      continue;
    }
    firstLine.set(badge.idTag, line);
    badges.push(badge);
  }
  return errors.length > 0 ? { ok: false, errors } : { ok: true, format, badges };
}

function parsePlain(rows: { record: string[]; info: { lines: number } }[]): BadgeCsvResult {
  return collect(rows, (cells, line, errors) => {
    const idTag = (cells[0] ?? '').trim();
    const problem = checkIdTag(idTag);
    if (problem) {
      errors.push({ line, message: problem });
      return null;
    }
    return { idTag, authorized: true, vip: false, comment: '', registeredAt: null, lastSeenAt: null };
  }, 'station-export');
}

function parseOwn(rows: { record: string[]; info: { lines: number } }[]): BadgeCsvResult {
  const [header, ...body] = rows;
  const columns = header.record.map((c) => c.trim().replace(/^\uFEFF/, ''));
  const index = new Map<Column, number>();
  const headerErrors: CsvLineError[] = [];
  columns.forEach((name, i) => {
    const column = BADGE_CSV_COLUMNS.find((c) => c.toLowerCase() === name.toLowerCase());
    if (!column) headerErrors.push({ line: header.info.lines, message: `unknown column "${name}"; known: ${BADGE_CSV_COLUMNS.join(', ')}` });
    else if (index.has(column)) headerErrors.push({ line: header.info.lines, message: `column "${name}" appears twice` });
    else index.set(column, i);
  });
  if (headerErrors.length > 0) return { ok: false, errors: headerErrors };
  return collect(body, (cells, line, errors) => {
    const cell = (c: Column): string => {
      const i = index.get(c);
      return i === undefined ? '' : cells[i] ?? '';
    };
    const problems: string[] = [];
    if (cells.length > columns.length) problems.push(`${cells.length} columns, the header has ${columns.length}`);
    const idTag = unguardCsvCell(cell('idTag').trim());
    const idProblem = checkIdTag(idTag);
    if (idProblem) problems.push(idProblem);
    const authorized = parseBool(cell('authorized'), true);
    if (authorized === null) problems.push(`authorized "${cell('authorized')}" is not true or false`);
    const vip = parseBool(cell('vip'), false);
    if (vip === null) problems.push(`vip "${cell('vip')}" is not true or false`);
    const comment = unguardCsvCell(cell('comment'));
    if (comment.length > MAX_BADGE_COMMENT_LENGTH) problems.push(`comment is longer than ${MAX_BADGE_COMMENT_LENGTH} characters`);
    const registeredAt = parseTime(cell('registeredAt'));
    if (registeredAt === undefined) problems.push(`registeredAt "${cell('registeredAt')}" is not a date`);
    const lastSeenAt = parseTime(cell('lastSeenAt'));
    if (lastSeenAt === undefined) problems.push(`lastSeenAt "${cell('lastSeenAt')}" is not a date`);
    if (problems.length > 0) {
      errors.push({ line, message: problems.join('; ') });
      return null;
    }
    return { idTag, authorized: authorized as boolean, vip: vip as boolean, comment, registeredAt: registeredAt ?? null, lastSeenAt: lastSeenAt ?? null };
  }, 'fuseguard');
}

/** The own format, with a header; times as ISO 8601 UTC. Parsing it gives the same badges back. */
export function formatBadgeCsv(badges: readonly CsvBadge[]): string {
  const iso = (at: number | null) => (at === null ? '' : new Date(at).toISOString());
  return stringify([
    [...BADGE_CSV_COLUMNS],
    ...badges.map((b) => [guardCsvCell(b.idTag), String(b.authorized), String(b.vip), guardCsvCell(b.comment), iso(b.registeredAt), iso(b.lastSeenAt)]),
  ], { record_delimiter: '\n' });
}
