// The station's ordered outbox (OCPP 1.6 §4.7 "transaction-related messages"). Every call a
// station makes after booting goes through it, one at a time and in order. Transaction messages
// (StartTransaction, MeterValues with a transaction, StopTransaction) are durable: they wait
// while the link is down and go out later with their original timestamps. Other messages are
// dropped while offline, as real stations do.

import { classifyCallError } from './rpc-link.js';
import type { StartTransactionConf, StartTransactionReq, StationAction, StationCalls } from './ocpp-types.js';

export interface OutboxDeps {
  /** Sends one call; rejects like RpcLink.call. */
  send<A extends StationAction>(action: A, req: StationCalls[A]['req']): Promise<StationCalls[A]['conf']>;
  /** True when connected and booted (Accepted). */
  canSend(): boolean;
  now(): number;
  /** TransactionMessageAttempts and TransactionMessageRetryInterval (s). */
  retryPolicy(): { attempts: number; intervalS: number };
  /** A StartTransaction got its answer: the session now has a real transactionId. */
  onStartAnswered(sessionKey: number, conf: StartTransactionConf, req: StartTransactionReq): void;
  /** A durable message was given up after all attempts, or could not be sent at all. */
  onDropped(action: StationAction, reason: string): void;
}

interface Entry {
  action: StationAction;
  payload: object;
  durable: boolean;
  /** Jumps the queue (status after a boot), behind earlier front entries. */
  front: boolean;
  /** Local key of the session a transaction message belongs to (its transactionId may be unknown yet). */
  sessionKey?: number;
  attempts: number;
  notBefore: number;
  resolve: (conf: unknown) => void;
  reject: (err: unknown) => void;
}

export class Outbox {
  private queue: Entry[] = [];
  private draining = false;
  private idleWaiters: Array<() => void> = [];
  /** sessionKey → transactionId from the central system. */
  private readonly txIds = new Map<number, number>();

  constructor(private readonly deps: OutboxDeps) {}

  get size(): number {
    return this.queue.length;
  }

  transactionIdOf(sessionKey: number): number | undefined {
    return this.txIds.get(sessionKey);
  }

  /** The actions waiting, in order (for tests and diagnostics). */
  pending(): StationAction[] {
    return this.queue.map((e) => e.action);
  }

  /**
   * Queues a durable transaction message. For MeterValues and StopTransaction, `transactionId`
   * is filled in when the message is sent, from the answer to the session's StartTransaction.
   */
  pushTransaction<A extends 'StartTransaction' | 'MeterValues' | 'StopTransaction'>(
    action: A,
    payload: Omit<StationCalls[A]['req'], 'transactionId'>,
    sessionKey: number,
  ): Promise<StationCalls[A]['conf'] | undefined> {
    return this.enqueue(action, payload, true, sessionKey, false);
  }

  /** Queues a non-durable message; resolves undefined when it cannot be delivered (offline). */
  push<A extends StationAction>(
    action: A,
    payload: StationCalls[A]['req'],
    front = false,
  ): Promise<StationCalls[A]['conf'] | undefined> {
    if (!this.deps.canSend()) return Promise.resolve(undefined);
    return this.enqueue(action, payload, false, undefined, front);
  }

  private enqueue<A extends StationAction>(
    action: A,
    payload: object,
    durable: boolean,
    sessionKey: number | undefined,
    front: boolean,
  ): Promise<StationCalls[A]['conf'] | undefined> {
    return new Promise((resolve, reject) => {
      const entry: Entry = {
        action,
        payload,
        durable,
        front,
        sessionKey,
        attempts: 0,
        notBefore: 0,
        resolve: resolve as (conf: unknown) => void,
        reject,
      };
      if (front) {
        // After the head that may be in flight and earlier front entries, before everything else.
        let at = this.draining && this.queue.length > 0 ? 1 : 0;
        while (at < this.queue.length && this.queue[at].front) at++;
        this.queue.splice(at, 0, entry);
      } else {
        this.queue.push(entry);
      }
      this.kick();
    });
  }

  /** Drops the non-durable messages (the link went down). */
  dropVolatile(): void {
    const kept: Entry[] = [];
    for (const e of this.queue) {
      // The head may be in flight; its own failure handler settles it.
      if (e.durable || (this.draining && e === this.queue[0])) kept.push(e);
      else e.resolve(undefined);
    }
    this.queue = kept;
    this.notifyIfIdle();
  }

  /** Resolves when nothing is waiting or in flight. */
  whenIdle(): Promise<void> {
    if (this.queue.length === 0 && !this.draining) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /** Starts sending if possible; safe to call at any time. */
  kick(): void {
    if (this.draining) return;
    void this.drain();
  }

  private async drain(): Promise<void> {
    this.draining = true;
    try {
      while (this.queue.length > 0 && this.deps.canSend()) {
        const entry = this.queue[0];
        if (entry.notBefore > this.deps.now()) break; // a retry waits; the station's tick kicks again
        let payload = entry.payload;
        if (entry.sessionKey !== undefined && entry.action !== 'StartTransaction') {
          const transactionId = this.txIds.get(entry.sessionKey);
          if (transactionId === undefined) {
            // Its StartTransaction was given up: the central system cannot place this message.
            this.queue.shift();
            this.deps.onDropped(entry.action, 'its StartTransaction was never answered');
            entry.resolve(undefined);
            continue;
          }
          payload = { ...payload, transactionId };
        }
        try {
          const conf = await this.deps.send(entry.action, payload as never);
          this.queue.shift();
          if (entry.action === 'StartTransaction' && entry.sessionKey !== undefined) {
            const start = conf as StartTransactionConf;
            this.txIds.set(entry.sessionKey, start.transactionId);
            this.deps.onStartAnswered(entry.sessionKey, start, payload as StartTransactionReq);
          }
          entry.resolve(conf);
        } catch (err) {
          const failure = classifyCallError(err);
          if (failure === 'link') {
            // Not answered: a durable message stays at the head and goes again after reconnecting.
            if (!entry.durable) {
              this.queue.shift();
              entry.resolve(undefined);
            }
            break;
          }
          if (!entry.durable) {
            this.queue.shift();
            entry.reject(err);
            continue;
          }
          entry.attempts++;
          const { attempts, intervalS } = this.deps.retryPolicy();
          if (entry.attempts >= Math.max(1, attempts)) {
            this.queue.shift();
            this.deps.onDropped(entry.action, `${failure} after ${entry.attempts} attempts: ${String(err)}`);
            entry.resolve(undefined);
            continue;
          }
          // §4.7: wait TransactionMessageRetryInterval × attempts before the next try.
          entry.notBefore = this.deps.now() + intervalS * 1000 * entry.attempts;
          break;
        }
      }
    } finally {
      this.draining = false;
      this.notifyIfIdle();
    }
  }

  private notifyIfIdle(): void {
    if (this.queue.length > 0 || this.draining) return;
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const w of waiters) w();
  }
}
