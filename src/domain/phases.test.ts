import { describe, expect, it } from 'vitest';
import { isPhaseWiring, isThreePhase, sitePhases } from './phases.js';

describe('phase wiring (Z4)', () => {
  it('maps a car phase 1 to the site phase named first', () => {
    expect(sitePhases('L1L2L3')).toEqual([0, 1, 2]);
    expect(sitePhases('L2L3L1')).toEqual([1, 2, 0]);
    expect(sitePhases('L3L1L2')).toEqual([2, 0, 1]);
    expect(sitePhases('L2')).toEqual([1]);
  });

  it('knows single- from three-phase and rejects unknown wirings', () => {
    expect(isThreePhase('L3L1L2')).toBe(true);
    expect(isThreePhase('L3')).toBe(false);
    expect(isPhaseWiring('L1L3L2')).toBe(false);
    expect(isPhaseWiring('L1')).toBe(true);
  });
});
