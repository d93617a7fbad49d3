import { describe, expect, it } from 'vitest';
import type { Setpoint } from '../result.js';
import { planChanges } from './change-plan.js';

const sp = (connectorId: string, currentA: number, extra: Partial<Setpoint> = {}): Setpoint => ({
  connectorId, zone: 'Z', currentA, phases: ['L1', 'L2', 'L3'], minA: 6, maxA: 32, vip: false, controllable: true,
  reason: { code: 'connector-max', maxA: 32 }, ...extra,
});

describe('planChanges (A8)', () => {
  it('puts every reduction (largest cut first) before any increase', () => {
    const plan = planChanges(
      [{ connectorId: 'a', currentA: 32 }, { connectorId: 'b', currentA: 10 }, { connectorId: 'c', currentA: 16 }, { connectorId: 'gone', currentA: 8 }],
      [sp('a', 16), sp('b', 20), sp('c', 14), sp('new', 6), sp('same', 0)],
    );
    expect(plan.reductions.map((s) => `${s.connectorId}:${s.fromA}->${s.toA}`)).toEqual(['a:32->16', 'gone:8->0', 'c:16->14']);
    expect(plan.increases.map((s) => `${s.connectorId}:${s.fromA}->${s.toA}`)).toEqual(['b:10->20', 'new:0->6']);
    expect(plan.unchanged).toBe(1);
  });

  it('skips connectors that cannot be commanded and carries DC watts', () => {
    const plan = planChanges([], [sp('off', 6, { controllable: false }), sp('dc', 60, { powerW: 41_400 })]);
    expect(plan.increases).toEqual([expect.objectContaining({ connectorId: 'dc', toPowerW: 41_400 })]);
  });
});
