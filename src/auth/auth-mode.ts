// Authentication modes (spec B1) and offline policies (spec B2). See docs/authentication.md.
export const AUTH_MODES = ['lms-allow-all', 'lms-known-badges', 'station-list', 'free', 'remote-only', 'cpo'] as const;
export type AuthMode = (typeof AUTH_MODES)[number];
export const DEFAULT_AUTH_MODE: AuthMode = 'lms-known-badges';

export function isAuthMode(value: unknown): value is AuthMode {
  return typeof value === 'string' && (AUTH_MODES as readonly string[]).includes(value);
}

/**
 * B2: what a station does when it cannot reach Fuseguard, and what Fuseguard does in `cpo` mode
 * when it cannot reach the CPO.
 */
export const OFFLINE_AUTH_MODES = ['allow-all', 'reject', 'reject-except-cached'] as const;
export type OfflineAuthMode = (typeof OFFLINE_AUTH_MODES)[number];
/** Fuseguard's own policy in `cpo` mode when none is configured. Stations keep their keys then. */
export const DEFAULT_OFFLINE_AUTH_MODE: OfflineAuthMode = 'reject-except-cached';

export function isOfflineAuthMode(value: unknown): value is OfflineAuthMode {
  return typeof value === 'string' && (OFFLINE_AUTH_MODES as readonly string[]).includes(value);
}
