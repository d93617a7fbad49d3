// The mode and offline policy that apply to a station (B1, B2), and the configuration keys that
// put a station in line with them (O5). See docs/authentication.md for the table.
import type { StationRow } from '../store/schema.js';
import type { Store } from '../store/store.js';
import { DEFAULT_AUTH_MODE, isAuthMode, isOfflineAuthMode, type AuthMode, type OfflineAuthMode } from './auth-mode.js';

export interface StationAuthPolicy {
  mode: AuthMode;
  /** null: none configured on the station or its zones; stations keep their own keys then. */
  offline: OfflineAuthMode | null;
}

/**
 * The station's own mode and policy, else its zone's, each inherited up the zone tree. Reads the
 * zones from the station's up only (a boot storm asked for every zone once per station: issue 15).
 * `station`: its row when the caller has it, else its id.
 */
export async function resolveAuthPolicy(store: Store, station: string | StationRow | undefined): Promise<StationAuthPolicy> {
  const row = typeof station === 'string' ? await store.stations.get(station) : station;
  let mode: AuthMode | undefined = isAuthMode(row?.auth_mode) ? row.auth_mode : undefined;
  let offline: OfflineAuthMode | undefined = isOfflineAuthMode(row?.offline_auth_mode) ? row.offline_auth_mode : undefined;
  const visited = new Set<string>();
  for (let name = row?.zone ?? null; name !== null && !visited.has(name) && (mode === undefined || offline === undefined);) {
    visited.add(name); // a cycle in a damaged tree ends here
    const zone = await store.zones.get(name);
    if (!zone) break;
    if (mode === undefined && isAuthMode(zone.auth_mode)) mode = zone.auth_mode;
    if (offline === undefined && isOfflineAuthMode(zone.offline_auth_mode)) offline = zone.offline_auth_mode;
    name = zone.parent;
  }
  return { mode: mode ?? DEFAULT_AUTH_MODE, offline: offline ?? null };
}

/**
 * The keys set at every boot and reconnection. The `lms-*` modes set no mode keys (as before
 * these modes existed), except on a station that may still hold what `station-list` turned on
 * (`leavingStationList`): that is turned off again, so that Fuseguard decides. Without an offline
 * policy, the offline keys are left as they are.
 */
export function stationAuthKeys(policy: StationAuthPolicy, { leavingStationList = false } = {}): Array<[key: string, value: 'true' | 'false']> {
  const keys: Array<[string, 'true' | 'false']> = [];
  switch (policy.mode) {
    case 'station-list':
      keys.push(['LocalAuthListEnabled', 'true'], ['LocalPreAuthorize', 'true']);
      break;
    case 'free':
    case 'remote-only':
      keys.push(['LocalAuthListEnabled', 'false'], ['LocalPreAuthorize', 'false'], ['AuthorizeRemoteTxRequests', 'false']);
      break;
    case 'cpo':
      keys.push(['LocalAuthListEnabled', 'false'], ['LocalPreAuthorize', 'false']);
      break;
    default:
      if (leavingStationList) keys.push(['LocalAuthListEnabled', 'false'], ['LocalPreAuthorize', 'false']);
      break;
  }
  switch (policy.offline) {
    case 'allow-all':
      keys.push(['LocalAuthorizeOffline', 'true'], ['AllowOfflineTxForUnknownId', 'true'], ['AuthorizationCacheEnabled', 'true']);
      break;
    case 'reject':
      keys.push(['LocalAuthorizeOffline', 'false'], ['AllowOfflineTxForUnknownId', 'false'], ['AuthorizationCacheEnabled', 'false']);
      break;
    case 'reject-except-cached':
      keys.push(['LocalAuthorizeOffline', 'true'], ['AllowOfflineTxForUnknownId', 'false'], ['AuthorizationCacheEnabled', 'true']);
      break;
    default:
      break;
  }
  return keys;
}
