// Failsafe currents (D1, D6, D7): what each station applies on its own when it cannot reach the LMS.

import { connectorBounds, connectorWiring } from '../connector/bounds.js';
import { PHASES, sitePhases, type Phase } from '../phases.js';
import { resolveSettings, type AllocationSettings } from '../settings.js';
import type { ConnectorInput } from '../snapshot.js';
import { indexZones, rollUp, type ZoneIndex } from '../topology/zone-index.js';
import type { ZoneSpec } from '../topology/zone-tree.js';

export type FailsafeReason =
  /** D1: the zone holds the minimums of all its connectors. */
  | { code: 'minimum' }
  /** D1, D3: a dynamic zone (or one below a dynamic zone) cannot trust a fixed current. */
  | { code: 'dynamic-zone'; zone: string }
  /** D7: the minimums of the zone's connectors exceed its maximum on a phase. */
  | { code: 'minimums-exceed-max'; zone: string; phase: Phase; sumA: number; maxA: number }
  /** D6: DC stations keep their last setpoint instead. */
  | { code: 'dc-no-failsafe' }
  | { code: 'unknown-zone' };

export interface Failsafe {
  readonly failsafeA: number;
  readonly reason: FailsafeReason;
}

const MINIMUM: FailsafeReason = { code: 'minimum' };
const DC_NONE: Failsafe = { failsafeA: 0, reason: { code: 'dc-no-failsafe' } };
const NO_ZONE: Failsafe = { failsafeA: 0, reason: { code: 'unknown-zone' } };

/**
 * D1 applied to every zone on the station's path, since its current also counts against every
 * ancestor (Z3): the failsafe is the minimum only if each of those zones is static and holds the
 * per-phase sum of the minimums of all AC connectors in its subtree; otherwise 0 A.
 */
export function failsafeCurrents(
  index: ZoneIndex<ZoneSpec>, connectors: readonly ConnectorInput[], settings: AllocationSettings,
): Failsafe[] {
  const n = connectors.length;
  const minSum = new Float64Array(index.zones.length * 3);
  const minA = connectors.map((c) => connectorBounds(c, settings).minA);
  const zoneOf = connectors.map((c) => index.byName.get(c.zone) ?? -1);
  for (let i = 0; i < n; i++) {
    if (connectors[i].kind !== 'DC' && zoneOf[i] >= 0) {
      for (const p of sitePhases(connectorWiring(connectors[i]))) minSum[zoneOf[i] * 3 + p] += minA[i];
    }
  }
  rollUp(index, minSum);
  const verdicts = zoneVerdicts(index, minSum);
  return connectors.map((c, i) => failsafeOf(c, zoneOf[i] < 0 ? null : index.path[zoneOf[i]], minA[i], verdicts));
}

/** Per zone (minSum: subtree sums of the AC minimums per phase): why its stations' failsafe is 0 A, or null when the zone holds their minimums. */
export function zoneVerdicts(index: ZoneIndex<ZoneSpec>, minSum: Float64Array): (FailsafeReason | null)[] {
  return index.zones.map((zone, z) => {
    if (zone.mode === 'dynamic') return { code: 'dynamic-zone', zone: zone.name };
    for (let p = 0; p < 3; p++) {
      const sumA = Math.round(minSum[z * 3 + p] * 10) / 10;
      if (sumA > zone.maxCurrentA) return { code: 'minimums-exceed-max', zone: zone.name, phase: PHASES[p], sumA, maxA: zone.maxCurrentA };
    }
    return null;
  });
}

/** One connector's failsafe; the verdict nearest to the station names the zone to fix first. */
export function failsafeOf(connector: ConnectorInput, path: readonly number[] | null, minA: number, verdicts: readonly (FailsafeReason | null)[]): Failsafe {
  if (connector.kind === 'DC') return DC_NONE;
  if (!path) return NO_ZONE;
  for (const z of path) {
    const reason = verdicts[z];
    if (reason) return { failsafeA: 0, reason };
  }
  return { failsafeA: minA, reason: MINIMUM };
}

/** Failsafe per connector id, for the dispatcher's permanent profile (D5) and the UI (D7). */
export function siteFailsafe(
  zones: readonly ZoneSpec[], connectors: readonly ConnectorInput[], settings?: Partial<AllocationSettings> | null,
): Record<string, Failsafe> {
  const list = failsafeCurrents(indexZones(zones), connectors, resolveSettings(settings));
  return Object.fromEntries(connectors.map((c, i) => [c.id, list[i]]));
}
