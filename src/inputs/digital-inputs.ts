// The digital inputs at run time (M2): each input's level from its source, its health, and the
// fail-safe rule. The control loop reads states() into the snapshot and listens to 'change'.
//
// high = override ?? signal ?? failSafeHigh
//   signal   the last level of a healthy source; null while it has none (not started, failed,
//            disconnected, or MQTT with nothing published yet)
//   override set() on a non-manual input, until release()
// A lost signal counts as high by default: a missing measurement counts as the worst case, and
// for an input that reduces power the worst case is that the reduction is being asked for.
import { EventEmitter } from 'node:events';
import type { DigitalInput } from '../domain/limits/digital-inputs.js';
import { ChardevSource, type GpiodTools } from './chardev-source.js';
import type { DigitalInputConfig, SignalSourceKind } from './config.js';
import { MqttSource } from './mqtt-source.js';
import { silentLogger, type InputsLogger, type SourceRunner, type SourceSink } from './source.js';
import { SysfsSource } from './sysfs-source.js';
import { formatInputConfigError, validateInputConfigs, type InputConfigError } from './validate-config.js';

export type SourceStatus = 'stopped' | 'connecting' | 'connected' | 'error';
/** Where an input's `high` comes from. */
export type HighCause = 'signal' | 'fail-safe' | 'override';

export interface InputSourceHealth {
  kind: SignalSourceKind;
  status: SourceStatus;
  /** Why it is in error, or what it waits for while connected without a level. */
  reason: string | null;
  /** When status last changed (epoch ms). */
  sinceAt: number;
  /** When the source last gave a level. */
  lastSignalAt: number | null;
}

export interface InputState extends DigitalInput {
  cause: HighCause;
  /** The source's level, null while it has none. */
  signal: boolean | null;
  override: boolean | null;
  failSafeHigh: boolean;
  /** When `high` last changed; null if never since construction. */
  lastChangeAt: number | null;
  source: InputSourceHealth;
}

export interface InputChange {
  id: string;
  high: boolean;
  at: number;
  cause: HighCause;
}

export interface InputHealthChange {
  id: string;
  status: SourceStatus;
  reason: string | null;
  at: number;
}

export interface DigitalInputsEvents {
  change: [InputChange];
  health: [InputHealthChange];
}

export interface DigitalInputsOptions {
  now?: () => number;
  logger?: InputsLogger;
  /** Where the libgpiod tools are [gpiomon, gpioget on PATH]. */
  gpiodTools?: Partial<GpiodTools>;
}

export class DigitalInputsError extends Error {
  constructor(readonly code: 'invalid-config' | 'unknown-input', message: string, readonly details: InputConfigError[] = []) {
    super(message);
    this.name = 'DigitalInputsError';
  }
}

interface Slot {
  config: DigitalInputConfig;
  failSafeHigh: boolean;
  signal: boolean | null;
  override: boolean | null;
  high: boolean;
  cause: HighCause;
  lastChangeAt: number | null;
  health: InputSourceHealth;
  runner: SourceRunner | null;
}

export class DigitalInputs extends EventEmitter<DigitalInputsEvents> {
  private readonly slots = new Map<string, Slot>();
  private readonly now: () => number;
  private readonly log: InputsLogger;
  private readonly tools: GpiodTools;
  private started = false;

  constructor(configs: readonly DigitalInputConfig[], options: DigitalInputsOptions = {}) {
    super();
    const checked = validateInputConfigs(configs);
    if (!checked.ok) {
      throw new DigitalInputsError('invalid-config', `invalid digital inputs: ${checked.errors.map(formatInputConfigError).join('; ')}`, checked.errors);
    }
    this.now = options.now ?? Date.now;
    this.log = options.logger ?? silentLogger;
    this.tools = { gpiomon: 'gpiomon', gpioget: 'gpioget', ...options.gpiodTools };
    const at = this.now();
    for (const config of configs) {
      const manual = config.source.kind === 'manual';
      const signal = config.source.kind === 'manual' ? (config.source.high ?? false) : null;
      const failSafeHigh = config.failSafeHigh ?? true;
      this.slots.set(config.id, {
        config,
        failSafeHigh,
        signal,
        override: null,
        high: signal ?? failSafeHigh,
        cause: signal === null ? 'fail-safe' : 'signal',
        lastChangeAt: null,
        health: { kind: config.source.kind, status: manual ? 'connected' : 'stopped', reason: null, sinceAt: at, lastSignalAt: null },
        runner: null,
      });
    }
  }

  async start(): Promise<void> {
    if (this.started) return;
    this.started = true;
    for (const slot of this.slots.values()) {
      const runner = this.createRunner(slot);
      if (!runner) continue;
      slot.runner = runner;
      this.setHealth(slot, 'connecting', null);
      runner.start();
    }
  }

