// Issue 13: the admin commands (`fuseguard stations admit`, `sessions force-stop`, `restore`,
// `factory-reset`...) write the data folder from another process. The store notices their commits
// (store.watchExternalChanges) and the running parts reload, as after a change through the API.
import type { StationServer } from '../ocpp/station-server.js';
import type { EventLog } from '../services/event-log.js';
import type { StationRow } from '../store/schema.js';
import type { Store } from '../store/store.js';

export const EXTERNAL_CHANGES_POLL_MS = 1_000;

export interface ExternalChangeParts {
  store: Store;
  stationServer: StationServer;
  log: EventLog;
  /** Brings the stored configuration into the running parts (Fuseguard.reload). */
  reload: () => Promise<void>;
}

/**
 * Reloads after every commit of another process; `since` is the store's dataVersion() read before
 * the configuration was first loaded. Returns `stop`, which waits for a reload under way.
 */
export function followExternalChanges(parts: ExternalChangeParts, intervalMs: number, since: number): () => Promise<void> {
  const { store, stationServer, log } = parts;
  // What the connections were admitted under, as of the last reload: a command that changes a
  // station's admission or password lets its connection go.
  let admissions: Promise<StationAdmissions> = stationAdmissions(store);
  return store.watchExternalChanges(intervalMs, async () => {
    const before = await admissions.catch(() => new Map() as StationAdmissions);
    await parts.reload();
    admissions = reconcileConnections(store, stationServer, before);
    await admissions;
    log.info('configuration changed outside the server (CLI): reloaded', { action: 'reload' });
  }, {
    since,
    onError: (error) => log.error(`reload after a change outside the server failed: ${error instanceof Error ? error.message : String(error)}`, { action: 'reload' }),
  });
}

/** Per station id: what its connection was admitted under (O2). */
export type StationAdmissions = Map<string, { admission: string; passwordHash: string | null }>;

export async function stationAdmissions(store: Store): Promise<StationAdmissions> {
  return admissionsOf(await store.stations.list());
}

const admissionsOf = (rows: readonly StationRow[]): StationAdmissions =>
  new Map(rows.map((s) => [s.id, { admission: s.admission, passwordHash: s.password_hash ?? null }]));

/**
 * After the stored stations were replaced under live connections (a restore or a factory reset,
 * from the API or the command line; issue 14, row 14): a connected station whose row is gone, or
 * whose admission or password changed since `before`, is let go. It reconnects and is admitted by
 * the rules now stored, instead of going on under the old ones. One the restored rows mark
 * disconnected is marked connected again. Returns the admissions now stored.
 */
export async function reconcileConnections(store: Store, stationServer: StationServer, before: StationAdmissions): Promise<StationAdmissions> {
  const list = await store.stations.list();
  const after = admissionsOf(list);
  const rows = new Map(list.map((s) => [s.id, s]));
  for (const stationId of stationServer.connectedIds()) {
    const client = stationServer.client(stationId);
    if (!client) continue;
    const reason = connectionOutdated(before.get(stationId), after.get(stationId));
    if (reason) void client.close({ code: 1000, reason }).catch(() => undefined);
    else if (rows.get(stationId)?.connected !== 1) await store.commit((db) => store.stations.update(stationId, { connected: 1 }, db));
  }
  return after;
}

function connectionOutdated(was: { admission: string; passwordHash: string | null } | undefined, now: { admission: string; passwordHash: string | null } | undefined): string | null {
  if (!now) return 'station removed';
  if (!was || was.admission !== now.admission) return 'station admission changed';
  if (was.passwordHash !== now.passwordHash) return 'station password changed';
  return null;
}
