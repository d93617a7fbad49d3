// Issue 13: the admin commands (`fuseguard stations admit`, `sessions force-stop`, `restore`,
// `factory-reset`...) write the data folder from another process. The store notices their commits
// (store.watchExternalChanges) and the running parts reload, as after a change through the API.
import type { StationServer } from '../ocpp/station-server.js';
import type { EventLog } from '../services/event-log.js';
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
  return store.watchExternalChanges(intervalMs, async () => {
    await parts.reload();
    await reconcileConnections(store, stationServer);
    log.info('configuration changed outside the server (CLI): reloaded', { action: 'reload' });
  }, {
    since,
    onError: (error) => log.error(`reload after a change outside the server failed: ${error instanceof Error ? error.message : String(error)}`, { action: 'reload' }),
  });
}

/**
 * After the stored stations were replaced under live connections (a restore or a factory reset,
 * from the API or the command line; issue 14, row 14): a connected station whose row is gone, that
 * was admitted and is not any more, or whose password is not the one its connection was admitted
 * with, is let go. It reconnects and is admitted by the rules now stored, instead of going on under
 * the old ones. (One held pending and now admitted is accepted at its next boot, as after an admit.)
 * One the restored rows mark disconnected is marked connected again.
 */
export async function reconcileConnections(store: Store, stationServer: StationServer): Promise<void> {
  const rows = new Map((await store.stations.list()).map((s) => [s.id, s]));
  for (const stationId of stationServer.connectedIds()) {
    const client = stationServer.client(stationId);
    const under = stationServer.admittedUnder(stationId);
    if (!client || !under) continue;
    const row = rows.get(stationId);
    const reason = !row ? 'station removed'
      : under.admitted && row.admission !== 'admitted' ? 'station admission changed'
        : (row.password_hash || null) !== under.passwordHash ? 'station password changed'
          : null;
    if (reason) void client.close({ code: 1000, reason }).catch(() => undefined);
    else if (row?.connected !== 1) await store.commit((db) => store.stations.update(stationId, { connected: 1 }, db));
  }
}
