// Max-min fair sharing under nested per-phase limits (A4), by progressive filling.
//
// A common level t rises; each participant gets clamp(t, lo, hi). When a constraint (zone × phase)
// fills up, its participants freeze at their current value, bound by it; a participant that
// reaches hi freezes, bound by its own maximum. Between events every constraint's load is linear in
// t, so the next event is found exactly. Breakpoints lie on the 0.1 A grid, so they sort in linear
// time and their number is bounded by the current range, not by the number of connectors.
//
// Participants that load the same constraints (a zone's phases) form a group: they rise together
// and freeze together, so the filling works on groups. Each participant is touched once to join its
// group, twice for its events and once for its value: O(n + events × constraints).

/**
 * Constraints of participant i are conList[conStart[i] .. conStart[i + 1]) and, with a tree,
 * every ancestor of those: a connector lists its own zone's phases only, and loads the zones above
 * through tree.parentOf. Participants with the same groups.of (below groups.count) list the
 * same constraints; without groups, each is a group of its own.
 */
export interface FillProblem {
  constraintCount: number;
  conStart: Int32Array;
  conList: Int32Array;
  tree?: ConstraintTree;
  groups?: { of: Int32Array; count: number };
  /** On the 0.1 A grid. */
  lo: Float64Array;
  hi: Float64Array;
}

export interface ConstraintTree {
  /** Per constraint: the same phase of the parent zone, or -1 at the top. */
  parentOf: Int32Array;
  /** Children of c: children[childStart[c] .. childStart[c + 1]). */
  childStart: Int32Array;
  children: Int32Array;
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
  const tree = problem.tree ?? constraintTree(new Int32Array(constraintCount).fill(-1));
  const parentOf = tree.parentOf;
  // The result does not depend on the participants' order; in index order, arrays are read front to back.
  const who = inIndexOrder(participants, conStart.length);
  const groupKeys = problem.groups?.of;
  const groupCount = problem.groups?.count ?? conStart.length;
  /** Per group: a member, whose constraints are the group's; -1 for a group without participants. */
  const groupFirst = new Int32Array(groupCount).fill(-1);

  // The load on a constraint, its subtree included, is fixed + rising × t + frozenA. fixed counts
  // participants held at a grid value (lo before they start, hi once they reach it) in tenths of
  // an ampere: integers, so their sum does not depend on the order. frozenA sums the levels at
  // which the others froze. headroomA = capA − fixed − frozenA is kept up to date where they change.
  const fixed = new Float64Array(constraintCount);
  const rising = new Int32Array(constraintCount);
  const frozenA = new Float64Array(constraintCount);
  const headroomA = new Float64Array(constraintCount);
  const refresh = (c: number): void => { headroomA[c] = capA[c] - fixed[c] / 10 - frozenA[c]; };
  /** Adds to the listed constraints of group g and all their ancestors. */
  const addToGroup = (g: number, into: Float64Array | Int32Array, amount: number): void => {
    for (let j = conStart[groupFirst[g]]; j < conStart[groupFirst[g] + 1]; j++) {
      for (let c = conList[j]; c >= 0; c = parentOf[c]) into[c] += amount;
    }
  };
  const addFixed = (g: number, amountTenths: number): void => {
    for (let j = conStart[groupFirst[g]]; j < conStart[groupFirst[g] + 1]; j++) {
      for (let c = conList[j]; c >= 0; c = parentOf[c]) { fixed[c] += amountTenths; refresh(c); }
    }
  };

  // Events on the grid: a member of group g starts rising at its lo (g × 2) and stops at its hi
  // (g × 2 + 1); key = current × 10.
  const groupFixed = new Float64Array(groupCount);
  const eventKey = new Int32Array(2 * who.length);
  const eventWhat = new Int32Array(2 * who.length);
  let eventCount = 0;
  let maxKey = 0;
  for (let k = 0; k < who.length; k++) {
    const i = who[k];
    const g = groupKeys ? groupKeys[i] : i;
    if (groupFirst[g] < 0) groupFirst[g] = i;
    const loKey = Math.round(lo[i] * 10);
    groupFixed[g] += loKey;
    if (hi[i] <= lo[i] + EPS) continue; // never rises
    const hiKey = Math.round(hi[i] * 10);
    eventKey[eventCount] = loKey;
    eventWhat[eventCount++] = g * 2;
    eventKey[eventCount] = hiKey;
    eventWhat[eventCount++] = g * 2 + 1;
    if (hiKey > maxKey) maxKey = hiKey;
  }
  for (let g = 0; g < groupCount; g++) if (groupFirst[g] >= 0) addToGroup(g, fixed, groupFixed[g]);
  for (let c = 0; c < constraintCount; c++) refresh(c);
  const events = sortByKey(eventKey.subarray(0, eventCount), eventWhat.subarray(0, eventCount), maxKey);
  const listed = groupsByConstraint(groupFirst, conStart, conList, constraintCount);

