// What is worth knowing about a site, but not wrong (issue 16): a zone whose sub-zones and
// stations can draw more than it (domain/topology/zone-draw.ts); in the file, a T2S or TE socket
// left below the 10 A it calls for (the station page proposes it; a file has nobody to). `fuseguard
// site validate` prints them for the file alone; applying a file logs the zones' for the site as
// stored after it.
import { DEFAULT_WIRING, isThreePhase, socketMinimumA, standardMinimumA, zoneDrawWarnings } from '../domain/index.js';
import { zoneWarnings } from '../services/zone-warnings.js';
import type { Store } from '../store/store.js';
import type { SiteFile } from './site-schema.js';
import { flattenZones, zoneSpec, type SiteError } from './validate-site.js';

/** Same shape as an error: the JSON Pointer of the zone in the file, and what to know. */
export type SiteWarning = SiteError;

/** The file on its own, as `site validate` sees it (connectors at their file defaults). */
export function siteFileWarnings(site: SiteFile): SiteWarning[] {
  const zones = flattenZones(site.zones);
  const paths = new Map(zones.map((z) => [z.zone.name, z.path] as const));
  const connectors = (site.stations ?? []).flatMap((s) => s.connectors.map((c) => ({
    zone: s.zone, wiring: c.phases ?? DEFAULT_WIRING, maxCurrentA: c.maxCurrentA ?? 32, dcMaxPowerW: c.type === 'DC' ? c.maxPowerW : undefined,
  })));
  const zoneWarnings = zoneDrawWarnings(zones.map(zoneSpec), connectors).map((w) => ({ path: paths.get(w.zone) ?? '/zones', message: w.message }));
  return [...zoneWarnings, ...socketMinimumWarnings(site)];
}

/** A3: a connector whose socket calls for more than its minimum (site standard or minCurrentA). */
function socketMinimumWarnings(site: SiteFile): SiteWarning[] {
  const standard = site.settings?.minimumStandard ?? 'IEC61851';
  return (site.stations ?? []).flatMap((s, i) => s.connectors.flatMap((c, j) => {
    const calledA = socketMinimumA(c.socketType ?? null);
    const minimumA = Math.max(standardMinimumA(standard, isThreePhase(c.phases ?? DEFAULT_WIRING)), c.minCurrentA ?? 0);
    if (calledA === null || minimumA >= calledA) return [];
    return [{
      path: `/stations/${i}/connectors/${j}/minCurrentA`,
      message: `station "${s.id}" connector ${c.id}: a ${String(c.socketType)} socket calls for a minCurrentA of ${calledA} A; its minimum is ${minimumA} A`,
    }];
  }));
}

/** The site as stored: the file's zones and stations merged with those it does not list. */
export async function storedSiteWarnings(store: Store, filePaths: ReadonlyMap<string, string>): Promise<SiteWarning[]> {
  const [zones, stations, connectors] = await Promise.all([store.zones.list(), store.stations.list(), store.stations.listConnectors()]);
  return [...zoneWarnings(zones, stations, connectors)].flatMap(([zone, warnings]) =>
    warnings.map((w) => ({ path: filePaths.get(zone) ?? `(stored zone "${zone}")`, message: w.message })));
}
