// Polls every configured meter on the site-wide period (spec P1, P3). Each meter has its own
// connection and its own tick, so one slow or dead meter never delays the others. A meter
// with no valid reading for 3 periods is lost (D4); it is retried, with a fresh connection,
// for as long as the poller runs.
import { EventEmitter } from 'node:events';
import { DEFAULT_POLLING_MS, describeEndpoint, type MeterConfig } from './meter-config.js';
import { openModbusLink, type ModbusLink } from './modbus-link.js';
import { MeterReadError, readMeter, type MeterReading } from './read-meter.js';
import type { RegisterMap } from './register-map.js';

export type MeterStatus = 'connected' | 'not-connected' | 'error';

export interface MeterState {
  name: string;
  model: string;
  reporting: boolean;
  /** connected: the last poll gave a valid reading; not-connected: no link; error: bad reply. */
  status: MeterStatus;
  /** Why the meter is not connected or in error; null when connected. */
  reason: string | null;
  lastReading: MeterReading | null;
  /** No valid reading for `lostAfterPeriods` periods (or none yet): the zone uses its fallback (D4). */
  lost: boolean;
  /** When `status` or `reason` last changed (epoch ms). */
  since: number;
}

export interface MeterPollerEvents {
  reading: [name: string, reading: MeterReading];
  state: [state: MeterState];
}

export interface MeterPollerOptions {
  meters: readonly MeterConfig[];
  /** Register maps by id (built-ins plus the user's, see loadRegisterMaps). */
  maps: ReadonlyMap<string, RegisterMap>;
  /** Site-wide polling period [500]. */
  pollingMs?: number;
  /** Reply timeout per request [the polling period, at least 100 ms]. */
  timeoutMs?: number;
  /** Missed periods before a meter is lost [3]. */
  lostAfterPeriods?: number;
  now?: () => number;
}

class MeterChannel {
  link: ModbusLink | null = null;
  busy = false;
  status: MeterStatus = 'not-connected';
  reason: string | null = 'not polled yet';
  lastReading: MeterReading | null = null;
  lost = true;
  since: number;

  constructor(readonly config: MeterConfig, readonly map: RegisterMap | undefined, now: number) {
    this.since = now;
  }
}

export class MeterPoller extends EventEmitter<MeterPollerEvents> {
  readonly pollingMs: number;
  readonly lostAfterMs: number;
  private readonly timeoutMs: number;
  private readonly now: () => number;
  private readonly channels = new Map<string, MeterChannel>();
  private timer: NodeJS.Timeout | null = null;
  private stopped = false;
  private readonly inFlight = new Set<Promise<void>>();

  constructor(options: MeterPollerOptions) {
    super();
    this.pollingMs = options.pollingMs ?? DEFAULT_POLLING_MS;
    this.timeoutMs = options.timeoutMs ?? Math.max(100, this.pollingMs);
    this.lostAfterMs = (options.lostAfterPeriods ?? 3) * this.pollingMs;
    this.now = options.now ?? Date.now;
    for (const config of options.meters) {
      if (this.channels.has(config.name)) throw new Error(`meter "${config.name}" is configured twice`);
      const channel = new MeterChannel(config, options.maps.get(config.model), this.now());
      if (!channel.map) {
        channel.status = 'error';
        channel.reason = `meter "${config.name}": unknown register map "${config.model}"`;
      }
      this.channels.set(config.name, channel);
    }
  }

  /** Starts polling: one poll of every meter now, then one every period. */
  start(): void {
    if (this.timer || this.stopped) return;
    this.timer = setInterval(() => this.tick(), this.pollingMs);
    this.tick();
  }

  /** Stops the timers and closes every connection; no event is emitted afterwards. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    const closeAll = () => Promise.allSettled([...this.channels.values()].map(async (c) => {
      const link = c.link;
      c.link = null;
      await link?.close();
    }));
    // Close first so that pending requests end now rather than at their timeout.
    await closeAll();
    await Promise.allSettled([...this.inFlight]);
    await closeAll();
  }

  /** U3: the reference clock stepped by `stepMs`: a reading keeps its age, a state its duration. */
  shiftTimes(stepMs: number): void {
    for (const c of this.channels.values()) {
      if (c.lastReading) c.lastReading = { ...c.lastReading, at: c.lastReading.at + stepMs };
      c.since += stepMs;
    }
  }

