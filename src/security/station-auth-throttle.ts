// Backoff of station password guessing (O2, issue 14 row 10). After a few wrong or missing
// passwords in a row for one charge box id, or from one client address, further upgrades for it
// are refused without checking the password, for a time that starts at 1 s and doubles with each
// failure after it (up to a maximum). A success for a station clears its id; the address keeps its
// count (another station's success must not help a guesser), and is forgotten after a quiet time.
// Pure: the time is an argument. Memory is bounded: at most MAX_TRACKED keys per kind.

export interface ThrottleLimits {
  /** Failures in a row for one station id before it is backed off. */
  stationAttempts: number;
  /** Failures in a row from one address before it is backed off. */
  addressAttempts: number;
  backoffMaxMs: number;
}

/** At most this many station ids, and this many addresses, are tracked; the stalest give way. */
export const MAX_TRACKED = 10_000;
const FIRST_BACKOFF_MS = 1_000;
/** Failures are forgotten after this long without one, or twice the longest backoff if longer. */
const FORGET_AFTER_MS = 3_600_000;

interface Failures {
  count: number;
  lastAt: number;
  blockedUntil: number;
}

export type ThrottleVerdict = { blocked: false } | { blocked: true; by: 'station' | 'address'; retryAfterMs: number };

export class StationAuthThrottle {
  private readonly byStation = new Map<string, Failures>();
  private readonly byAddress = new Map<string, Failures>();

  constructor(private readonly maxTracked = MAX_TRACKED) {}

  /** Whether an upgrade for `stationId` from `address` is refused now, before its password is checked. */
  check(stationId: string, address: string | null, now: number, limits: ThrottleLimits): ThrottleVerdict {
    for (const [by, entry] of [['address', address === null ? undefined : this.live(this.byAddress, address, now, limits)], ['station', this.live(this.byStation, stationId, now, limits)]] as const) {
      if (entry && entry.blockedUntil > now) return { blocked: true, by, retryAfterMs: entry.blockedUntil - now };
    }
    return { blocked: false };
  }

  /** A wrong or missing password: counted for the id and the address; returns the counts. */
  failed(stationId: string, address: string | null, now: number, limits: ThrottleLimits): { station: number; address: number } {
    const station = this.count(this.byStation, stationId, limits.stationAttempts, now, limits);
    const fromAddress = address === null ? 0 : this.count(this.byAddress, address, limits.addressAttempts, now, limits);
    return { station, address: fromAddress };
  }

  /** The right password (or the station's password changed): its id starts afresh. */
  succeeded(stationId: string): void {
    this.byStation.delete(stationId);
  }

  /** How many keys are tracked (tests, bounded memory). */
  size(): { stations: number; addresses: number } {
    return { stations: this.byStation.size, addresses: this.byAddress.size };
  }

  private live(map: Map<string, Failures>, key: string, now: number, limits: ThrottleLimits): Failures | undefined {
    const entry = map.get(key);
    if (entry && now - entry.lastAt > Math.max(FORGET_AFTER_MS, 2 * limits.backoffMaxMs)) {
      map.delete(key);
      return undefined;
    }
    return entry;
  }

  private count(map: Map<string, Failures>, key: string, attempts: number, now: number, limits: ThrottleLimits): number {
    const entry = this.live(map, key, now, limits) ?? { count: 0, lastAt: now, blockedUntil: 0 };
    entry.count += 1;
    entry.lastAt = now;
    const beyond = entry.count - attempts; // 0: the last free attempt failed
    if (beyond >= 0) entry.blockedUntil = now + Math.min(limits.backoffMaxMs, FIRST_BACKOFF_MS * 2 ** Math.min(beyond, 30));
    // Re-inserted so that the Map's order is the order of last failure: the stalest come first.
    map.delete(key);
    map.set(key, entry);
    while (map.size > this.maxTracked) map.delete(map.keys().next().value as string);
    return entry.count;
  }
}
