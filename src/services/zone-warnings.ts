// What is worth knowing about a zone's configuration, for the API, the UI and the site file apply
// (issue 16): the stored rows through the pure rule of domain/topology/zone-draw.ts. Warnings
// only: a zone whose children can draw more than it is a normal, shared installation.
import { DEFAULT_WIRING, isPhaseWiring, zoneDrawWarnings, type Phase, type ZoneDrawConnector } from '../domain/index.js';
import type { ConnectorRow, StationRow, ZoneRow } from '../store/schema.js';

export type ZoneWarningCode = 'children-above-zone';
export const ZONE_WARNING_CODES: readonly ZoneWarningCode[] = ['children-above-zone'];

export interface ZoneWarning {
  code: ZoneWarningCode;
  message: string;
  phase: Phase;
  /** What the sub-zones and the zone's own connectors can draw at most on that phase. */
  childrenA: number;
  zoneMaxA: number;
}

/** Per zone name, its warnings (zones without any are left out). */
export function zoneWarnings(
  zones: readonly ZoneRow[],
  stations: readonly Pick<StationRow, 'id' | 'zone' | 'admission'>[],
  connectors: readonly Pick<ConnectorRow, 'station_id' | 'phases' | 'max_current_a' | 'type' | 'max_power_w'>[],
): Map<string, ZoneWarning[]> {
  // A pending station is in no zone yet: it draws nothing there.
  const zoneOf = new Map(stations.filter((s) => s.admission === 'admitted' && s.zone !== null).map((s) => [s.id, s.zone as string]));
  const draw: ZoneDrawConnector[] = [];
  for (const c of connectors) {
    const zone = zoneOf.get(c.station_id);
    if (zone === undefined) continue;
    // An unknown wiring counts on every phase, as the allocation counts it (phases.ts).
    const wiring = isPhaseWiring(c.phases) ? c.phases : DEFAULT_WIRING;
    draw.push({ zone, wiring, maxCurrentA: c.max_current_a, dcMaxPowerW: c.type === 'DC' ? c.max_power_w : null });
  }
  const specs = zones.map((z) => ({ name: z.name, parent: z.parent, maxCurrentA: z.max_current_a, mode: z.mode }));
  const out = new Map<string, ZoneWarning[]>();
  for (const w of zoneDrawWarnings(specs, draw)) {
    out.set(w.zone, [...(out.get(w.zone) ?? []), { code: w.code, message: w.message, phase: w.phase, childrenA: w.childrenA, zoneMaxA: w.zoneMaxA }]);
  }
  return out;
}
