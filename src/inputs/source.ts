// What a signal source reports to DigitalInputs, and the logger the sources write to.

/** Callbacks a running source uses. Levels are logical: activeLow is already applied. */
export interface SourceSink {
  /** The source is connected; `high` is its level, or null when it has none yet (MQTT, nothing retained). */
  connected(high: boolean | null): void;
  /** A new level from a connected source. */
  level(high: boolean): void;
  /** The source has no signal any more (crash, unreadable, disconnected); it is being retried. */
  failed(reason: string): void;
  /** Something worth a line in the log that changes nothing (e.g. an unknown MQTT payload). */
  note(message: string, fields?: Record<string, unknown>): void;
}

export interface SourceRunner {
  start(): void;
  /** Closes every process, timer and connection; resolves when they are gone. */
  stop(): Promise<void>;
}

/** The subset of pino's Logger that the inputs use. */
export interface InputsLogger {
  info(fields: object, message: string): void;
  warn(fields: object, message: string): void;
  error(fields: object, message: string): void;
}

export const silentLogger: InputsLogger = { info() {}, warn() {}, error() {} };