  state(name: string): MeterState | undefined {
    const c = this.channels.get(name);
    return c ? this.snapshot(c, this.now()) : undefined;
  }

  states(): MeterState[] {
    const now = this.now();
    return [...this.channels.values()].map((c) => this.snapshot(c, now));
  }

  private snapshot(c: MeterChannel, now: number): MeterState {
    return {
      name: c.config.name, model: c.config.model, reporting: c.config.reporting,
      status: c.status, reason: c.reason, lastReading: c.lastReading, lost: this.isLost(c, now), since: c.since,
    };
  }

  private isLost(c: MeterChannel, now: number): boolean {
    return c.lastReading === null || now - c.lastReading.at > this.lostAfterMs;
  }

  private tick(): void {
    for (const c of this.channels.values()) {
      this.update(c, {});
      // A read still running after a whole period counts as missed; never stack requests.
      if (!c.map || c.busy || this.stopped) continue;
      c.busy = true;
      const p = this.poll(c, c.map).finally(() => {
        c.busy = false;
        this.inFlight.delete(p);
      });
      this.inFlight.add(p);
    }
  }

  private async poll(c: MeterChannel, map: RegisterMap): Promise<void> {
    if (!c.link || !c.link.isOpen) {
      await c.link?.close();
      c.link = null;
      try {
        const link = await openModbusLink(c.config, this.timeoutMs);
        if (this.stopped) return void (await link.close());
        c.link = link;
      } catch (err) {
        const reason = `meter "${c.config.name}": cannot connect to ${describeEndpoint(c.config)}: ${(err as Error).message}`;
        return this.update(c, { status: 'not-connected', reason });
      }
    }
    try {
      const reading = await readMeter(c.link, c.config.name, map, this.now);
      if (this.stopped) return;
      c.lastReading = reading;
      this.update(c, { status: 'connected', reason: null });
      this.emit('reading', c.config.name, reading);
    } catch (err) {
      if (this.stopped) return;
      const e = err instanceof MeterReadError ? err : new MeterReadError('transport', String(err));
      if (e.kind === 'transport' || e.kind === 'timeout') {
        // A late reply would be taken for the answer to the next request: start afresh.
        const link = c.link;
        c.link = null;
        await link?.close();
      }
      this.update(c, { status: e.kind === 'transport' ? 'not-connected' : 'error', reason: e.message });
    }
  }

  private update(c: MeterChannel, change: { status?: MeterStatus; reason?: string | null }): void {
    if (this.stopped) return;
    const now = this.now();
    const status = change.status ?? c.status;
    const reason = change.reason !== undefined ? change.reason : c.reason;
    const lost = this.isLost(c, now);
    if (status === c.status && reason === c.reason && lost === c.lost) return;
    if (status !== c.status || reason !== c.reason) c.since = now;
    c.status = status;
    c.reason = reason;
    c.lost = lost;
    this.emit('state', this.snapshot(c, now));
  }
}

export type TestConnectionResult = { ok: true; reading: MeterReading } | { ok: false; reason: string };

/** One connection and one reading, for the API's "test" button; never throws. */
export async function testConnection(
  config: MeterConfig,
  maps: ReadonlyMap<string, RegisterMap>,
  options: { timeoutMs?: number; now?: () => number } = {},
): Promise<TestConnectionResult> {
  const map = maps.get(config.model);
  if (!map) return { ok: false, reason: `meter "${config.name}": unknown register map "${config.model}"` };
  let link: ModbusLink;
  try {
    link = await openModbusLink(config, options.timeoutMs ?? 1000);
  } catch (err) {
    return { ok: false, reason: `meter "${config.name}": cannot connect to ${describeEndpoint(config)}: ${(err as Error).message}` };
  }
  try {
    return { ok: true, reading: await readMeter(link, config.name, map, options.now ?? Date.now) };
  } catch (err) {
    return { ok: false, reason: (err as Error).message };
  } finally {
    await link.close();
  }
}
