// The gate every password hash goes through (issue 14, row 3b): a few hashes at a time, a short
// waiting line, and an answer at once beyond it, so a flood of logins can neither pile up scrypt
// work (32 MiB and tens of ms each) nor make a real login wait minutes behind it.
// Pure bookkeeping: it runs the tasks it is given and owns no timer.
import { ApiError } from '../errors.js';

export interface HashGateLimits {
  /** Hashes running at once. */
  concurrency: number;
  /** Hashes waiting for a turn; beyond, 503 at once. */
  maxWaiting: number;
  /** Hashes running or waiting for one key (a client address); beyond, 429 at once. */
  maxPerKey: number;
}

/** When to try again, told to a refused caller (Retry-After). */
export const HASH_GATE_RETRY_AFTER_S = 1;

/** Refused without hashing: 503 when the line is full, 429 when the caller's key holds its share. */
export class HashGateBusy extends ApiError {
  constructor(readonly reason: 'full' | 'per-key') {
    super(reason === 'full' ? 503 : 429, reason === 'full' ? 'busy' : 'too-many-attempts',
      reason === 'full'
        ? `too many password checks at once: try again in ${HASH_GATE_RETRY_AFTER_S} s`
        : `too many password checks from this address at once: try again in ${HASH_GATE_RETRY_AFTER_S} s`,
      { retryAfterS: HASH_GATE_RETRY_AFTER_S });
  }
}

interface Waiting {
  key: string;
  start: () => void;
  refuse: (error: HashGateBusy) => void;
}

export interface HashGateStats {
  running: number;
  waiting: number;
  /** The most that ever ran at once (tests check the bound). */
  peakRunning: number;
  /** Tasks refused, full or per key, including waiting ones pushed out. */
  refused: number;
}

export class HashGate {
  private running = 0;
  private readonly waiting: Waiting[] = [];
  /** Running and waiting tasks per key. */
  private readonly perKey = new Map<string, number>();
  private peakRunning = 0;
  private refused = 0;

  constructor(private readonly limits: HashGateLimits) {}

  /**
   * Runs `task` when a slot is free. Refuses at once (HashGateBusy) when `key` holds its share or
   * the line is full; a full line makes room for a key with fewer tasks by pushing out the newest
   * waiting task of the key with the most (so one address, or a few, cannot shut the others out).
   */
  run<T>(key: string, task: () => Promise<T>): Promise<T> {
    if (this.count(key) >= this.limits.maxPerKey) return this.refuse('per-key');
    if (this.running >= this.limits.concurrency && this.waiting.length >= this.limits.maxWaiting && !this.pushOutFor(key)) return this.refuse('full');
    this.perKey.set(key, this.count(key) + 1);
    return new Promise<T>((resolve, reject) => {
      const start = () => {
        this.running++;
        this.peakRunning = Math.max(this.peakRunning, this.running);
        Promise.resolve().then(task).then(resolve, reject).finally(() => {
          this.running--;
          this.release(key);
          this.waiting.shift()?.start();
        });
      };
      if (this.running < this.limits.concurrency) start();
      else this.waiting.push({ key, start, refuse: reject });
    });
  }

  stats(): HashGateStats {
    return { running: this.running, waiting: this.waiting.length, peakRunning: this.peakRunning, refused: this.refused };
  }

  /** Starts the peak afresh (tests). */
  resetPeak(): void {
    this.peakRunning = this.running;
  }

  private count(key: string): number {
    return this.perKey.get(key) ?? 0;
  }

  private release(key: string): void {
    const left = this.count(key) - 1;
    if (left > 0) this.perKey.set(key, left);
    else this.perKey.delete(key);
  }

  private refuse<T>(reason: 'full' | 'per-key'): Promise<T> {
    this.refused++;
    return Promise.reject(new HashGateBusy(reason));
  }

  /** Pushes out the newest waiting task of the key with the most, if it has at least 2 more than `key`. */
  private pushOutFor(key: string): boolean {
    let victim = -1;
    let most = this.count(key) + 1;
    for (let i = this.waiting.length - 1; i >= 0; i--) {
      const n = this.count(this.waiting[i].key);
      if (n > most) {
        most = n;
        victim = i;
      }
    }
    if (victim < 0) return false;
    const [pushed] = this.waiting.splice(victim, 1);
    this.release(pushed.key);
    this.refused++;
    pushed.refuse(new HashGateBusy('full'));
    return true;
  }
}
