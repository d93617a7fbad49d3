// Notices commits made to the database by other processes (the `fuseguard` admin commands run
// beside the server), so that the server can bring them into its running parts (issue 13).
// SQLite's `PRAGMA data_version` is per connection and changes only when another connection has
// committed: the server's own writes never move it, so reloading after them cannot loop.
// On PostgreSQL (issue 18) this would be LISTEN/NOTIFY, the writers sending NOTIFY after commit.
import { sql } from 'kysely';
import type { Db } from './database.js';

/** This connection's `PRAGMA data_version`: it changes when another connection commits. */
export async function dataVersion(db: Db): Promise<number> {
  const { rows } = await sql<{ data_version: number }>`PRAGMA data_version`.execute(db);
  return Number(rows[0]?.data_version);
}

/**
 * Polls `dataVersion` every `intervalMs` and calls `onChange` once for every poll that saw other
 * connections' commits (several commits between two polls make one call). The next poll waits for
 * `onChange` to finish. `since` is a version read earlier (at start), so that a commit made before
 * the watch began is not missed; without it, the first poll sets the baseline. `onError` gets the
 * errors of a poll or of `onChange`; polling goes on. Returns `stop`, which resolves once a check
 * (and an `onChange`) under way has finished.
 */
export function watchExternalChanges(
  db: Db, intervalMs: number, onChange: () => void | Promise<void>,
  options: { since?: number; onError?: (error: unknown) => void } = {},
): () => Promise<void> {
  let known = options.since;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> = Promise.resolve();

  const check = async (): Promise<void> => {
    try {
      const version = await dataVersion(db);
      if (stopped) return;
      const changed = known !== undefined && version !== known;
      known = version;
      if (changed) await onChange();
    } catch (error) {
      if (!stopped) options.onError?.(error);
    }
  };
  const schedule = (): void => {
    if (stopped) return;
    timer = setTimeout(() => {
      running = check().finally(schedule);
    }, intervalMs);
    // The watch alone does not keep the process alive.
    timer.unref();
  };
  schedule();

  return async () => {
    stopped = true;
    clearTimeout(timer);
    await running;
  };
}
