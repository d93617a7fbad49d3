// Lockout after N failed logins in a row, for M seconds, per login and per client address (S2).
// In memory: a restart (which needs an admin) clears it.

interface Failures {
  count: number;
  lockedUntil: number;
}

export class Lockout {
  private readonly failures = new Map<string, Failures>();

  constructor(private readonly limits: () => { attempts: number; durationMs: number }, private readonly now: () => number) {}

  /** When the first of the keys that is locked unlocks, or null when none is. */
  lockedUntil(keys: readonly string[]): number | null {
    const at = this.now();
    let until: number | null = null;
    for (const key of keys) {
      const f = this.failures.get(key);
      if (f && f.lockedUntil > at) until = Math.max(until ?? 0, f.lockedUntil);
    }
    return until;
  }

  /**
   * Counts a login attempt against every key BEFORE the slow password check (issue 14, row 3):
   * parallel attempts cannot all pass the check first. Returns false, counting nothing, when a key
   * is locked; the attempt that reaches the limit still goes on (it was allowed), the next ones
   * are refused.
   */
  attempt(keys: readonly string[]): boolean {
    if (this.lockedUntil(keys) !== null) return false;
    const { attempts, durationMs } = this.limits();
    const at = this.now();
    for (const key of keys) {
      const f = this.failures.get(key) ?? { count: 0, lockedUntil: 0 };
      if (f.lockedUntil !== 0 && f.lockedUntil <= at) f.count = 0; // a lockout served starts afresh
      f.count++;
      f.lockedUntil = f.count >= attempts ? at + durationMs : 0;
      this.failures.set(key, f);
    }
    if (this.failures.size > 10_000) this.forgetServed(at);
    return true;
  }

  /**
   * The attempt was right: its login starts afresh; on the other keys (the client address) only
   * this attempt is taken back, so that one login's success does not clear a spray across
   * others (issue 14, row 11).
   */
  succeed(loginKey: string, otherKeys: readonly string[]): void {
    this.failures.delete(loginKey);
    this.withdraw(otherKeys);
  }

  /**
   * Takes back one attempt on each key: one that was never checked (the hash gate refused it,
   * issue 14, row 3b: a caller told to try again later is not locked out for it), or a right one.
   */
  withdraw(keys: readonly string[]): void {
    const { attempts } = this.limits();
    for (const key of keys) {
      const f = this.failures.get(key);
      if (!f) continue;
      f.count = Math.max(0, f.count - 1);
      if (f.count < attempts) f.lockedUntil = 0;
      if (f.count === 0) this.failures.delete(key);
    }
  }

  private forgetServed(at: number): void {
    for (const [key, f] of this.failures) if (f.lockedUntil <= at) this.failures.delete(key);
  }
}
