// The W10 session export as a stream (issue 14, row 6): sessions are read from the store a page
// at a time, each split between the TOU periods and written as one CSV row, and the event loop is
// given back often, so that an export of any size keeps the server answering (stations, /healthz).
// A period's export holds the sessions that overlap it (issue 16, item 3): first those that
// started before it and were still going at its start, then those that started in it; each with
// its energy within the period.
import { Readable } from 'node:stream';
import { setImmediate as nextTurn } from 'node:timers/promises';
import type { TouConfig } from '../domain/limits/tou.js';
import { energySplitter, type EnergyReading, type EnergySplit, type TimeWindow } from '../domain/session/energy-split.js';
import type { SessionConnector, SessionQuery, SessionQueryRepository } from '../store/repositories/session-query-repository.js';
import type { TransactionRow } from '../store/schema.js';
import type { Store } from '../store/store.js';
import { csvLines, sessionCsvHeader, sessionCsvRow } from './session-export.js';

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
  const sessions = store.sessionQuery;
  const stations = new Map((await store.stations.list()).map((s) => [s.id, s]));
  const connectors = new Map((await store.stations.listConnectors()).map((c) => [`${c.station_id}/${c.connector_id}`, c]));
  const badges = new Map((await store.badges.list()).map((b) => [b.id_tag, b]));
  const periodNames = (tou?.periods ?? []).map((p) => p.name);
  const window: TimeWindow = { fromAt: query.fromAt, toAt: query.toAt };
  yield csvLines([sessionCsvHeader(periodNames)]);
  let sliceStart = performance.now();
  // better-sqlite3 answers synchronously: awaiting it alone never lets the server run.
  const slice = async () => {
    if (performance.now() - sliceStart < SLICE_MS) return;
    await nextTurn();
    sliceStart = performance.now();
  };
  const rows = async (page: readonly TransactionRow[]): Promise<string> => {
    const out: string[][] = [];
    for (const t of page) {
      const station = stations.get(t.station_id);
      const start = { at: t.start_at, wh: t.meter_start_wh };
      const end = t.stop_at !== null
        ? { at: t.stop_at, wh: t.meter_stop_wh ?? t.meter_start_wh }
        : { at: t.last_meter_at ?? t.start_at, wh: t.last_meter_wh ?? t.meter_start_wh };
      const split = await splitSession(sessions, t.id, start, end, tou, station?.zone ?? '', window, slice);
      const connector = connectors.get(`${t.station_id}/${t.connector_id}`);
      out.push(sessionCsvRow({
        transactionId: t.id, stationId: t.station_id, connectorId: t.connector_id, idTag: t.id_tag,
        chargeType: connector?.type ?? 'AC', startAt: t.start_at, endAt: t.stop_at,
        // The connector's type as configured now: sessions do not keep their own (issue 16).
        socketType: connector?.socket_type ?? '', comment: badges.get(t.id_tag)?.comment ?? '', boxIdentity: station?.box_identity ?? t.station_id, split,
      }, periodNames, now));
      await slice();
    }
    return csvLines(out);
  };

  // An empty period (to at or before from) holds no session.
  if (query.fromAt !== undefined && (query.toAt === undefined || query.toAt > query.fromAt)) {
    const before = await runningAtStart(sessions, query, query.fromAt, slice);
    for (let i = 0; i < before.length; i += EXPORT_PAGE_SIZE) yield await rows(before.slice(i, i + EXPORT_PAGE_SIZE));
  }
  for (let after: { startAt: number; id: number } | null = null; ;) {
    const page = await sessions.pageInStartOrder(query, after, EXPORT_PAGE_SIZE);
    if (page.length === 0) return;
    yield await rows(page);
    const last = page[page.length - 1];
    after = { startAt: last.start_at, id: last.id };
  }
}

/**
 * The sessions that started before the period and were still going at its start, in start order.
 * At most about one per connector at any instant, so they are held whole; found connector by
 * connector (session-query-repository.ts says why).
 */
async function runningAtStart(sessions: SessionQueryRepository, query: SessionQuery, fromAt: number, slice: () => Promise<void>): Promise<TransactionRow[]> {
  const found: TransactionRow[] = [];
  let connector: SessionConnector | null = await sessions.nextConnectorWithSessions(null, query.stationId);
  while (connector) {
    found.push(...await sessions.runningAt(query, connector, fromAt));
    await slice();
    connector = await sessions.nextConnectorWithSessions(connector, query.stationId);
  }
  return found.sort((a, b) => a.start_at - b.start_at || a.id - b.id);
}

/**
 * A session's energy per TOU period within the window, from its readings, read a page at a time
 * (and no further once the window's end is passed). A session without readings is split from its
 * start and stop registers alone (energySplitter completes the readings with them).
 */
async function splitSession(
  sessions: SessionQueryRepository, transactionId: number, start: EnergyReading, end: EnergyReading,
  tou: TouConfig | null, zone: string, window: TimeWindow, slice: () => Promise<void>,
): Promise<EnergySplit> {
  const split = energySplitter(start, end, tou, zone, window);
  for (let afterAt = -8.64e15; !split.settled;) { // the earliest time a Date holds
    const page = await sessions.energyReadingsAfter(transactionId, afterAt, READINGS_PAGE_SIZE);
    for (const r of page) {
      split.add({ at: r.at, wh: r.lowWh });
      if (r.highWh !== r.lowWh) split.add({ at: r.at, wh: r.highWh });
    }
    if (page.length < READINGS_PAGE_SIZE) break;
    afterAt = page[page.length - 1].at;
    await slice();
  }
  return split.finish();
}
