// Demand awareness (A7): a car that keeps drawing clearly less than its offer is capped at its
// draw plus a margin, and probed back up now and then; phases it does not use are freed.

import { ceilToGrid } from '../connector/bounds.js';
import { PHASES, phaseIndex, type Phase, type PhaseIndex } from '../phases.js';
import type { AllocationSettings } from '../settings.js';
import type { ConnectorState } from '../snapshot.js';

/** A phase carrying less than this is not in use. */
const PHASE_IN_USE_A = 1;
/** A capped car drawing within this of its cap wants more: lift the cap. */
const LIFT_BELOW_CAP_A = 1;

export type DemandState = Pick<ConnectorState,
  'lowDrawSince' | 'demandCapA' | 'cappedAt' | 'probeUntil' | 'phaseCandidate' | 'phaseCandidateSince' | 'phasesUsed'>;

export interface DemandInput {
  prev: ConnectorState | undefined;
  /** Fresh draw per site phase, or null. */
  draw: readonly number[] | null;
  wired: readonly PhaseIndex[];
  /** AC three-phase connectors may have phases freed. */
  canFreePhases: boolean;
  minA: number;
  maxA: number;
  now: number;
  settings: AllocationSettings;
}

export interface DemandDecision {
  /** Cap on the connector's maximum, or undefined. */
  capA: number | undefined;
  /** Phases to count the setpoint on. */
  phases: readonly PhaseIndex[];
  probing: boolean;
  /** The largest fresh draw over the counted phases. */
  measuredA: number | undefined;
  state: DemandState;
}

export function decideDemand(input: DemandInput): DemandDecision {
  const { prev, draw, wired, now, settings } = input;
  const offerA = prev && prev.suspendedSince === undefined ? prev.lastA : 0;
  if (!settings.demandEnabled || draw === null || offerA <= 0) {
    // No information, or not charging last time: no cap, every wired phase.
    return { capA: undefined, phases: wired, probing: false, measuredA: undefined, state: {} };
  }
  const state: DemandState = {};
  let probing = prev?.probeUntil !== undefined && now < prev.probeUntil;
  if (probing) state.probeUntil = prev?.probeUntil;

  const phases = probing ? wired : decidePhases(input, state);
  const measuredA = Math.max(...phases.map((p) => draw[p]));
  const low = measuredA < offerA - settings.demandThresholdA;
  const capFor = (drawA: number): number =>
    Math.min(input.maxA, Math.max(input.minA, ceilToGrid(drawA + settings.demandMarginA)));

  const probeEnded = prev?.probeUntil !== undefined && now >= prev.probeUntil;
  let capA: number | undefined;
  if (probing) {
    capA = undefined;
  } else if (probeEnded) {
    // The probe offered more; if the car still did not take it, cap again at once.
    if (low) { capA = capFor(measuredA); state.cappedAt = now; }
  } else if (prev?.demandCapA !== undefined && prev.cappedAt !== undefined) {
    if (measuredA >= prev.demandCapA - LIFT_BELOW_CAP_A) {
      capA = undefined;
    } else if (now - prev.cappedAt >= settings.demandProbePeriodMs) {
      probing = true;
      state.probeUntil = now + settings.demandProbeDurationMs;
    } else {
      const lower = capFor(measuredA);
      // Follow the draw down only by clear steps, so that noise does not move the setpoint.
      capA = lower <= prev.demandCapA - settings.demandThresholdA ? lower : prev.demandCapA;
      state.cappedAt = prev.cappedAt;
    }
  } else if (low) {
    const since = prev?.lowDrawSince ?? now;
    if (now - since >= settings.demandDetectMs) {
      capA = capFor(measuredA);
      state.cappedAt = now;
    } else {
      state.lowDrawSince = since;
    }
  }
  if (capA !== undefined) state.demandCapA = capA;
  return { capA, phases: probing ? wired : phases, probing, measuredA, state };
}

/** Frees wired phases that the car has not used for demandDetectMs; any use restores them at once. */
function decidePhases(input: DemandInput, state: DemandState): readonly PhaseIndex[] {
  const { prev, draw, wired, now, settings } = input;
  if (!input.canFreePhases || draw === null) return wired;
  const used = wired.filter((p) => draw[p] >= PHASE_IN_USE_A);
  if (used.length === 0 || used.length === wired.length) return wired;
  const usedNames = used.map((p) => PHASES[p]);
  if (prev?.phasesUsed && samePhases(prev.phasesUsed, usedNames)) {
    state.phasesUsed = prev.phasesUsed;
    return used;
  }
  if (prev?.phaseCandidate && prev.phaseCandidateSince !== undefined && samePhases(prev.phaseCandidate, usedNames)) {
    if (now - prev.phaseCandidateSince >= settings.demandDetectMs) {
      state.phasesUsed = usedNames;
      return used;
    }
    state.phaseCandidate = prev.phaseCandidate;
    state.phaseCandidateSince = prev.phaseCandidateSince;
    return wired;
  }
  state.phaseCandidate = usedNames;
  state.phaseCandidateSince = now;
  return wired;
}

function samePhases(a: readonly Phase[], b: readonly Phase[]): boolean {
  return a.length === b.length && a.every((p, i) => phaseIndex(p) === phaseIndex(b[i]));
}
