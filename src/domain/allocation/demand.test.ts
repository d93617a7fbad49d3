import { describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS } from '../settings.js';
import type { ConnectorState, DemandState } from '../snapshot.js';
import { decideDemand, type DemandInput } from './demand.js';

const wired = [0, 1, 2] as const;
const input = (prev: ConnectorState | undefined, draw: number[] | null, now: number, extra: Partial<DemandInput> = {}): DemandInput => ({
  prev, draw, drawAt: 0, wired, canFreePhases: true, minA: 6, maxA: 32, now, settings: DEFAULT_SETTINGS, ...extra,
});
const served = (lastA: number, demand: DemandState = {}, extra: Partial<ConnectorState> = {}): ConnectorState => ({ connectorId: 'a/1', sessionStartedAt: 0, lastA, demand, ...extra });

describe('demand awareness (A7)', () => {
  it('caps at draw + margin only after a minute of clearly lower draw', () => {
    const first = decideDemand(input(served(32), [16, 16, 16], 1000));
    expect(first?.capA).toBeUndefined();
    expect(first?.state.lowDrawSince).toBe(1000);
    const later = decideDemand(input(served(32, first?.state ?? {}), [16, 16, 16], 61_000));
    expect(later?.capA).toBe(18);
    expect(later?.state).toMatchObject({ demandCapA: 18, cappedAt: 61_000 });
  });

  it('does nothing without a fresh measurement, when the draw is close to the offer, or while suspended', () => {
    expect(decideDemand(input(served(32), null, 0))).toBeNull();
    expect(decideDemand(input(served(32, { lowDrawSince: 0 }), [31, 31, 31], 100_000))).toBeNull();
    expect(decideDemand(input(served(0, {}, { suspendedSince: 0 }), [0, 0, 0], 100_000))).toBeNull();
  });

  it('never caps below the minimum nor above the maximum', () => {
    expect(decideDemand(input(served(32, { lowDrawSince: 0 }), [0, 0, 0], 60_000))?.capA).toBe(6);
  });

  it('lifts the cap when the car draws up to it, and probes after the probe period', () => {
    const capped = served(18, { demandCapA: 18, cappedAt: 0 });
    expect(decideDemand(input(capped, [17.5, 17.5, 17.5], 1000))).toBeNull();
    const probe = decideDemand(input(capped, [16, 16, 16], 600_000));
    expect(probe).toMatchObject({ capA: undefined, probing: true, state: { probeUntil: 720_000 } });
    const during = decideDemand(input(served(21, probe?.state ?? {}), [16, 16, 16], 700_000));
    expect(during?.probing).toBe(true);
    const after = decideDemand(input(served(21, probe?.state ?? {}), [16, 16, 16], 720_000));
    expect(after).toMatchObject({ capA: 18, probing: false, state: { cappedAt: 720_000 } });
  });

  it('frees phases unused for a minute and restores them at once when used', () => {
    const seen = decideDemand(input(served(16), [16, 0.2, 0], 0));
    expect(seen?.phases).toEqual([0, 1, 2]);
    const freed = decideDemand(input(served(16, seen?.state ?? {}), [16, 0.2, 0], 60_000));
    expect(freed?.phases).toEqual([0]);
    expect(freed?.state.phasesUsed).toEqual(['L1']);
    expect(decideDemand(input(served(16, freed?.state ?? {}), [16, 0, 0], 70_000))?.phases).toEqual([0]);
    expect(decideDemand(input(served(16, freed?.state ?? {}), [16, 5, 5], 80_000))).toBeNull();
  });

  it('frees no phase on single-phase or DC connectors', () => {
    expect(decideDemand(input(served(16, { phaseCandidate: ['L1'], phaseCandidateSince: 0 }), [16, 0, 0], 60_000, { canFreePhases: false }))).toBeNull();
  });
});
