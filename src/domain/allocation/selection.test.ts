import { describe, expect, it } from 'vitest';
import { rankKeys, rankOrder, selectServed, setRank, TIER_DUE, TIER_PROTECTED, TIER_RUNNING, TIER_WAITING } from './selection.js';

interface Entry { id: string; vip?: boolean; tier?: number; suspendedSince?: number; energyWh?: number; startedAt?: number }

function sortIds(list: Entry[], priority: 'energy' | 'duration'): string[] {
  const keys = rankKeys(list.length, list);
  list.forEach((e, i) => setRank(keys, i, e.vip ?? false, e.tier ?? TIER_PROTECTED, e.suspendedSince ?? 0, e.energyWh ?? 0, e.startedAt ?? 0, priority));
  return [...rankOrder(keys, Int32Array.from(list.keys()))].map((i) => list[i].id);
}

describe('priority order (A4, A5, A6)', () => {
  it('energy: least energy first; duration: latest start first; VIP before all', () => {
    const list = [{ id: 'a', energyWh: 500, startedAt: 100 }, { id: 'b', energyWh: 100, startedAt: 50 }, { id: 'c', energyWh: 900, startedAt: 200 }, { id: 'v', vip: true, energyWh: 9999 }];
    expect(sortIds(list, 'energy')).toEqual(['v', 'b', 'a', 'c']);
    expect(sortIds(list, 'duration')).toEqual(['v', 'c', 'a', 'b']);
  });

  it('rotation tiers: fresh turns, then due vehicles by waiting time, then the long-running, then the waiting', () => {
    const list = [
      { id: 'waiting', tier: TIER_WAITING }, { id: 'running', tier: TIER_RUNNING },
      { id: 'due-late', tier: TIER_DUE, suspendedSince: 20 }, { id: 'due-early', tier: TIER_DUE, suspendedSince: 10, energyWh: 99 },
      { id: 'fresh', tier: TIER_PROTECTED, energyWh: 5000 },
    ];
    expect(sortIds(list, 'energy')).toEqual(['fresh', 'due-early', 'due-late', 'running', 'waiting']);
  });

  it('is total: ties broken by id', () => {
    expect(sortIds([{ id: 'b' }, { id: 'a' }], 'energy')).toEqual(['a', 'b']);
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
