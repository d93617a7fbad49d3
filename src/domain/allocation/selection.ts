// Who charges when not every minimum fits (A4, A5, A6, A8): a priority order, then a greedy pass
// that admits each connector whose minimum still fits in every zone and phase it loads.

import type { SheddingPriority } from '../settings.js';

/**
 * Rotation tiers (A6), ranked in this order. Each vehicle has its own clock: once suspended for a
 * rotation period it is due, and it displaces a vehicle that has charged for a whole period; a
 * vehicle that started or resumed less than a period ago keeps its turn, so none flaps.
 */
export const TIER_PROTECTED = 0; // charging for less than a rotation period, or new
export const TIER_DUE = 1; // suspended for a rotation period or more: its turn
export const TIER_RUNNING = 2; // charging for a rotation period or more
export const TIER_WAITING = 3; // suspended, its turn not yet come

export interface RankInput {
  /** Position in snapshot.connectors. */
  index: number;
  id: string;
  vip: boolean;
  tier: number;
  suspendedSince: number;
  energyWh: number;
  startedAt: number;
}

/**
 * VIPs first (A4); then the rotation tier (A6), due vehicles by how long they have waited; then
 * the shedding priority (A5): least energy first, or most recent start first; then the id, so
 * the order is total and the result deterministic.
 */
export function compareRank(a: RankInput, b: RankInput, priority: SheddingPriority): number {
  if (a.vip !== b.vip) return a.vip ? -1 : 1;
  if (a.tier !== b.tier) return a.tier - b.tier;
  if (a.tier === TIER_DUE && a.suspendedSince !== b.suspendedSince) return a.suspendedSince - b.suspendedSince;
  if (priority === 'energy') {
    if (a.energyWh !== b.energyWh) return a.energyWh - b.energyWh;
    if (a.startedAt !== b.startedAt) return b.startedAt - a.startedAt;
  } else {
    if (a.startedAt !== b.startedAt) return b.startedAt - a.startedAt;
    if (a.energyWh !== b.energyWh) return a.energyWh - b.energyWh;
  }
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

export interface Selection {
  served: Uint8Array;
  /** For a connector left out: the first constraint where it did not fit, else -1. */
  failedAt: Int32Array;
  /** Left out only because of the resume margin (A8). */
  marginOnly: Uint8Array;
}

const EPS = 1e-9;

/** capA is consumed: on return it holds what is left above the admitted minimums. */
export function selectServed(
  order: ArrayLike<number>, lo: Float64Array, marginA: Float64Array,
  conStart: Int32Array, conList: Int32Array, capA: Float64Array,
): Selection {
  const size = conStart.length;
  const served = new Uint8Array(size);
  const failedAt = new Int32Array(size).fill(-1);
  const marginOnly = new Uint8Array(size);
  for (let k = 0; k < order.length; k++) {
    const i = order[k];
    const need = lo[i] + marginA[i];
    let fits = true;
    for (let j = conStart[i]; j < conStart[i + 1]; j++) {
      if (capA[conList[j]] + EPS < need) { fits = false; failedAt[i] = conList[j]; break; }
    }
    if (fits) {
      served[i] = 1;
      for (let j = conStart[i]; j < conStart[i + 1]; j++) capA[conList[j]] -= lo[i];
      continue;
    }
    let fitsWithoutMargin = marginA[i] > 0;
    for (let j = conStart[i]; j < conStart[i + 1] && fitsWithoutMargin; j++) {
      if (capA[conList[j]] + EPS < lo[i]) fitsWithoutMargin = false;
    }
    if (fitsWithoutMargin) marginOnly[i] = 1;
  }
  return { served, failedAt, marginOnly };
}
