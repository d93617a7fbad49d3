// Max-min fair sharing under nested per-phase limits (A4), by progressive filling.
//
// A common level t rises; each participant gets clamp(t, lo, hi). When a constraint (zone × phase)
// fills up, its participants freeze at their current value, bound by it; a participant that
// reaches hi freezes, bound by its own maximum. Between events every constraint's load is linear in
// t, so the next event is found exactly. Breakpoints lie on the 0.1 A grid, so their number is
// bounded by the current range, not by the number of connectors: O(n log n + events × constraints).

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
// Packs (time on the 0.1 A grid, participant, start/stop) into one float for a native sort.
const SLOT = 2 ** 22;

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

  // Members of each constraint, compressed.
  const memberStart = new Int32Array(constraintCount + 1);
  for (let k = 0; k < count; k++) {
    const i = participants[k];
    for (let j = conStart[i]; j < conStart[i + 1]; j++) memberStart[conList[j] + 1]++;
  }
  for (let c = 0; c < constraintCount; c++) memberStart[c + 1] += memberStart[c];
  const fill = memberStart.slice(0, constraintCount);
  const members = new Int32Array(memberStart[constraintCount]);
  for (let k = 0; k < count; k++) {
    const i = participants[k];
    for (let j = conStart[i]; j < conStart[i + 1]; j++) members[fill[conList[j]]++] = i;
  }

  const events = new Float64Array(2 * count);
  let eventCount = 0;
  for (let k = 0; k < count; k++) {
    const i = participants[k];
    value[i] = lo[i];
    for (let j = conStart[i]; j < conStart[i + 1]; j++) base[conList[j]] += lo[i];
    if (hi[i] <= lo[i] + EPS) {
      frozen[i] = 1;
      boundBy[i] = BOUND_BY_OWN_MAX;
      continue;
    }
    events[eventCount++] = Math.round(lo[i] * 10) * SLOT + i * 2;
    events[eventCount++] = Math.round(hi[i] * 10) * SLOT + i * 2 + 1;
  }
  const sorted = events.subarray(0, eventCount).sort();

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
    const tNext = next < eventCount ? Math.floor(sorted[next] / SLOT) / 10 : Infinity;
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
    const key = Math.floor(sorted[next] / SLOT);
    while (next < eventCount && Math.floor(sorted[next] / SLOT) === key) {
      const packed = sorted[next++] % SLOT;
      const i = packed >> 1;
      if (frozen[i]) continue;
      if ((packed & 1) === 0) {
        rising[i] = 1;
        for (let j = conStart[i]; j < conStart[i + 1]; j++) { base[conList[j]] -= lo[i]; slope[conList[j]] += 1; }
      } else {
        freeze(i, t, BOUND_BY_OWN_MAX);
      }
    }
  }
}