  // Per group: members rising; once frozen, the level, the constraint, and the last event key before.
  const groupRising = new Int32Array(groupCount);
  const frozen = new Uint8Array(groupCount);
  const frozenAt = new Float64Array(groupCount);
  const frozenBy = new Int32Array(groupCount);
  const frozenAfterKey = new Int32Array(groupCount);
  const saturated = new Uint8Array(constraintCount);
  const swept = new Uint8Array(constraintCount);
  const stack = new Int32Array(constraintCount);
  // Rising members frozen by the current sweep, per constraint, and the constraints concerned.
  const frozenNow = new Int32Array(constraintCount);
  const touched = new Int32Array(constraintCount);
  let frozenTouched = 0;
  const freezeRising = (g: number, touchedCount: number): number => {
    for (let j = conStart[groupFirst[g]]; j < conStart[groupFirst[g] + 1]; j++) {
      for (let c = conList[j]; c >= 0; c = parentOf[c]) {
        if (frozenNow[c] === 0) touched[touchedCount++] = c;
        frozenNow[c] += groupRising[g];
        rising[c] -= groupRising[g];
      }
    }
    return touchedCount;
  };
  const risingStep = new Int32Array(groupCount);
  const fixedStep = new Float64Array(groupCount);
  const stepped = new Int32Array(groupCount);
  const isStepped = new Uint8Array(groupCount);

  let t = 0;
  let next = 0;
  let lastKey = -1;
  for (;;) {
    const cSat = firstToFill(headroomA, rising, saturated);
    const tSat = cSat < 0 ? Infinity : headroomA[cSat] / rising[cSat];
    const key = next < eventCount ? events.key[next] : -1;
    const tNext = key >= 0 ? key / 10 : Infinity;
    // On a tie, events go first, so a connector that reaches its own maximum says so.
    if (cSat >= 0 && tSat < tNext - EPS) {
      t = Math.max(t, tSat);
      saturated[cSat] = 1;
      // Every group below a full constraint freezes at t. A constraint swept once has nobody left
      // to freeze, nor has anything below it.
      let top = 0;
      stack[top++] = cSat;
      while (top > 0) {
        const c = stack[--top];
        if (swept[c]) continue;
        swept[c] = 1;
        for (let j = listed.start[c]; j < listed.start[c + 1]; j++) {
          const g = listed.groups[j];
          if (frozen[g]) continue;
          frozen[g] = 1;
          frozenAt[g] = t;
          frozenBy[g] = cSat;
          frozenAfterKey[g] = lastKey;
          if (groupRising[g] > 0) frozenTouched = freezeRising(g, frozenTouched);
        }
        for (let j = tree.childStart[c]; j < tree.childStart[c + 1]; j++) stack[top++] = tree.children[j];
      }
      // Counted first, then multiplied once: the sum does not depend on the order of the groups.
      for (let k = 0; k < frozenTouched; k++) {
        const c = touched[k];
        frozenA[c] += frozenNow[c] * t;
        frozenNow[c] = 0;
        refresh(c);
      }
      frozenTouched = 0;
      continue;
    }
    if (next >= eventCount) break;
    t = tNext;
    // This key's events, summed per group: starting moves lo from fixed to rising, stopping moves
    // a rising member to fixed at hi.
    let steppedCount = 0;
    for (; next < eventCount && events.key[next] === key; next++) {
      const g = events.what[next] >> 1;
      if (frozen[g]) continue;
      if (!isStepped[g]) { isStepped[g] = 1; stepped[steppedCount++] = g; }
      const stop = events.what[next] & 1;
      risingStep[g] += stop ? -1 : 1;
      fixedStep[g] += stop ? key : -key;
    }
    for (let s = 0; s < steppedCount; s++) {
      const g = stepped[s];
      groupRising[g] += risingStep[g];
      addToGroup(g, rising, risingStep[g]);
      addFixed(g, fixedStep[g]);
      risingStep[g] = 0;
      fixedStep[g] = 0;
      isStepped[g] = 0;
    }
    lastKey = key;
  }

