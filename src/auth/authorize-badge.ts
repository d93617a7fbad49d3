// The decision for one badge at one station (B1, B3). Pure: the caller loads the badge.
import type { AuthMode } from './auth-mode.js';

export type IdTagStatus = 'Accepted' | 'Blocked' | 'Expired' | 'Invalid' | 'ConcurrentTx';

export interface KnownBadge {
  authorized: boolean;
}

export interface BadgeDecision {
  status: IdTagStatus;
  /** True when the badge is not in the list and should be remembered as seen. */
  unknown: boolean;
}

export function authorizeBadge(mode: AuthMode, badge: KnownBadge | undefined): BadgeDecision {
  if (!badge) return { status: mode === 'lms-allow-all' ? 'Accepted' : 'Invalid', unknown: true };
  if (mode === 'lms-allow-all') return { status: 'Accepted', unknown: false };
  return { status: badge.authorized ? 'Accepted' : 'Blocked', unknown: false };
}
