// Writes the current site as a site file (R4). Passwords leave only as hashes.
import { isSocketType } from '../domain/connector/socket-type.js';
import type { Store } from '../store/store.js';
import type { ZoneRow } from '../store/schema.js';
import { resolveSettings } from './settings.js';
import type { PhaseWiring, SiteFile, SiteStation, SiteZone } from './site-schema.js';
import type { AuthMode, OfflineAuthMode } from '../auth/auth-mode.js';

export async function exportSite(store: Store): Promise<SiteFile> {
  const [settings, zones, stations, connectors, badges] = await Promise.all([
    store.settings.getAll(), store.zones.list(), store.stations.list(), store.stations.listConnectors(), store.badges.list(),
  ]);
  return {
    $schema: './schemas/site.schema.json',
    settings: resolveSettings(settings),
    zones: zoneTree(zones, null),
    stations: stations.filter((s) => s.admission === 'admitted' && s.zone !== null).map((s): SiteStation => ({
      id: s.id,
      zone: s.zone as string,
      ...(s.name ? { name: s.name } : {}),
      ...(s.password_hash ? { passwordHash: s.password_hash } : {}),
      vip: s.vip === 1,
      ...(s.auth_mode ? { authMode: s.auth_mode as AuthMode } : {}),
      ...(s.offline_auth_mode ? { offlineAuthMode: s.offline_auth_mode as OfflineAuthMode } : {}),
      ...(s.box_identity ? { boxIdentity: s.box_identity } : {}),
      ...(s.upstream_password ? { upstreamPassword: s.upstream_password } : {}),
      connectors: connectors.filter((c) => c.station_id === s.id).map((c) => ({
        id: c.connector_id,
        phases: c.phases as PhaseWiring,
        maxCurrentA: c.max_current_a,
        ...(c.min_current_a !== null ? { minCurrentA: c.min_current_a } : {}),
        type: c.type,
        ...(c.max_power_w !== null ? { maxPowerW: c.max_power_w } : {}),
        ...(isSocketType(c.socket_type) ? { socketType: c.socket_type } : {}),
      })),
    })),
    badges: badges.map((b) => ({ idTag: b.id_tag, authorized: b.authorized === 1, vip: b.vip === 1, comment: b.comment })),
    ...(Array.isArray(settings.meters) ? { meters: settings.meters as SiteFile['meters'] } : {}),
    ...(settings.tou ? { tou: settings.tou as SiteFile['tou'] } : {}),
    ...(Array.isArray(settings.inputs) ? { inputs: settings.inputs as Record<string, unknown>[] } : {}),
  };
}

function zoneTree(zones: ZoneRow[], parent: string | null): SiteZone[] {
  return zones.filter((z) => z.parent === parent).map((z): SiteZone => {
    const children = zoneTree(zones, z.name);
    return {
      name: z.name,
      maxCurrentA: z.max_current_a,
      mode: z.mode,
      ...(z.meter ? { meter: z.meter } : {}),
      ...(z.mode === 'dynamic' ? { fallbackCurrentA: z.fallback_current_a } : {}),
      ...(z.auth_mode ? { authMode: z.auth_mode as AuthMode } : {}),
      ...(z.offline_auth_mode ? { offlineAuthMode: z.offline_auth_mode as OfflineAuthMode } : {}),
      ...(children.length > 0 ? { children } : {}),
    };
  });
}
