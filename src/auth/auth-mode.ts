// Authentication modes (spec B1). The relay issue adds `station-list`, `free`, `remote-only`, `cpo`.
export const AUTH_MODES = ['lms-allow-all', 'lms-known-badges'] as const;
export type AuthMode = (typeof AUTH_MODES)[number];
export const DEFAULT_AUTH_MODE: AuthMode = 'lms-known-badges';

export function isAuthMode(value: unknown): value is AuthMode {
  return typeof value === 'string' && (AUTH_MODES as readonly string[]).includes(value);
}
