// U3: a step of the reference clock moves the allocator's remembered instants with it.
import { describe, expect, it } from 'vitest';
import type { AllocatorState } from '../snapshot.js';
import { shiftAllocatorState } from './clock-step.js';

describe('allocator state after a clock step (U3)', () => {
  it('moves served/suspended times and demand instants, and keeps session identity', () => {
    const state: AllocatorState = {
      connectors: [
        { connectorId: 'A/1', sessionStartedAt: 1_000, lastA: 16, servedSince: 2_000, demand: { lowDrawSince: 3_000, demandCapA: 10, cappedAt: 4_000, probeUntil: 5_000, phaseCandidateSince: 6_000, phasesUsed: ['L1'] } },
        { connectorId: 'B/1', sessionStartedAt: 7_000, lastA: 0, suspendedSince: 8_000 },
      ],
    };
    const moved = shiftAllocatorState(state, -500);
    expect(moved.connectors[0]).toEqual({
      connectorId: 'A/1', sessionStartedAt: 1_000, lastA: 16, servedSince: 1_500,
      demand: { lowDrawSince: 2_500, demandCapA: 10, cappedAt: 3_500, probeUntil: 4_500, phaseCandidateSince: 5_500, phasesUsed: ['L1'] },
    });
    expect(moved.connectors[1]).toEqual({ connectorId: 'B/1', sessionStartedAt: 7_000, lastA: 0, suspendedSince: 7_500 });
    expect(state.connectors[0].servedSince).toBe(2_000);
    expect('suspendedSince' in moved.connectors[0]).toBe(false);
  });
});
