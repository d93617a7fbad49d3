// The W10 session export as a stream (issue 14, row 6): sessions are read from the store a page
// at a time, each split between the TOU periods and written as one CSV row, and the event loop is
// given back often, so that an export of any size keeps the server answering (stations, /healthz).
import { Readable } from 'node:stream';
import { setImmediate as nextTurn } from 'node:timers/promises';
import type { TouConfig } from '../domain/limits/tou.js';
import { SessionQueryRepository, type SessionQuery } from '../store/repositories/session-query-repository.js';
import type { TransactionRow } from '../store/schema.js';
import type { Store } from '../store/store.js';
import { csvLines, energySplitter, sessionCsvHeader, sessionCsvRow, type EnergySplit } from './session-export.js';

/** Sessions read per query. */
export const EXPORT_PAGE_SIZE = 200;
/** A session's meter readings read per query (instants). */
export const READINGS_PAGE_SIZE = 5_000;
/** The export gives the event loop back after this much work in one go. */
const SLICE_MS = 10;

export function sessionCsvStream(store: Store, query: SessionQuery, tou: TouConfig | null, now: number): Readable {
  return Readable.from(sessionCsvChunks(store, query, tou, now), { objectMode: false });
}

async function* sessionCsvChunks(store: Store, query: SessionQuery, tou: TouConfig | null, now: number): AsyncGenerator<string> {
  const sessions = new SessionQueryRepository(store.db);
  const stations = new Map((await store.stations.list()).map((s) => [s.id, s]));
  const connectors = new Map((await store.stations.listConnectors()).map((c) => [`${c.station_id}/${c.connector_id}`, c]));
  const badges = new Map((await store.badges.list()).map((b) => [b.id_tag, b]));
  const periodNames = (tou?.periods ?? []).map((p) => p.name);
  yield csvLines([sessionCsvHeader(periodNames)]);
  let after: { startAt: number; id: number } | null = null;
  let sliceStart = performance.now();
  // better-sqlite3 answers synchronously: awaiting it alone never lets the server run.
  const slice = async () => {
    if (performance.now() - sliceStart < SLICE_MS) return;
    await nextTurn();
    sliceStart = performance.now();
  };
  for (;;) {
    const page: TransactionRow[] = await sessions.pageInStartOrder(query, after, EXPORT_PAGE_SIZE);
    if (page.length === 0) return;
    const rows: string[][] = [];
    for (const t of page) {
      const station = stations.get(t.station_id);
      const start = { at: t.start_at, wh: t.meter_start_wh };
      const end = t.stop_at !== null
        ? { at: t.stop_at, wh: t.meter_stop_wh ?? t.meter_start_wh }
        : { at: t.last_meter_at ?? t.start_at, wh: t.last_meter_wh ?? t.meter_start_wh };
      const split = await splitSession(sessions, t.id, start, end, tou, station?.zone ?? '', () => slice());
      rows.push(sessionCsvRow({
        transactionId: t.id, stationId: t.station_id, connectorId: t.connector_id, idTag: t.id_tag,
        chargeType: connectors.get(`${t.station_id}/${t.connector_id}`)?.type ?? 'AC', startAt: t.start_at, endAt: t.stop_at,
        energyWh: Math.max(0, end.wh - start.wh), socketType: '', comment: badges.get(t.id_tag)?.comment ?? '',
        boxIdentity: station?.box_identity ?? t.station_id, split,
      }, periodNames, now));
      await slice();
    }
    yield csvLines(rows);
    const last = page[page.length - 1];
    after = { startAt: last.start_at, id: last.id };
  }
}

/** A session's energy per TOU period, its readings read a page at a time. */
async function splitSession(
  sessions: SessionQueryRepository, transactionId: number, start: { at: number; wh: number }, end: { at: number; wh: number },
  tou: TouConfig | null, zone: string, slice: () => Promise<void>,
): Promise<EnergySplit> {
  const split = energySplitter(start, end, tou, zone);
  for (let afterAt = -8.64e15; ;) { // the earliest time a Date holds
    const page = await sessions.energyReadingsAfter(transactionId, afterAt, READINGS_PAGE_SIZE);
    for (const r of page) {
      split.add({ at: r.at, wh: r.lowWh });
      if (r.highWh !== r.lowWh) split.add({ at: r.at, wh: r.highWh });
    }
    if (page.length < READINGS_PAGE_SIZE) return split.finish();
    afterAt = page[page.length - 1].at;
    await slice();
  }
}
