import { describe, expect, it } from 'vitest';
import { BOUND_BY_OWN_MAX, waterFill, type FillProblem } from './water-fill.js';

/** Participants with their constraint lists, bounds, and constraint capacities. */
function fill(constraints: number[][], lo: number[], hi: number[], capA: number[]) {
  const conStart = new Int32Array(constraints.length + 1);
  constraints.forEach((c, i) => { conStart[i + 1] = conStart[i] + c.length; });
  const problem: FillProblem = {
    constraintCount: capA.length, conStart, conList: Int32Array.from(constraints.flat()),
    lo: Float64Array.from(lo), hi: Float64Array.from(hi),
  };
  const out = { value: new Float64Array(lo.length), boundBy: new Int32Array(lo.length) };
  waterFill(problem, constraints.map((_, i) => i), Float64Array.from(capA), out);
  return { value: [...out.value].map((v) => Math.round(v * 1e6) / 1e6), boundBy: [...out.boundBy] };
}

describe('waterFill: max-min fair sharing (A4)', () => {
  it('shares equally, and gives what a capped participant leaves to the others', () => {
    expect(fill([[0], [0], [0]], [6, 6, 6], [32, 32, 32], [60])).toEqual({ value: [20, 20, 20], boundBy: [0, 0, 0] });
    expect(fill([[0], [0], [0]], [6, 6, 6], [10, 32, 32], [60])).toEqual({ value: [10, 25, 25], boundBy: [BOUND_BY_OWN_MAX, 0, 0] });
  });

  it('holds a participant at its minimum when the fair share is below it', () => {
    expect(fill([[0], [0], [0]], [6, 6, 10], [32, 32, 32], [24]).value).toEqual([7, 7, 10]);
  });

  it('freezes at the tightest nested constraint, then the rest rises', () => {
    // constraint 0 = parent 63 A; 1 = child 32 A with two participants; participant 2 only in the parent.
    expect(fill([[0, 1], [0, 1], [0]], [6, 6, 6], [32, 32, 32], [63, 32])).toEqual({ value: [16, 16, 31], boundBy: [1, 1, 0] });
  });

  it('handles several phases: a three-phase participant shares each phase it loads', () => {
    // constraints 0, 1, 2 = L1, L2, L3 of one zone; participant 0 is three-phase, 1 on L1, 2 on L2.
    expect(fill([[0, 1, 2], [0], [1]], [6, 6, 6], [32, 32, 32], [16, 20, 16]).value).toEqual([8, 8, 12]);
  });

  it('a participant whose minimum equals its maximum stays there', () => {
    expect(fill([[0], [0]], [10, 6], [10, 32], [50])).toEqual({ value: [10, 32], boundBy: [BOUND_BY_OWN_MAX, BOUND_BY_OWN_MAX] });
  });
});
