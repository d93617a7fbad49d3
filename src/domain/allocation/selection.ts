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

export interface RankKeys {
  ids: readonly { id: string }[];
  /** VIP (0) or not (1), times 4, plus the tier. */
  group: Uint8Array;
  /** Due vehicles: suspended since; others 0. */
  waited: Float64Array;
  /** The shedding keys, ascending = served first (A5). */
  first: Float64Array;
  second: Float64Array;
}

export function rankKeys(size: number, ids: readonly { id: string }[]): RankKeys {
  return { ids, group: new Uint8Array(size), waited: new Float64Array(size), first: new Float64Array(size), second: new Float64Array(size) };
}

/**
 * Sets connector i's keys. VIPs first (A4); then the rotation tier (A6), due vehicles by how long
 * they have waited; then the shedding priority (A5): least energy first, or most recent start
 * first; then the id, so the order is total and the result deterministic.
 */
export function setRank(
  keys: RankKeys, i: number, vip: boolean, tier: number, suspendedSince: number, energyWh: number, startedAt: number, priority: SheddingPriority,
): void {
  keys.group[i] = (vip ? 0 : 4) + tier;
  keys.waited[i] = tier === TIER_DUE ? suspendedSince : 0;
  keys.first[i] = priority === 'energy' ? energyWh : -startedAt;
  keys.second[i] = priority === 'energy' ? -startedAt : energyWh;
}

export function compareRank(keys: RankKeys, a: number, b: number): number {
  return keys.group[a] - keys.group[b] || keys.waited[a] - keys.waited[b] || keys.first[a] - keys.first[b]
    || keys.second[a] - keys.second[b] || (keys.ids[a].id < keys.ids[b].id ? -1 : keys.ids[a].id > keys.ids[b].id ? 1 : 0);
}

/** Candidates in priority order. */
export function rankOrder(keys: RankKeys, candidates: Int32Array): Int32Array {
  return candidates.sort((a, b) => compareRank(keys, a, b));
}

export interface Selection {
  served: Uint8Array;
  /** For a connector left out: the first constraint where it did not fit, else -1. */
  failedAt: Int32Array;
  /** Left out only because of the resume margin (A8). */
  marginOnly: Uint8Array;
}

const EPS = 1e-9;

/**
 * The first `free` connectors of the order fit whatever happens (they load no oversubscribed
 * constraint) and are admitted unchecked. capA is consumed: on return it holds what is left above
 * the minimums admitted by the check. With parentOf, a connector lists its own zone's phases and
 * loads their ancestors too (see FillProblem); they are checked zone by zone, nearest first.
 */
export function selectServed(
  order: ArrayLike<number>, lo: Float64Array, marginA: Float64Array,
  conStart: Int32Array, conList: Int32Array, capA: Float64Array, free = 0, parentOf?: Int32Array,
): Selection {
  const size = conStart.length;
  const served = new Uint8Array(size);
  const failedAt = new Int32Array(size).fill(-1);
  const marginOnly = new Uint8Array(size);
  const ancestors = parentOf ?? new Int32Array(capA.length).fill(-1);
  let widest = 0;
  for (let i = 0; i + 1 < size; i++) widest = Math.max(widest, conStart[i + 1] - conStart[i]);
  const level = new Int32Array(widest);
  /** The first constraint of connector i, nearest zone first, with less than needA left; else -1. */
  const firstShort = (i: number, needA: number): number => {
    const count = conStart[i + 1] - conStart[i];
    for (let k = 0; k < count; k++) level[k] = conList[conStart[i] + k];
    for (let any = true; any;) {
      any = false;
      for (let k = 0; k < count; k++) {
        const c = level[k];
        if (c < 0) continue;
        if (capA[c] + EPS < needA) return c;
        level[k] = ancestors[c];
        any = true;
      }
    }
    return -1;
  };
  for (let k = 0; k < free; k++) served[order[k]] = 1;
  for (let k = free; k < order.length; k++) {
    const i = order[k];
    const short = firstShort(i, lo[i] + marginA[i]);
    if (short < 0) {
      served[i] = 1;
      for (let j = conStart[i]; j < conStart[i + 1]; j++) {
        for (let c = conList[j]; c >= 0; c = ancestors[c]) capA[c] -= lo[i];
      }
      continue;
    }
    failedAt[i] = short;
    if (marginA[i] > 0 && firstShort(i, lo[i]) < 0) marginOnly[i] = 1;
  }
  return { served, failedAt, marginOnly };
}
