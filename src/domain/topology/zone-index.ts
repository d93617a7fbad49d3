// A validated zone tree in array form, for the allocator's per-zone, per-phase accounting (Z3).

import type { ZoneSpec } from './zone-tree.js';

export interface ZoneIndex<Z extends ZoneSpec = ZoneSpec> {
  zones: readonly Z[];
  byName: ReadonlyMap<string, number>;
  /** -1 for a top-level zone. */
  parent: Int32Array;
  /** For each zone: itself, then its ancestors up to the top. */
  path: readonly (readonly number[])[];
}

/** Expects a tree that validateZoneTree accepts. */
export function indexZones<Z extends ZoneSpec>(zones: readonly Z[]): ZoneIndex<Z> {
  const byName = new Map<string, number>();
  zones.forEach((zone, i) => byName.set(zone.name, i));
  const parent = new Int32Array(zones.length);
  zones.forEach((zone, i) => { parent[i] = zone.parent === null ? -1 : (byName.get(zone.parent) ?? -1); });
  const path = zones.map((_, i) => {
    const chain: number[] = [];
    for (let z = i; z >= 0 && chain.length <= zones.length; z = parent[z]) chain.push(z);
    return chain;
  });
  return { zones, byName, parent, path };
}
