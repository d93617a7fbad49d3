// What a zone's children could draw at most, against the zone's own maximum (issue 16): per
// phase, its sub-zones' maxCurrentA plus the maximum of the connectors of its own stations (on
// the phases their wiring loads, Z4; a DC one at its maxPowerW, as the allocation counts it, A9).
// Above the zone's maximum is fine electrically (the allocation never gives more than the zone,
// A2) but worth knowing: they cannot all get their maximum at once. A warning, never an error. Pure.
import { isThreePhase, PHASES, sitePhases, type Phase, type PhaseWiring } from '../phases.js';
import { DEFAULT_SETTINGS } from '../settings.js';
import type { ZoneSpec } from './zone-tree.js';

export interface ZoneDrawConnector {
  /** The zone of its station. */
  zone: string;
  wiring: PhaseWiring;
  maxCurrentA: number;
  /** DC connectors only: their maximum power, which bounds them instead of maxCurrentA (A9). */
  dcMaxPowerW?: number | null;
}

export interface ZoneDrawWarning {
  zone: string;
  code: 'children-above-zone';
  /** The phase where the children's sum is largest. */
  phase: Phase;
  childrenA: number;
  zoneMaxA: number;
  message: string;
}

/** Sums below this much above the maximum are rounding, not a warning. */
const TOLERANCE_A = 1e-6;

/** The most a connector may draw per phase: its rating, or for DC its power over the wired phases. */
function connectorMaxA(c: ZoneDrawConnector, nominalVoltageV: number): number {
  if (c.dcMaxPowerW === undefined || c.dcMaxPowerW === null) return c.maxCurrentA;
  return c.dcMaxPowerW / (nominalVoltageV * (isThreePhase(c.wiring) ? 3 : 1));
}

export function zoneDrawWarnings(
  zones: readonly ZoneSpec[], connectors: readonly ZoneDrawConnector[], nominalVoltageV = DEFAULT_SETTINGS.nominalVoltageV,
): ZoneDrawWarning[] {
  const sums = new Map<string, [number, number, number]>(zones.map((z) => [z.name, [0, 0, 0]]));
  for (const z of zones) {
    const parent = z.parent === null ? undefined : sums.get(z.parent);
    if (parent) for (let ph = 0; ph < 3; ph++) parent[ph] += z.maxCurrentA;
  }
  for (const c of connectors) {
    const sum = sums.get(c.zone);
    const maxA = connectorMaxA(c, nominalVoltageV);
    if (sum) for (const ph of sitePhases(c.wiring)) sum[ph] += maxA;
  }
  const warnings: ZoneDrawWarning[] = [];
  for (const z of zones) {
    const sum = sums.get(z.name) as [number, number, number];
    const worst = sum.indexOf(Math.max(...sum)) as 0 | 1 | 2;
    if (!(sum[worst] > z.maxCurrentA + TOLERANCE_A)) continue;
    const childrenA = Math.round(sum[worst] * 10) / 10;
    const phase = PHASES[worst];
    warnings.push({
      zone: z.name, code: 'children-above-zone', phase, childrenA, zoneMaxA: z.maxCurrentA,
      message: `zone "${z.name}": its sub-zones and stations can draw up to ${childrenA} A on ${phase}, above its own ${z.maxCurrentA} A; `
        + `fine electrically (Fuseguard never gives them more than ${z.maxCurrentA} A), but they cannot all get their maximum at once`,
    });
  }
  return warnings;
}