  /** Closes every source. Levels are left as they were: they are not meaningful until start(). */
  async stop(): Promise<void> {
    this.started = false;
    const slots = [...this.slots.values()].filter((s) => s.runner !== null);
    await Promise.all(slots.map(async (slot) => {
      const runner = slot.runner!;
      slot.runner = null;
      await runner.stop();
      this.setHealth(slot, 'stopped', null);
    }));
  }

  /**
   * The internal setter. A manual input takes `high` as its level; any other input is
   * overridden until release(id), whatever its source says or whether it has a signal at all.
   */
  set(id: string, high: boolean): void {
    const slot = this.slot(id);
    if (slot.config.source.kind === 'manual') slot.signal = high;
    else slot.override = high;
    this.recompute(slot, this.now());
  }

  /** Ends an override made with set(); the source's level (or the fail-safe) applies again. */
  release(id: string): void {
    const slot = this.slot(id);
    slot.override = null;
    this.recompute(slot, this.now());
  }

  /** The inputs as the domain sees them, in configuration order. */
  states(): DigitalInput[] {
    return [...this.slots.values()].map((s) => ({ id: s.config.id, enabled: s.config.enabled, high: s.high, pct: s.config.pct }));
  }

  state(id: string): InputState | null {
    const s = this.slots.get(id);
    return s ? this.describe(s) : null;
  }

  allStates(): InputState[] {
    return [...this.slots.values()].map((s) => this.describe(s));
  }

  private describe(s: Slot): InputState {
    return {
      id: s.config.id,
      enabled: s.config.enabled,
      high: s.high,
      pct: s.config.pct,
      cause: s.cause,
      signal: s.signal,
      override: s.override,
      failSafeHigh: s.failSafeHigh,
      lastChangeAt: s.lastChangeAt,
      source: { ...s.health },
    };
  }

  private slot(id: string): Slot {
    const slot = this.slots.get(id);
    if (!slot) throw new DigitalInputsError('unknown-input', `there is no digital input "${id}" (known: ${[...this.slots.keys()].join(', ') || 'none'})`);
    return slot;
  }

  private createRunner(slot: Slot): SourceRunner | null {
    // A runner that was stopped may still call back once; only the slot's current one counts.
    const ref: { runner: SourceRunner | null } = { runner: null };
    const sink = this.sinkFor(slot, () => ref.runner !== null && ref.runner === slot.runner);
    const source = slot.config.source;
    switch (source.kind) {
      case 'manual': return null;
      case 'gpio-chardev': ref.runner = new ChardevSource(source, sink, this.tools); break;
      case 'gpio-sysfs': ref.runner = new SysfsSource(source, sink); break;
      case 'mqtt': ref.runner = new MqttSource(source, sink, slot.config.id); break;
    }
    return ref.runner;
  }

  private sinkFor(slot: Slot, live: () => boolean): SourceSink {
    const id = slot.config.id;
    return {
      connected: (high) => {
        if (!live()) return;
        this.setHealth(slot, 'connected', high === null ? 'connected, waiting for the first level' : null);
        this.setSignal(slot, high);
      },
      level: (high) => {
        if (!live()) return;
        if (slot.health.status !== 'connected' || slot.health.reason !== null) this.setHealth(slot, 'connected', null);
        this.setSignal(slot, high);
      },
      failed: (reason) => {
        if (!live()) return;
        this.setHealth(slot, 'error', reason);
        this.setSignal(slot, null);
      },
      note: (message, fields) => {
        if (live()) this.log.warn({ input: id, kind: slot.config.source.kind, ...fields }, message);
      },
    };
  }

  private setSignal(slot: Slot, high: boolean | null): void {
    const at = this.now();
    slot.signal = high;
    if (high !== null) slot.health.lastSignalAt = at;
    this.recompute(slot, at);
  }

  private setHealth(slot: Slot, status: SourceStatus, reason: string | null): void {
    const h = slot.health;
    if (h.status === status && h.reason === reason) return;
    const at = this.now();
    if (h.status !== status) h.sinceAt = at;
    h.status = status;
    h.reason = reason;
    const fields = { input: slot.config.id, kind: h.kind, status, reason };
    if (status === 'error') this.log.warn(fields, `digital input ${slot.config.id}: source has no signal`);
    else this.log.info(fields, `digital input ${slot.config.id}: source ${status}`);
    this.emit('health', { id: slot.config.id, status, reason, at });
  }

  private recompute(slot: Slot, at: number): void {
    const cause: HighCause = slot.override !== null ? 'override' : slot.signal !== null ? 'signal' : 'fail-safe';
    const high = slot.override ?? slot.signal ?? slot.failSafeHigh;
    slot.cause = cause;
    if (high === slot.high) return;
    slot.high = high;
    slot.lastChangeAt = at;
    this.log.info({ input: slot.config.id, high, cause }, `digital input ${slot.config.id} is now ${high ? 'high' : 'low'} (${cause})`);
    this.emit('change', { id: slot.config.id, high, at, cause });
  }
}
