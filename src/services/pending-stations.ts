// Which pending stations give way (O2, issue 14 row 9): pure, the time is an argument. Pending
// rows are capped and expire, so that unknown ids cannot fill the database or slow the lists.
import { isStationId } from '../site/station-id.js';

export interface PendingSeen {
  id: string;
  connected: boolean;
  /** Last time it connected or disconnected (or first seen), epoch ms. */
  seenAt: number;
}

export interface PendingPlan {
  /** Not seen for longer than the expiry, or with an id no station may use any more. */
  expired: string[];
  /** The ones not connected and seen longest ago, to make room under the cap. */
  evicted: string[];
  /** No room for one more: every pending station under the cap is connected. */
  full: boolean;
}

/**
 * `pending`: oldest first. `adding`: a new one is to be held (room for it is made). Connected
 * stations never give way: a real station that waits for an admin keeps its place.
 */
export function planPending(pending: readonly PendingSeen[], options: { now: number; max: number; expiryMs: number; adding: boolean }): PendingPlan {
  const isExpired = (p: PendingSeen) => !p.connected && (options.now - p.seenAt > options.expiryMs || !isStationId(p.id));
  const expired = pending.filter(isExpired).map((p) => p.id);
  const kept = pending.filter((p) => !isExpired(p));
  const room = options.max - (options.adding ? 1 : 0);
  const evictable = kept.filter((p) => !p.connected);
  const evicted = evictable.slice(0, Math.max(0, kept.length - room)).map((p) => p.id);
  return { expired, evicted, full: options.adding && kept.length - evicted.length > room };
}
