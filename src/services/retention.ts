// Retention (issue 16, item 12): the command log, the audit log and the meter samples taken
// outside any session are pruned to their configured bounds, at start and every 10 minutes, in
// chunks (store/repositories/retention-repository.ts). The settings are read at every run, so a
// change applies at the next one without a reload.
import { resolveSettings } from '../site/settings.js';
import type { PruneOptions } from '../store/repositories/retention-repository.js';
import type { Store } from '../store/store.js';
import type { EventLog } from './event-log.js';

/** Often enough that one run has little to do (about 40,000 commands at 10,000 stations). */
export const RETENTION_INTERVAL_MS = 600_000;
const DAY_MS = 86_400_000;

export interface RetentionOptions extends PruneOptions {
  intervalMs?: number;
}

export interface RetentionRun {
  commands: number;
  audit: number;
  samplesOutsideSessions: number;
}

export class Retention {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<RetentionRun | null> | null = null;
  private readonly stopping = new AbortController();

  constructor(private readonly store: Store, private readonly log: EventLog, private readonly now: () => number, private readonly options: RetentionOptions = {}) {}

  /** A first run now, in the background, then one every interval. */
  start(): void {
    void this.trigger();
    this.timer = setInterval(() => this.trigger(), this.options.intervalMs ?? RETENTION_INTERVAL_MS);
    this.timer.unref();
  }

  /** Stops the timer and waits for a run under way (before the store closes). */
  async stop(): Promise<void> {
    this.stopping.abort();
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.running;
  }

  /** One run, unless one is under way (a large backlog may take longer than the interval). */
  trigger(): Promise<RetentionRun | null> {
    if (this.running || this.stopping.signal.aborted) return this.running ?? Promise.resolve(null);
    const run = this.runOnce().catch((error: unknown) => {
      this.log.error(`retention: pruning failed: ${error instanceof Error ? error.message : String(error)}`, { action: 'retention' });
      return null;
    }).finally(() => { this.running = null; });
    this.running = run;
    return run;
  }

  private async runOnce(): Promise<RetentionRun> {
    const settings = resolveSettings(await this.store.settings.getAll());
    const now = this.now();
    const chunks: PruneOptions = { chunkRows: this.options.chunkRows, pause: this.options.pause, signal: this.stopping.signal };
    const run: RetentionRun = { commands: 0, audit: 0, samplesOutsideSessions: 0 };
    run.commands = (await this.store.retention.pruneCommands({ before: now - settings.commandsMaxAgeDays * DAY_MS, maxRows: settings.commandsMaxRows }, chunks)).deleted;
    run.audit = (await this.store.retention.pruneAudit({ before: now - settings.auditMaxAgeDays * DAY_MS, maxRows: settings.auditMaxRows }, chunks)).deleted;
    run.samplesOutsideSessions = (await this.store.retention.pruneSamplesOutsideSessions(now - settings.samplesOutsideSessionsMaxAgeDays * DAY_MS, chunks)).deleted;
    if (run.commands + run.audit + run.samplesOutsideSessions > 0) {
      this.log.logger.info({ action: 'retention', ...run }, 'retention: old records deleted');
    }
    return run;
  }
}
