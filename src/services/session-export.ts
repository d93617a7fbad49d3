// Session export (W10): each session's energy split between the time-of-use periods (M1), from
// its meter readings, interpolated linearly between them. Pure: time and TOU are arguments.
import { stringify } from 'csv-stringify/sync';
import { guardCsvCell } from './csv-cell.js';
import type { TouConfig } from '../domain/limits/tou.js';
import { touClock } from '../domain/limits/tou-split.js';

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

/**
 * The energy of a session per TOU period. The readings are completed with the start and end
 * readings; energy between two readings is spread evenly over the time between them, and the time
 * in each period is computed, not walked (issue 14, row 6: a session of years costs what a day
 * does). The parts sum to the session's energy, `max(0, end.wh - start.wh)`: a register that goes
 * back (a station's fault) counts as standing still, never as negative energy.
 */
export function splitEnergyByTou(
  start: EnergyReading, end: EnergyReading, readings: readonly EnergyReading[],
  config: TouConfig | null | undefined, zone: string,
): EnergySplit {
  const split = energySplitter(start, end, config, zone);
  for (const r of [...readings].sort((a, b) => a.at - b.at)) split.add(r);
  return split.finish();
}

/**
 * The same, fed one reading at a time in time order (an export reads a session's readings a page
 * at a time: a session may have millions).
 */
export function energySplitter(
  start: EnergyReading, end: EnergyReading, config: TouConfig | null | undefined, zone: string,
): { add(reading: EnergyReading): void; finish(): EnergySplit } {
  const byPeriodWh: Record<string, number> = Object.fromEntries((config?.periods ?? []).map((p) => [p.name, 0]));
  const split: EnergySplit = { outsideWh: 0, byPeriodWh };
  const add = (period: string | null, wh: number) => {
    if (period === null) split.outsideWh += wh;
    else byPeriodWh[period] = (byPeriodWh[period] ?? 0) + wh;
  };
  const endAt = Math.max(end.at, start.at);
  const endWh = Math.max(end.wh, start.wh);
  const clock = touClock(config, zone, start.at, endAt);
  let last = start;
  /** The energy from the last point to `b`, a later one. */
  const step = (b: EnergyReading) => {
    const a = last;
    // Monotonic, within the session's start and end registers.
    const wh = Math.min(endWh, Math.max(a.wh, b.wh));
    last = { at: b.at, wh };
    const energyWh = wh - a.wh;
    if (energyWh === 0) return;
    if (!clock) {
      add(null, energyWh);
    } else if (b.at <= a.at) {
      // Readings at the same instant: the energy belongs to that instant's period.
      add(clock.periodAt(a.at), energyWh);
    } else {
      const inPeriodMs = clock.between(a.at, b.at);
      let outsideMs = b.at - a.at;
      inPeriodMs.forEach((ms, p) => {
        outsideMs -= ms;
        if (ms > 0) add(clock.names[p], (energyWh * ms) / (b.at - a.at));
      });
      if (outsideMs > 0) add(null, (energyWh * outsideMs) / (b.at - a.at));
    }
  };
  return {
    add(reading) {
      if (reading.at > start.at && reading.at < endAt && reading.at >= last.at) step(reading);
    },
    finish() {
      step({ at: endAt, wh: endWh });
      return split;
    },
  };
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

/** The W10 CSV's header: fixed columns, then the energy outside TOU, then one column per period. */
export function sessionCsvHeader(periodNames: readonly string[]): string[] {
  return [
    'transaction', 'station', 'connector', 'idTag', 'chargeType', 'start', 'end', 'energyKWh', 'socketType', 'duration',
    'comment', 'chargeBoxIdentity', 'outsideTouKWh', ...periodNames.map((p) => guardCsvCell(`tou:${p} kWh`)),
  ];
}

/** One session's W10 row. Text that stations and users chose goes through guardCsvCell (formula injection, issue 14 row 8). */
export function sessionCsvRow(s: ExportSession, periodNames: readonly string[], now: number): string[] {
  return [
    String(s.transactionId), guardCsvCell(s.stationId), String(s.connectorId), guardCsvCell(s.idTag), s.chargeType, iso(s.startAt), iso(s.endAt), kWh(s.energyWh),
    guardCsvCell(s.socketType), formatDuration((s.endAt ?? now) - s.startAt), guardCsvCell(s.comment), guardCsvCell(s.boxIdentity),
    kWh(s.split.outsideWh), ...periodNames.map((p) => kWh(s.split.byPeriodWh[p] ?? 0)),
  ];
}

/** CSV lines (each ends with a newline). */
export const csvLines = (rows: readonly (readonly string[])[]): string => stringify(rows as string[][], { record_delimiter: '\n' });

/** The W10 CSV of a few sessions at once (the API streams it row by row: session-csv-stream.ts). */
export function formatSessionCsv(sessions: readonly ExportSession[], periodNames: readonly string[], now: number): string {
  return csvLines([sessionCsvHeader(periodNames), ...sessions.map((s) => sessionCsvRow(s, periodNames, now))]);
}
