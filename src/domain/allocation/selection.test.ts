import { describe, expect, it } from 'vitest';
import { compareRank, selectServed, TIER_DUE, TIER_PROTECTED, TIER_RUNNING, TIER_WAITING, type RankInput } from './selection.js';

const rank = (id: string, extra: Partial<RankInput> = {}): RankInput => ({
  index: 0, id, vip: false, tier: TIER_PROTECTED, suspendedSince: 0, energyWh: 0, startedAt: 0, ...extra,
});
const sortIds = (list: RankInput[], priority: 'energy' | 'duration') => [...list].sort((a, b) => compareRank(a, b, priority)).map((r) => r.id);

describe('priority order (A4, A5, A6)', () => {
  it('energy: least energy first; duration: latest start first; VIP before all', () => {
    const list = [rank('a', { energyWh: 500, startedAt: 100 }), rank('b', { energyWh: 100, startedAt: 50 }), rank('c', { energyWh: 900, startedAt: 200 }), rank('v', { vip: true, energyWh: 9999 })];
    expect(sortIds(list, 'energy')).toEqual(['v', 'b', 'a', 'c']);
    expect(sortIds(list, 'duration')).toEqual(['v', 'c', 'a', 'b']);
  });

  it('rotation tiers: fresh turns, then due vehicles by waiting time, then the long-running, then the waiting', () => {
    const list = [
      rank('waiting', { tier: TIER_WAITING }), rank('running', { tier: TIER_RUNNING }),
      rank('due-late', { tier: TIER_DUE, suspendedSince: 20 }), rank('due-early', { tier: TIER_DUE, suspendedSince: 10, energyWh: 99 }),
      rank('fresh', { tier: TIER_PROTECTED, energyWh: 5000 }),
    ];
    expect(sortIds(list, 'energy')).toEqual(['fresh', 'due-early', 'due-late', 'running', 'waiting']);
  });

  it('is total: ties broken by id', () => {
    expect(sortIds([rank('b'), rank('a')], 'energy')).toEqual(['a', 'b']);
  });
});

describe('selectServed (A5, A8)', () => {
  // Three participants on one constraint of 13 A, minimum 6 A; the third has a 1 A resume margin.
  const conStart = Int32Array.from([0, 1, 2, 3]);
  const conList = Int32Array.from([0, 0, 0]);
  const lo = Float64Array.from([6, 6, 6]);

  it('admits in order while the minimum fits and names where it did not', () => {
    const s = selectServed([0, 1, 2], lo, new Float64Array(3), conStart, conList, Float64Array.from([13]));
    expect([...s.served.slice(0, 3)]).toEqual([1, 1, 0]);
    expect(s.failedAt[2]).toBe(0);
  });

  it('requires the margin for a resume and says when only the margin was missing', () => {
    const s = selectServed([0, 2, 1], lo, Float64Array.from([0, 0, 1]), conStart, conList, Float64Array.from([12.5]));
    expect([...s.served.slice(0, 3)]).toEqual([1, 1, 0]);
    expect(s.marginOnly[2]).toBe(1);
  });
});
