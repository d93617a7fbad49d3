// Max-min fair sharing under nested per-phase limits (A4), by progressive filling.
//
// A common level t rises; each participant gets clamp(t, lo, hi). When a constraint (zone × phase)
// fills up, its participants freeze at their current value, bound by it; a participant that
// reaches hi freezes, bound by its own maximum. Between events every constraint's load is linear in
// t, so the next event is found exactly. Breakpoints lie on the 0.1 A grid, so they sort in linear
// time and their number is bounded by the current range, not by the number of connectors:
// O(n + grid steps × constraints).

/** Constraints of participant i are conList[conStart[i] .. conStart[i + 1]). */
export interface FillProblem {
  constraintCount: number;
  conStart: Int32Array;
  conList: Int32Array;
  lo: Float64Array;
  hi: Float64Array;
}

export const BOUND_BY_OWN_MAX = -1;

export interface FillResult {
  value: Float64Array;
  /** Per participant: the constraint that froze it, or BOUND_BY_OWN_MAX. */
  boundBy: Int32Array;
}

const EPS = 1e-9;

/**
 * Raises the listed participants from lo towards hi within capA (remaining capacity per
 * constraint after every fixed load). Requires sum of lo ≤ capA on every constraint.
 */
export function waterFill(problem: FillProblem, participants: ArrayLike<number>, capA: Float64Array, out: FillResult): void {
  const { constraintCount, conStart, conList, lo, hi } = problem;
  const { value, boundBy } = out;
  const count = participants.length;
  const base = new Float64Array(constraintCount);
  const slope = new Float64Array(constraintCount);
  const saturated = new Uint8Array(constraintCount);
  const frozen = new Uint8Array(conStart.length);
  const rising = new Uint8Array(conStart.length);

  // Members of each constraint, compressed; every participant starts at lo.
  const memberStart = new Int32Array(constraintCount + 1);
  for (let k = 0; k < count; k++) {
    const i = participants[k];
    value[i] = lo[i];
    for (let j = conStart[i]; j < conStart[i + 1]; j++) {
      memberStart[conList[j] + 1]++;
      base[conList[j]] += lo[i];
    }
  }
  for (let c = 0; c < constraintCount; c++) memberStart[c + 1] += memberStart[c];
  const fill = memberStart.slice(0, constraintCount);
  const members = new Int32Array(memberStart[constraintCount]);
  for (let k = 0; k < count; k++) {
    const i = participants[k];
    for (let j = conStart[i]; j < conStart[i + 1]; j++) members[fill[conList[j]]++] = i;
  }

  // Events on the 0.1 A grid: key = current × 10; start (lo) and stop (hi) per participant.
  const eventKey = new Int32Array(2 * count);
  const eventWho = new Int32Array(2 * count);
  let eventCount = 0;
  let maxKey = 0;
  for (let k = 0; k < count; k++) {
    const i = participants[k];
    if (hi[i] <= lo[i] + EPS) {
      frozen[i] = 1;
      boundBy[i] = BOUND_BY_OWN_MAX;
      continue;
    }
    const stop = Math.round(hi[i] * 10);
    eventKey[eventCount] = Math.round(lo[i] * 10);
    eventWho[eventCount++] = i * 2;
    eventKey[eventCount] = stop;
    eventWho[eventCount++] = i * 2 + 1;
    if (stop > maxKey) maxKey = stop;
  }
  const order = sortByKey(eventKey, eventCount, maxKey);

  const freeze = (i: number, t: number, by: number): void => {
    frozen[i] = 1;
    boundBy[i] = by;
    if (!rising[i]) return; // still at lo, already counted in base
    rising[i] = 0;
    const v = Math.min(hi[i], Math.max(lo[i], t));
    value[i] = v;
    for (let j = conStart[i]; j < conStart[i + 1]; j++) { slope[conList[j]] -= 1; base[conList[j]] += v; }
  };

  let t = 0;
  let next = 0;
  for (;;) {
    let tSat = Infinity;
    let cSat = -1;
    for (let c = 0; c < constraintCount; c++) {
      if (saturated[c] || slope[c] <= 0) continue;
      const ts = (capA[c] - base[c]) / slope[c];
      if (ts < tSat) { tSat = ts; cSat = c; }
    }
    const key = next < eventCount ? eventKey[order[next]] : -1;
    const tNext = key >= 0 ? key / 10 : Infinity;
    // On a tie, events go first, so a connector that reaches its own maximum says so.
    if (cSat >= 0 && tSat < tNext - EPS) {
      t = Math.max(t, tSat);
      saturated[cSat] = 1;
      for (let j = memberStart[cSat]; j < memberStart[cSat + 1]; j++) {
        const i = members[j];
        if (!frozen[i]) freeze(i, t, cSat);
      }
      continue;
    }
    if (next >= eventCount) break;
    t = tNext;
    while (next < eventCount && eventKey[order[next]] === key) {
      const who = eventWho[order[next++]];
      const i = who >> 1;
      if (frozen[i]) continue;
      if ((who & 1) === 0) {
        rising[i] = 1;
        for (let j = conStart[i]; j < conStart[i + 1]; j++) { base[conList[j]] -= lo[i]; slope[conList[j]] += 1; }
      } else {
        freeze(i, t, BOUND_BY_OWN_MAX);
      }
    }
  }
}

/** Positions 0..count-1 ordered by key: a counting sort, since keys are small grid integers. */
function sortByKey(key: Int32Array, count: number, maxKey: number): Int32Array {
  const order = new Int32Array(count);
  if (maxKey > 8 * count + 100_000) {
    // Absurd ratings (thousands of amperes): a comparison sort keeps memory bounded.
    for (let e = 0; e < count; e++) order[e] = e;
    return order.sort((a, b) => key[a] - key[b]);
  }
  const start = new Int32Array(maxKey + 2);
  for (let e = 0; e < count; e++) start[key[e] + 1]++;
  for (let k = 0; k <= maxKey; k++) start[k + 1] += start[k];
  for (let e = 0; e < count; e++) order[start[key[e]]++] = e;
  return order;
}
