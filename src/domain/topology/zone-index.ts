// A validated zone tree in array form, for the allocator's per-zone, per-phase accounting (Z3).

import type { ZoneSpec } from './zone-tree.js';

export interface ZoneIndex<Z extends ZoneSpec = ZoneSpec> {
  zones: readonly Z[];
  byName: ReadonlyMap<string, number>;
  /** -1 for a top-level zone. */
  parent: Int32Array;
  /** For each zone: itself, then its ancestors up to the top. */
  path: readonly (readonly number[])[];
  /** Zones deepest first: rolling sums up in this order visits every child before its parent. */
  bottomUp: readonly number[];
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
  const bottomUp = zones.map((_, i) => i).sort((a, b) => path[b].length - path[a].length);
  return { zones, byName, parent, path, bottomUp };
}

/**
 * Turns per-zone own sums (values × 3 phases, counted at each connector's own zone) into subtree
 * sums, in place: one pass over the zones instead of one per zone on every connector's path.
 */
export function rollUp(index: ZoneIndex, sums: Float64Array): void {
  for (const z of index.bottomUp) {
    const parent = index.parent[z];
    if (parent < 0) continue;
    sums[parent * 3] += sums[z * 3];
    sums[parent * 3 + 1] += sums[z * 3 + 1];
    sums[parent * 3 + 2] += sums[z * 3 + 2];
  }
}

/** Per constraint (zone × 3 + phase): the same phase of the parent zone, or -1 at the top. */
export function phaseParents(index: ZoneIndex): Int32Array {
  const parentOf = new Int32Array(index.zones.length * 3);
  for (let z = 0; z < index.zones.length; z++) {
    const parent = index.parent[z];
    for (let ph = 0; ph < 3; ph++) parentOf[z * 3 + ph] = parent < 0 ? -1 : parent * 3 + ph;
  }
  return parentOf;
}
