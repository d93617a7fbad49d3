// A2 checked on a result alone: a safety net for tests and for the dispatcher before it sends.

import { PHASES, phaseIndex } from '../phases.js';
import type { AllocationResult } from '../result.js';

export interface Violation {
  rule: 'zone-phase-limit' | 'below-minimum' | 'above-maximum';
  subject: string;
  message: string;
}

const TOLERANCE_A = 1e-6;

/**
 * Per zone and phase: the controllable setpoints in its subtree plus what offline stations hold
 * stay within the limit (when the offline reserve alone exceeds it, the controllable ones must be
 * 0). Every non-zero controllable setpoint lies within [minA, maxA].
 */
export function checkAllocation(result: AllocationResult): Violation[] {
  const violations: Violation[] = [];
  const zoneIndex = new Map(result.zones.map((z, i) => [z.zone, i]));
  const controlled = new Float64Array(result.zones.length * 3);
  const offline = new Float64Array(result.zones.length * 3);
  for (const s of result.setpoints) {
    if (s.controllable && s.currentA > 0) {
      if (s.currentA < s.minA - TOLERANCE_A) violations.push({ rule: 'below-minimum', subject: s.connectorId, message: `${s.connectorId}: ${s.currentA} A is below its minimum ${s.minA} A` });
      if (s.currentA > s.maxA + TOLERANCE_A) violations.push({ rule: 'above-maximum', subject: s.connectorId, message: `${s.connectorId}: ${s.currentA} A is above its maximum ${s.maxA} A` });
    }
    const sums = s.controllable ? controlled : offline;
    for (let z = zoneIndex.get(s.zone); z !== undefined; z = zoneIndex.get(result.zones[z].parent ?? '')) {
      for (const ph of s.phases) sums[z * 3 + phaseIndex(ph)] += s.currentA;
    }
  }
  result.zones.forEach((zone, z) => {
    for (let ph = 0; ph < 3; ph++) {
      const limitA = zone.limitA[ph];
      const used = controlled[z * 3 + ph];
      const held = offline[z * 3 + ph];
      const over = held > limitA + TOLERANCE_A ? used > TOLERANCE_A : used + held > limitA + TOLERANCE_A;
      if (over) {
        violations.push({ rule: 'zone-phase-limit', subject: `${zone.zone}/${PHASES[ph]}`, message: `zone "${zone.zone}" ${PHASES[ph]}: ${used} A allocated + ${held} A held offline exceeds its limit ${limitA} A` });
      }
    }
  });
  return violations;
}
