// The order of changes (A8): every reduction first; increases only once the reductions are
// confirmed or timed out. Each reduction alone lowers load, and once all are done each increase
// only climbs towards a feasible target, so no intermediate state exceeds a limit that both the
// old and the new setpoints respect.

import type { Setpoint } from '../result.js';

export interface HeldSetpoint {
  connectorId: string;
  currentA: number;
  powerW?: number;
}

export interface ChangeStep {
  connectorId: string;
  fromA: number;
  toA: number;
  /** DC: watts to send (A9). */
  toPowerW?: number;
  /** The new setpoint's reason; absent for connectors that left the allocation. */
  setpoint?: Setpoint;
}

export interface ChangePlan {
  /** Phase 1: send all at once, cuts immediately. Largest cut first. */
  reductions: ChangeStep[];
  /** Phase 2: send after every reduction is confirmed or timed out. */
  increases: ChangeStep[];
  unchanged: number;
}

/**
 * previous: what the stations hold now (usually the last result's setpoints). Offline connectors
 * cannot be commanded and are skipped; a connector missing from next drops to 0 A.
 */
export function planChanges(previous: readonly HeldSetpoint[], next: readonly Setpoint[]): ChangePlan {
  const held = new Map<string, number>();
  for (const s of previous) held.set(s.connectorId, s.currentA);
  const reductions: ChangeStep[] = [];
  const increases: ChangeStep[] = [];
  let unchanged = 0;
  const seen = new Set<string>();
  for (const s of next) {
    seen.add(s.connectorId);
    if (!s.controllable) continue;
    const fromA = held.get(s.connectorId) ?? 0;
    if (s.currentA === fromA) { unchanged++; continue; }
    const step: ChangeStep = { connectorId: s.connectorId, fromA, toA: s.currentA, setpoint: s };
    if (s.powerW !== undefined) step.toPowerW = s.powerW;
    (s.currentA < fromA ? reductions : increases).push(step);
  }
  for (const [connectorId, fromA] of held) {
    if (!seen.has(connectorId) && fromA > 0) reductions.push({ connectorId, fromA, toA: 0 });
  }
  reductions.sort((a, b) => (b.fromA - b.toA) - (a.fromA - a.toA) || compareIds(a.connectorId, b.connectorId));
  increases.sort((a, b) => compareIds(a.connectorId, b.connectorId));
  return { reductions, increases, unchanged };
}

function compareIds(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
