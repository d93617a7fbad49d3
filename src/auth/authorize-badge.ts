// The decision for one badge at one station (B1, B2, B3). Pure: the caller loads the badge, asks
// the CPO, and looks up the caches; docs/authentication.md describes every mode.
import type { AuthMode, OfflineAuthMode } from './auth-mode.js';

export type IdTagStatus = 'Accepted' | 'Blocked' | 'Expired' | 'Invalid' | 'ConcurrentTx';

export interface KnownBadge {
  authorized: boolean;
}

export interface BadgeDecision {
  status: IdTagStatus;
  /** True when the badge is not in the list and should be remembered as seen. */
  unknown: boolean;
}

/** What the modes beyond the two `lms-*` ones need to know about the request. */
export interface BadgeContext {
  /** StartTransaction (the station has decided already) rather than Authorize. */
  start?: boolean;
  /** Fuseguard (API, free mode) asked this station to start a charge with this idTag lately. */
  remoteStarted?: boolean;
  /** `free`: the idTag Fuseguard starts charges with. */
  isFreeIdTag?: boolean;
  /** `cpo`: the CPO's answer, or 'unreachable' (also when no CPO is wired). */
  upstream?: { status: IdTagStatus } | 'unreachable';
  /** `cpo`: the policy while the CPO is unreachable. */
  offline?: OfflineAuthMode;
  /** `cpo`: the CPO accepted this badge earlier (reject-except-cached). */
  cached?: boolean;
}

export function authorizeBadge(mode: AuthMode, badge: KnownBadge | undefined, context: BadgeContext = {}): BadgeDecision {
  switch (mode) {
    case 'lms-allow-all':
      return { status: 'Accepted', unknown: !badge };
    case 'lms-known-badges':
      return listDecision(badge);
    case 'station-list':
      // The station's own list (which Fuseguard pushes) decided before a StartTransaction; an
      // Authorize is answered from the same list.
      return context.start ? { status: 'Accepted', unknown: !badge } : listDecision(badge);
    case 'free':
      if (context.isFreeIdTag || context.remoteStarted) return { status: 'Accepted', unknown: false };
      return { status: 'Invalid', unknown: !badge }; // RFID is disabled
    case 'remote-only':
      if (context.remoteStarted) return { status: 'Accepted', unknown: false };
      return { status: 'Invalid', unknown: !badge };
    case 'cpo': {
      const upstream = context.upstream ?? 'unreachable';
      if (upstream !== 'unreachable') return { status: upstream.status, unknown: false };
      return { status: offlineDecision(context.offline ?? 'reject-except-cached', context.cached === true), unknown: false };
    }
  }
}

/** B2, applied by Fuseguard in `cpo` mode while the CPO cannot be reached. */
export function offlineDecision(policy: OfflineAuthMode, cached: boolean): IdTagStatus {
  if (policy === 'allow-all') return 'Accepted';
  if (policy === 'reject') return 'Invalid';
  return cached ? 'Accepted' : 'Invalid';
}

function listDecision(badge: KnownBadge | undefined): BadgeDecision {
  if (!badge) return { status: 'Invalid', unknown: true };
  return { status: badge.authorized ? 'Accepted' : 'Blocked', unknown: false };
}
