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

  fail(keys: readonly string[]): void {
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
  }

  succeed(keys: readonly string[]): void {
    for (const key of keys) this.failures.delete(key);
  }

  private forgetServed(at: number): void {
    for (const [key, f] of this.failures) if (f.lockedUntil <= at) this.failures.delete(key);
  }
}
