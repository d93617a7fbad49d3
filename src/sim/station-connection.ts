// A station's link lifecycle: connect, BootNotification (and again while Pending/Rejected),
// reconnect with backoff after the link drops, simulated outages and reboots. After every
// (re)connection the station boots before anything else goes out (OCPP 1.6 §4.2).

import type { BootNotificationConf, BootNotificationReq, RegistrationStatus } from './ocpp-types.js';
import type { RpcLink } from './rpc-link.js';

export interface ConnectionDeps {
  link: RpcLink;
  now(): number;
  bootRequest(): BootNotificationReq;
  /** Every BootNotification answer, whatever its status. */
  onBoot(conf: BootNotificationConf): void;
  /** The link dropped (the station is offline from now on). */
  onDown(ev: { code?: number; reason?: string }): void;
  warn(message: string): void;
}

export interface ConnectionOptions {
  autoReconnect: boolean;
  reconnectDelayMs: number;
  maxReconnectDelayMs: number;
  /** Real time between the socket opening and the BootNotification, on every connection [0]. */
  bootDelayMs?: number;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms).unref());

export class StationConnection {
  /** Booted with Accepted on the current link. */
  accepted = false;
  bootStatus: RegistrationStatus | undefined;
  private nextBootAt = Infinity;
  private stopped = true;
  private offlineForced = false;
  /** Between a reboot's start (Reset, power cut) and its reconnection. */
  rebooting = false;
  private reconnectAttempt = 0;
  private reconnectTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly deps: ConnectionDeps,
    private readonly options: ConnectionOptions,
  ) {
    deps.link.on('close', (ev) => {
      this.accepted = false;
      deps.onDown(ev);
      if (!this.stopped && !this.offlineForced && !this.rebooting && this.options.autoReconnect) this.scheduleReconnect();
    });
  }

  get isOnline(): boolean {
    return this.accepted && this.deps.link.isOpen;
  }

  get isStopped(): boolean {
    return this.stopped;
  }

  /** Connects and boots; rejects (HandshakeError for a refused upgrade) without retrying. */
  async start(): Promise<RegistrationStatus> {
    this.stopped = false;
    this.offlineForced = false;
    try {
      await this.deps.link.connect();
      await this.beforeBoot();
      return await this.boot();
    } catch (err) {
      this.stopped = true;
      if (this.deps.link.isOpen) await this.deps.link.close();
      throw err;
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.clearReconnect();
    await this.deps.link.close();
    this.accepted = false;
  }

  /** A simulated network outage: the socket drops without a close handshake and stays down. */
  async goOffline(): Promise<void> {
    this.offlineForced = true;
    this.clearReconnect();
    await this.deps.link.close(true);
  }

  async goOnline(): Promise<RegistrationStatus> {
    this.offlineForced = false;
    this.stopped = false;
    this.clearReconnect();
    try {
      if (!this.deps.link.isOpen) {
        await this.deps.link.connect();
        await this.beforeBoot();
      }
      return await this.boot();
    } catch (err) {
      this.scheduleReconnect();
      throw err;
    }
  }

  /** Called on the station's tick: boots again when a Pending/Rejected interval is over. */
  tick(at: number): void {
    if (this.deps.link.isOpen && !this.accepted && at >= this.nextBootAt) {
      this.nextBootAt = Infinity;
      this.boot().catch((err) => this.deps.warn(`BootNotification failed: ${String(err)}`));
    }
  }

  async boot(): Promise<RegistrationStatus> {
    this.accepted = false;
    const conf = await this.deps.link.call('BootNotification', this.deps.bootRequest());
    this.bootStatus = conf.status;
    if (conf.status === 'Accepted') {
      this.accepted = true;
      this.reconnectAttempt = 0;
    } else {
      // §4.2: boot again after `interval`; meanwhile answer the central system but send nothing.
      this.nextBootAt = this.deps.now() + (conf.interval > 0 ? conf.interval : 60) * 1000;
    }
    this.deps.onBoot(conf);
    return conf.status;
  }

  /**
   * A reboot (Reset): `shutdown` runs first (stop transactions...), then the link drops, the
   * station stays dark for `downMs` of real time, and connects and boots again.
   */
  async reboot(hard: boolean, downMs: number, shutdown: () => Promise<void>): Promise<void> {
    this.rebooting = true;
    try {
      await shutdown();
      await this.deps.link.close(hard);
      this.accepted = false;
      this.bootStatus = undefined;
      await sleep(downMs);
    } finally {
      this.rebooting = false;
    }
    await this.reconnect();
  }

  private scheduleReconnect(): void {
    if (this.reconnectTimer || this.stopped || this.offlineForced) return;
    const { reconnectDelayMs, maxReconnectDelayMs } = this.options;
    // Exponential backoff with jitter, so a fleet does not come back in lockstep.
    const delayMs = Math.min(maxReconnectDelayMs, reconnectDelayMs * 2 ** this.reconnectAttempt) * (0.75 + Math.random() * 0.5);
    this.reconnectAttempt++;
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = undefined;
      void this.reconnect();
    }, delayMs);
    this.reconnectTimer.unref();
  }

  private async reconnect(): Promise<void> {
    if (this.stopped || this.offlineForced) return;
    try {
      if (!this.deps.link.isOpen) {
        await this.deps.link.connect();
        await this.beforeBoot();
      }
      await this.boot();
    } catch (err) {
      this.deps.warn(`reconnect failed: ${String(err)}`);
      if (this.deps.link.isOpen) this.nextBootAt = this.deps.now() + this.options.reconnectDelayMs;
      else this.scheduleReconnect();
    }
  }

  /** A station takes a moment between opening its socket and booting (`bootDelayMs`). */
  private async beforeBoot(): Promise<void> {
    const delayMs = this.options.bootDelayMs ?? 0;
    if (delayMs > 0) await sleep(delayMs);
    if (!this.deps.link.isOpen) throw new Error('the link dropped before the BootNotification');
  }

  private clearReconnect(): void {
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    this.reconnectTimer = undefined;
  }
}
