// Applies a validated site file in one database transaction (R4). Applying merges: what the
// file lists is created or updated, nothing else is deleted, and sessions, transaction ids and
// badge history are kept. Applying the same file twice changes nothing. What is worth knowing
// but not wrong (a zone its children can overdraw, issue 16) comes back as warnings.
import { validateZoneTree, type ZoneSpec } from '../domain/topology/zone-tree.js';
import { hashStationPassword, verifyStationPassword } from '../security/station-password.js';
import type { Store } from '../store/store.js';
import type { SiteFile, SiteStation } from './site-schema.js';
import { storedSiteWarnings, type SiteWarning } from './site-warnings.js';
import { flattenZones, zoneSpec, type SiteError } from './validate-site.js';

export class SiteApplyError extends Error {
  constructor(readonly errors: SiteError[]) {
    super(`site file refused, nothing was applied:\n${errors.map((e) => `  ${e.path}: ${e.message}`).join('\n')}`);
  }
}

export interface ApplySummary {
  zones: number;
  stations: number;
  badges: number;
  /** Of the site as stored after the file: the zones whose children can draw more than them. */
  warnings: SiteWarning[];
}

export async function applySite(store: Store, site: SiteFile, at: number): Promise<ApplySummary> {
  const fileZones = flattenZones(site.zones);
  const filePaths = new Map(fileZones.map((z) => [z.zone.name, z.path]));
  await checkMergedTree(store, fileZones.map(zoneSpec), filePaths, site.meters);
  const existingHashes = new Map((await store.stations.list()).map((s) => [s.id, s.password_hash]));

  await store.atomically(async (db) => {
    if (site.settings) await store.settings.set(site.settings, db);
    // Meters, time of use and inputs are lists applied as a whole when the file has them.
    if (site.inputs) await store.settings.set({ inputs: site.inputs }, db);
    if (site.meters) await store.settings.set({ meters: site.meters }, db);
    if (site.tou) await store.settings.set({ tou: site.tou }, db);
    for (const { zone, parent, position } of fileZones) {
      await store.zones.upsert({
        name: zone.name,
        parent,
        max_current_a: zone.maxCurrentA,
        mode: zone.mode,
        meter: zone.meter ?? null,
        fallback_current_a: zone.fallbackCurrentA ?? 0,
        auth_mode: zone.authMode ?? null,
        offline_auth_mode: zone.offlineAuthMode ?? null,
        position,
      }, db);
    }
    for (const station of site.stations ?? []) {
      await store.stations.upsertConfig({
        id: station.id,
        zone: station.zone,
        name: station.name ?? null,
        password_hash: passwordHash(station, existingHashes.get(station.id) ?? null),
        vip: station.vip ? 1 : 0,
        auth_mode: station.authMode ?? null,
        offline_auth_mode: station.offlineAuthMode ?? null,
        box_identity: station.boxIdentity ?? null,
        upstream_password: station.upstreamPassword ?? null,
      }, db);
      for (const c of station.connectors) {
        await store.stations.upsertConnector({
          station_id: station.id,
          connector_id: c.id,
          phases: c.phases ?? 'L1L2L3',
          min_current_a: c.minCurrentA ?? null,
          max_current_a: c.maxCurrentA ?? 32,
          type: c.type ?? 'AC',
          max_power_w: c.maxPowerW ?? null,
          socket_type: c.socketType ?? null,
        }, db);
      }
    }
    for (const badge of site.badges ?? []) {
      await store.badges.upsert({
        id_tag: badge.idTag,
        authorized: badge.authorized === false ? 0 : 1,
        vip: badge.vip ? 1 : 0,
        comment: badge.comment ?? '',
      }, at, db);
    }
  });
  return { zones: fileZones.length, stations: site.stations?.length ?? 0, badges: site.badges?.length ?? 0, warnings: await storedSiteWarnings(store, filePaths) };
}

/**
 * Zones already stored stay; the tree they form with the file's zones must still be valid, with
 * the meters there will be (the file's list replaces the stored one): a stored dynamic zone may
 * not end up on a meter the file marks reporting (Z7), nor a file zone on a stored one.
 */
async function checkMergedTree(store: Store, fileZones: ZoneSpec[], filePaths: Map<string, string>, fileMeters: SiteFile['meters']): Promise<void> {
  const storedMeters = (await store.settings.getAll()).meters;
  const meters = (fileMeters ?? (Array.isArray(storedMeters) ? storedMeters : [])) as { name?: unknown; reporting?: unknown }[];
  const reportingMeters = new Set(meters.filter((m) => m.reporting === true).map((m) => String(m.name)));
  const stored = (await store.zones.list()).filter((z) => !filePaths.has(z.name));
  const merged: ZoneSpec[] = [
    ...fileZones,
    ...stored.map((z) => ({ name: z.name, parent: z.parent, maxCurrentA: z.max_current_a, mode: z.mode, meter: z.meter, fallbackCurrentA: z.fallback_current_a })),
  ];
  const errors = validateZoneTree(merged, { reportingMeters }).map((e) => ({
    path: filePaths.get(e.zone) ?? `(stored zone "${e.zone}")`,
    message: `${e.message} (rule ${e.rule})`,
  }));
  if (errors.length > 0) throw new SiteApplyError(errors);
}

/** Keeps the stored hash when the file's password still matches it, so re-applying is a no-op. */
function passwordHash(station: SiteStation, stored: string | null): string | null {
  if (station.passwordHash !== undefined) return station.passwordHash;
  if (station.password === undefined) return null;
  if (stored && verifyStationPassword(station.password, stored)) return stored;
  return hashStationPassword(station.password);
}
