// Zone tree rules (spec Z1, Z2). Pure: used by the site file, the API and the allocator alike.

export type ZoneMode = 'static' | 'dynamic';

/** A zone as configured; `parent` is null for a top-level zone. */
export interface ZoneSpec {
  name: string;
  parent: string | null;
  maxCurrentA: number;
  mode: ZoneMode;
  /** Dynamic zones only: the meter that measures the whole switchboard. */
  meter?: string | null;
  /** Dynamic zones only: the limit used while the meter is lost (D4). */
  fallbackCurrentA?: number;
}

export type ZoneRule =
  | 'unique-name'
  | 'max-current-positive'
  | 'parent-exists'
  | 'no-cycle'
  | 'max-depth'
  | 'child-within-parent'
  | 'dynamic-needs-meter'
  | 'meter-in-one-zone'
  | 'fallback-within-max'
  | 'meter-not-reporting';

export interface ZoneTreeError {
  zone: string;
  rule: ZoneRule;
  message: string;
}

/** Top-level zones plus up to three levels of sub-zones (Z2). */
export const MAX_ZONE_DEPTH = 4;

export interface ZoneTreeContext {
  /**
   * The meters marked `reporting` (Z7): monitoring only, so none may drive a dynamic zone.
   * Callers that know the meters pass them (site file, API); the allocator does not.
   */
  reportingMeters?: ReadonlySet<string>;
}

/** Returns every rule broken by the tree; an empty list means the tree is valid. */
export function validateZoneTree(zones: readonly ZoneSpec[], context: ZoneTreeContext = {}): ZoneTreeError[] {
  const errors: ZoneTreeError[] = [];
  const byName = new Map<string, ZoneSpec>();
  for (const zone of zones) {
    if (byName.has(zone.name)) {
      errors.push({ zone: zone.name, rule: 'unique-name', message: `zone name "${zone.name}" is used more than once` });
    }
    byName.set(zone.name, zone);
  }

  const meterOwner = new Map<string, string>();
  for (const zone of zones) {
    if (!(zone.maxCurrentA > 0) || !Number.isFinite(zone.maxCurrentA)) {
      errors.push({ zone: zone.name, rule: 'max-current-positive', message: `zone "${zone.name}": maxCurrentA must be a number above 0 A` });
    }
    if (zone.mode === 'dynamic') {
      if (!zone.meter) {
        errors.push({ zone: zone.name, rule: 'dynamic-needs-meter', message: `dynamic zone "${zone.name}" needs a meter` });
      } else if (context.reportingMeters?.has(zone.meter)) {
        errors.push({
          zone: zone.name, rule: 'meter-not-reporting',
          message: `dynamic zone "${zone.name}" cannot be driven by meter "${zone.meter}": it is a reporting meter (monitoring only, Z7); choose another meter or clear its reporting flag`,
        });
      }
      const fallback = zone.fallbackCurrentA ?? 0;
      if (fallback < 0 || fallback > zone.maxCurrentA) {
        errors.push({ zone: zone.name, rule: 'fallback-within-max', message: `zone "${zone.name}": fallbackCurrentA ${fallback} A must be between 0 A and its maxCurrentA ${zone.maxCurrentA} A` });
      }
    }
    if (zone.meter) {
      const owner = meterOwner.get(zone.meter);
      if (owner !== undefined) {
        errors.push({ zone: zone.name, rule: 'meter-in-one-zone', message: `meter "${zone.meter}" already belongs to zone "${owner}"; a meter belongs to at most one zone` });
      } else {
        meterOwner.set(zone.meter, zone.name);
      }
    }
    if (zone.parent === null) continue;
    const parent = byName.get(zone.parent);
    if (!parent) {
      errors.push({ zone: zone.name, rule: 'parent-exists', message: `zone "${zone.name}": parent zone "${zone.parent}" does not exist` });
      continue;
    }
    if (zone.maxCurrentA > parent.maxCurrentA) {
      errors.push({ zone: zone.name, rule: 'child-within-parent', message: `zone "${zone.name}": maxCurrentA ${zone.maxCurrentA} A exceeds its parent "${parent.name}" (${parent.maxCurrentA} A)` });
    }
  }

  for (const zone of zones) {
    const depth = depthOf(zone, byName);
    if (depth === null) {
      errors.push({ zone: zone.name, rule: 'no-cycle', message: `zone "${zone.name}" is its own ancestor` });
    } else if (depth > MAX_ZONE_DEPTH) {
      errors.push({ zone: zone.name, rule: 'max-depth', message: `zone "${zone.name}" is at level ${depth}; at most ${MAX_ZONE_DEPTH} levels (a top-level zone and three levels of sub-zones) are allowed` });
    }
  }
  return errors;
}

/** 1 for a top-level zone; null when the ancestry loops; stops at a missing parent. */
function depthOf(zone: ZoneSpec, byName: ReadonlyMap<string, ZoneSpec>): number | null {
  const seen = new Set<string>();
  let depth = 1;
  let current: ZoneSpec | undefined = zone;
  while (current && current.parent !== null) {
    if (seen.has(current.name)) return null;
    seen.add(current.name);
    current = byName.get(current.parent);
    if (current) depth += 1;
  }
  return depth;
}
