// Phases and phase wiring (spec Z4). Index 0, 1, 2 stand for the site's L1, L2, L3.

export type Phase = 'L1' | 'L2' | 'L3';
export type PhaseIndex = 0 | 1 | 2;
export type PhaseWiring = 'L1L2L3' | 'L2L3L1' | 'L3L1L2' | 'L1' | 'L2' | 'L3';
/** A value per site phase: [L1, L2, L3]. */
export type PerPhase = readonly [number, number, number];

export const PHASES: readonly Phase[] = ['L1', 'L2', 'L3'];
export const PHASE_WIRINGS: readonly PhaseWiring[] = ['L1L2L3', 'L2L3L1', 'L3L1L2', 'L1', 'L2', 'L3'];
export const DEFAULT_WIRING: PhaseWiring = 'L1L2L3';

// Element k is the site phase that the connector's own phase k+1 is wired to.
const SITE_PHASES: Readonly<Record<PhaseWiring, readonly PhaseIndex[]>> = {
  L1L2L3: [0, 1, 2],
  L2L3L1: [1, 2, 0],
  L3L1L2: [2, 0, 1],
  L1: [0],
  L2: [1],
  L3: [2],
};

/** The site phases a connector loads; element k is what the car calls its phase k+1 (Z4). */
export function sitePhases(wiring: PhaseWiring): readonly PhaseIndex[] {
  switch (wiring) {
    case 'L1L2L3': return SITE_PHASES.L1L2L3;
    case 'L2L3L1': return SITE_PHASES.L2L3L1;
    case 'L3L1L2': return SITE_PHASES.L3L1L2;
    case 'L1': return SITE_PHASES.L1;
    case 'L2': return SITE_PHASES.L2;
    case 'L3': return SITE_PHASES.L3;
    // Wirings are validated where they enter; anything else counts on every phase, the safe side.
    default: return SITE_PHASES.L1L2L3;
  }
}

export function isThreePhase(wiring: PhaseWiring): boolean {
  return wiring.length === 6;
}

export function isPhaseWiring(value: unknown): value is PhaseWiring {
  return typeof value === 'string' && (PHASE_WIRINGS as readonly string[]).includes(value);
}

export function phaseName(index: PhaseIndex): Phase {
  return PHASES[index];
}

export function phaseIndex(phase: Phase): PhaseIndex {
  return phase === 'L1' ? 0 : phase === 'L2' ? 1 : 2;
}
