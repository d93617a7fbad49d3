// Structured logs (pino) with station and action as fields; the lines an operator needs are
// also kept in the database for the UI (X1).
import type { Logger } from 'pino';
import type { LogRow } from '../store/repositories/logs-repository.js';
import type { Store } from '../store/store.js';

const PRUNE_EVERY = 1000;

export interface LogFields {
  stationId?: string;
  action?: string;
  [key: string]: unknown;
}

export class EventLog {
  private writesSincePrune = 0;

  constructor(readonly logger: Logger, private readonly store: Store, private readonly now: () => number) {}

  info(message: string, fields: LogFields = {}): void {
    this.record('info', message, fields);
  }

  warn(message: string, fields: LogFields = {}): void {
    this.record('warn', message, fields);
  }

  error(message: string, fields: LogFields = {}): void {
    this.record('error', message, fields);
  }

  private record(level: LogRow['level'], message: string, fields: LogFields): void {
    this.logger[level](fields, message);
    const entry = { at: this.now(), level, station_id: fields.stationId ?? null, action: fields.action ?? null, message };
    void this.store.record((db) => this.store.logs.add(entry, db)).then(() => this.maybePrune()).catch((error: unknown) => this.logger.error({ err: error }, 'could not store a log line'));
  }

  private async maybePrune(): Promise<void> {
    if (++this.writesSincePrune < PRUNE_EVERY) return;
    this.writesSincePrune = 0;
    await this.store.logs.prune();
  }
}