  // Each participant from its group's fate: still at lo, at its own maximum, or frozen with the group.
  for (let k = 0; k < who.length; k++) {
    const i = who[k];
    const g = groupKeys ? groupKeys[i] : i;
    if (hi[i] <= lo[i] + EPS) {
      value[i] = lo[i];
      boundBy[i] = BOUND_BY_OWN_MAX;
    } else if (!frozen[g] || Math.round(hi[i] * 10) <= frozenAfterKey[g]) {
      value[i] = hi[i];
      boundBy[i] = BOUND_BY_OWN_MAX;
    } else {
      value[i] = Math.round(lo[i] * 10) <= frozenAfterKey[g] ? frozenAt[g] : lo[i];
      boundBy[i] = frozenBy[g];
    }
  }
}

/** The constraint tree from each constraint's parent (-1 at the top): adds the children. */
export function constraintTree(parentOf: Int32Array): ConstraintTree {
  const n = parentOf.length;
  const childStart = new Int32Array(n + 1);
  for (let c = 0; c < n; c++) if (parentOf[c] >= 0) childStart[parentOf[c] + 1]++;
  for (let c = 0; c < n; c++) childStart[c + 1] += childStart[c];
  const at = childStart.slice(0, n);
  const children = new Int32Array(childStart[n]);
  for (let c = 0; c < n; c++) if (parentOf[c] >= 0) children[at[parentOf[c]]++] = c;
  return { parentOf, childStart, children };
}

/** The next constraint to fill up as t rises (at t = headroom / rising), or -1; of several at the same level, the first. */
function firstToFill(headroomA: Float64Array, rising: Int32Array, saturated: Uint8Array): number {
  let lowest = Infinity;
  let first = -1;
  for (let c = 0; c < headroomA.length; c++) {
    if (saturated[c] || rising[c] <= 0) continue;
    const level = headroomA[c] / rising[c];
    if (level < lowest) { lowest = level; first = c; }
  }
  return first;
}

/** The groups that list each constraint, compressed: groups[start[c] .. start[c + 1]). */
function groupsByConstraint(first: Int32Array, conStart: Int32Array, conList: Int32Array, constraintCount: number): { start: Int32Array; groups: Int32Array } {
  const start = new Int32Array(constraintCount + 1);
  for (const i of first) if (i >= 0) for (let j = conStart[i]; j < conStart[i + 1]; j++) start[conList[j] + 1]++;
  for (let c = 0; c < constraintCount; c++) start[c + 1] += start[c];
  const at = start.slice(0, constraintCount);
  const groups = new Int32Array(start[constraintCount]);
  for (let g = 0; g < first.length; g++) {
    if (first[g] >= 0) for (let j = conStart[first[g]]; j < conStart[first[g] + 1]; j++) groups[at[conList[j]]++] = g;
  }
  return { start, groups };
}

/** The participants sorted by index (a mark and a sweep: they are distinct indexes below size). */
function inIndexOrder(participants: ArrayLike<number>, size: number): ArrayLike<number> {
  let sorted = true;
  for (let k = 1; k < participants.length && sorted; k++) sorted = participants[k - 1] < participants[k];
  if (sorted) return participants;
  const marked = new Uint8Array(size);
  for (let k = 0; k < participants.length; k++) marked[participants[k]] = 1;
  const list = new Int32Array(participants.length);
  let at = 0;
  for (let i = 0; i < size; i++) if (marked[i]) list[at++] = i;
  return list;
}

/** The events ordered by key (at most maxKey): a counting sort, since keys are small grid integers. */
function sortByKey(key: Int32Array, what: Int32Array, maxKey: number): { key: Int32Array; what: Int32Array } {
  const count = key.length;
  const sorted = { key: new Int32Array(count), what: new Int32Array(count) };
  if (maxKey > 8 * count + 100_000) {
    // Absurd ratings (thousands of amperes): a comparison sort keeps memory bounded.
    const order = Array.from({ length: count }, (_, e) => e).sort((a, b) => key[a] - key[b]);
    order.forEach((e, at) => { sorted.key[at] = key[e]; sorted.what[at] = what[e]; });
    return sorted;
  }
  const start = new Int32Array(maxKey + 2);
  for (let e = 0; e < count; e++) start[key[e] + 1]++;
  for (let k = 0; k <= maxKey; k++) start[k + 1] += start[k];
  for (let e = 0; e < count; e++) {
    const at = start[key[e]]++;
    sorted.key[at] = key[e];
    sorted.what[at] = what[e];
  }
  return sorted;
}
