// Session export (W10): each session's energy split between the time-of-use periods (M1), from
// its meter readings, interpolated linearly between them. Pure: time and TOU are arguments.
import { stringify } from 'csv-stringify/sync';
import { guardCsvCell } from './csv-cell.js';
import { activeTouPeriod, localTime, type LocalTime, type TouConfig } from '../domain/limits/tou.js';

/** One energy register reading (Energy.Active.Import.Register, Wh). */
export interface EnergyReading {
  at: number;
  wh: number;
}

export interface EnergySplit {
  /** Energy outside every TOU period. */
  outsideWh: number;
  /** Per period name, every period of the configuration (0 when none was charged in it). */
  byPeriodWh: Record<string, number>;
}

const MINUTE_MS = 60_000;
/** Local time is taken from Intl again at every quarter hour (DST changes fall on one). */
const RESYNC_MS = 15 * MINUTE_MS;

/**
 * Splits [from, to) into spans within which the applying period (or none) does not change.
 * Periods change only at whole local minutes; local time is advanced minute by minute and read
 * again from Intl at each quarter hour of UTC.
 */
export function touSpans(config: TouConfig | null | undefined, zone: string, from: number, to: number): { from: number; to: number; period: string | null }[] {
  if (to <= from) return [];
  if (!config || !config.enabled || config.periods.every((p) => !p.enabled)) return [{ from, to, period: null }];
  const spans: { from: number; to: number; period: string | null }[] = [];
  const periodAt = (local: LocalTime) => activeTouPeriod(config, zone, local)?.name ?? null;
  let minute = Math.floor(from / MINUTE_MS) * MINUTE_MS;
  let local = localTime(minute, config.timeZone);
  while (minute < to) {
    const period = periodAt(local);
    const start = Math.max(minute, from);
    const end = Math.min(minute + MINUTE_MS, to);
    const last = spans.at(-1);
    if (last && last.period === period && last.to === start) last.to = end;
    else spans.push({ from: start, to: end, period });
    minute += MINUTE_MS;
    if (minute % RESYNC_MS === 0) local = localTime(minute, config.timeZone);
    else local = local.minuteOfDay === 1439 ? { weekday: (local.weekday + 1) % 7, minuteOfDay: 0 } : { weekday: local.weekday, minuteOfDay: local.minuteOfDay + 1 };
  }
  return spans;
}

/**
 * The energy of a session per TOU period. The readings are completed with the start and end
 * readings; energy between two readings is spread evenly over the time between them. The parts
 * sum to `end.wh - start.wh`.
 */
export function splitEnergyByTou(
  start: EnergyReading, end: EnergyReading, readings: readonly EnergyReading[],
  config: TouConfig | null | undefined, zone: string,
): EnergySplit {
  const byPeriodWh: Record<string, number> = Object.fromEntries((config?.periods ?? []).map((p) => [p.name, 0]));
  const split: EnergySplit = { outsideWh: 0, byPeriodWh };
  const add = (period: string | null, wh: number) => {
    if (period === null) split.outsideWh += wh;
    else byPeriodWh[period] = (byPeriodWh[period] ?? 0) + wh;
  };
  const inside = readings.filter((r) => r.at > start.at && r.at < end.at).sort((a, b) => a.at - b.at);
  const points = [start, ...inside, { at: Math.max(end.at, start.at), wh: end.wh }];
  const spans = touSpans(config, zone, start.at, points.at(-1)!.at);
  for (let i = 1; i < points.length; i++) {
    const a = points[i - 1];
    const b = points[i];
    const wh = b.wh - a.wh;
    if (b.at <= a.at) {
      // Readings at the same instant: the energy belongs to that instant's period.
      add(spans.find((s) => s.from <= a.at && a.at < s.to)?.period ?? spans.at(-1)?.period ?? null, wh);
      continue;
    }
    for (const span of spans) {
      const overlap = Math.min(b.at, span.to) - Math.max(a.at, span.from);
      if (overlap > 0) add(span.period, (wh * overlap) / (b.at - a.at));
    }
  }
  return split;
}

export interface ExportSession {
  transactionId: number;
  stationId: string;
  connectorId: number;
  idTag: string;
  chargeType: 'AC' | 'DC';
  startAt: number;
  /** Null while the session is ongoing. */
  endAt: number | null;
  energyWh: number;
  socketType: string;
  comment: string;
  boxIdentity: string;
  split: EnergySplit;
}

const kWh = (wh: number) => (wh / 1000).toFixed(3);
const iso = (at: number | null) => (at === null ? '' : new Date(at).toISOString());

/** H:MM:SS */
export function formatDuration(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  return `${Math.floor(s / 3600)}:${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}:${String(s % 60).padStart(2, '0')}`;
}

/** The W10 CSV: fixed columns, then the energy outside TOU, then one column per period. */
export function formatSessionCsv(sessions: readonly ExportSession[], periodNames: readonly string[], now: number): string {
  // Text that stations and users chose goes through guardCsvCell (formula injection, issue 14 row 8).
  const header = [
    'transaction', 'station', 'connector', 'idTag', 'chargeType', 'start', 'end', 'energyKWh', 'socketType', 'duration',
    'comment', 'chargeBoxIdentity', 'outsideTouKWh', ...periodNames.map((p) => guardCsvCell(`tou:${p} kWh`)),
  ];
  const rows = sessions.map((s) => [
    String(s.transactionId), guardCsvCell(s.stationId), String(s.connectorId), guardCsvCell(s.idTag), s.chargeType, iso(s.startAt), iso(s.endAt), kWh(s.energyWh),
    guardCsvCell(s.socketType), formatDuration((s.endAt ?? now) - s.startAt), guardCsvCell(s.comment), guardCsvCell(s.boxIdentity),
    kWh(s.split.outsideWh), ...periodNames.map((p) => kWh(s.split.byPeriodWh[p] ?? 0)),
  ]);
  return stringify([header, ...rows], { record_delimiter: '\n' });
}
