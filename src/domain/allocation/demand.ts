// Demand awareness (A7): a car that keeps drawing clearly less than its offer is capped at its
// draw plus a margin, and probed back up now and then; phases it does not use are freed.

import { ceilToGrid } from '../connector/bounds.js';
import { PHASES, phaseIndex, type Phase, type PhaseIndex } from '../phases.js';
import type { AllocationSettings } from '../settings.js';
import type { ConnectorState, DemandState } from '../snapshot.js';

/** A phase carrying less than this is not in use. */
export const PHASE_IN_USE_A = 1;
/** A capped car drawing within this of its cap wants more: lift the cap. */
const LIFT_BELOW_CAP_A = 1;

export interface DemandInput {
  prev: ConnectorState | undefined;
  /** Fresh draw per site phase at draw[drawAt .. drawAt + 2], or null. */
  draw: ArrayLike<number> | null;
  drawAt: number;
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
  measuredA: number;
  state: DemandState;
}

interface PhaseDecision {
  phases: readonly PhaseIndex[];
  candidate?: readonly Phase[];
  candidateSince?: number;
  used?: readonly Phase[];
}

/** null: nothing to apply (no cap, every wired phase, nothing to remember), the common case. */
export function decideDemand(input: DemandInput): DemandDecision | null {
  const { prev, draw, drawAt, wired, now, settings } = input;
  const offerA = prev && prev.suspendedSince === undefined ? prev.lastA : 0;
  // No information, or not charging last time.
  if (!settings.demandEnabled || draw === null || offerA <= 0) return null;
  const was = prev?.demand;
  let probeUntil = was?.probeUntil !== undefined && now < was.probeUntil ? was.probeUntil : undefined;
  let probing = probeUntil !== undefined;

  const phaseDecision = probing ? null : decidePhases(input);
  const phases = phaseDecision ? phaseDecision.phases : wired;
  let measuredA = 0;
  for (const p of phases) if (draw[drawAt + p] > measuredA) measuredA = draw[drawAt + p];
  const low = measuredA < offerA - settings.demandThresholdA;

  const probeEnded = was?.probeUntil !== undefined && now >= was.probeUntil;
  let capA: number | undefined;
  let cappedAt: number | undefined;
  let lowDrawSince: number | undefined;
  if (probing) {
    capA = undefined;
  } else if (probeEnded) {
    // The probe offered more; if the car still did not take it, cap again at once.
    if (low) { capA = capFor(measuredA, input); cappedAt = now; }
  } else if (was?.demandCapA !== undefined && was.cappedAt !== undefined) {
    if (measuredA >= was.demandCapA - LIFT_BELOW_CAP_A) {
      capA = undefined;
    } else if (now - was.cappedAt >= settings.demandProbePeriodMs) {
      probing = true;
      probeUntil = now + settings.demandProbeDurationMs;
    } else {
      const lower = capFor(measuredA, input);
      // Follow the draw down only by clear steps, so that noise does not move the setpoint.
      capA = lower <= was.demandCapA - settings.demandThresholdA ? lower : was.demandCapA;
      cappedAt = was.cappedAt;
    }
  } else if (low) {
    const since = was?.lowDrawSince ?? now;
    if (now - since >= settings.demandDetectMs) {
      capA = capFor(measuredA, input);
      cappedAt = now;
    } else {
      lowDrawSince = since;
    }
  }
  if (capA === undefined && !probing && lowDrawSince === undefined && phaseDecision === null) return null;
  const phaseCandidate = phaseDecision?.candidate;
  const phaseCandidateSince = phaseDecision?.candidateSince;
  const phasesUsed = phaseDecision?.used;
  // Unchanged: keep the previous object, so that the connector's state can be kept as it is.
  const same = was !== undefined && was.lowDrawSince === lowDrawSince && was.demandCapA === capA && was.cappedAt === cappedAt
    && was.probeUntil === probeUntil && was.phaseCandidate === phaseCandidate && was.phaseCandidateSince === phaseCandidateSince
    && was.phasesUsed === phasesUsed;
  const state: DemandState = same ? was : {
    lowDrawSince, demandCapA: capA, cappedAt, probeUntil, phaseCandidate, phaseCandidateSince, phasesUsed,
  };
  return { capA, phases: probing ? wired : phases, probing, measuredA, state };
}

/** Draw plus the margin, within [min, max], on the 0.1 A grid. */
function capFor(drawA: number, input: DemandInput): number {
  return Math.min(input.maxA, Math.max(input.minA, ceilToGrid(drawA + input.settings.demandMarginA)));
}

/**
 * Frees wired phases that the car has not used for demandDetectMs; any use restores them at once.
 * null: every wired phase, nothing to remember.
 */
function decidePhases(input: DemandInput): PhaseDecision | null {
  const { prev, draw, drawAt, wired, now, settings } = input;
  if (!input.canFreePhases || draw === null) return null;
  let usedMask = 0;
  for (const p of wired) if (draw[drawAt + p] >= PHASE_IN_USE_A) usedMask |= 1 << p;
  const usedCount = (usedMask & 1) + ((usedMask >> 1) & 1) + (usedMask >> 2);
  if (usedCount === 0 || usedCount === wired.length) return null;
  const used = USED_PHASES[wired[0]][usedMask];
  const usedNames = USED_NAMES[wired[0]][usedMask];
  const was = prev?.demand;
  if (was?.phasesUsed && samePhases(was.phasesUsed, usedNames)) return { phases: used, used: was.phasesUsed };
  if (was?.phaseCandidate && was.phaseCandidateSince !== undefined && samePhases(was.phaseCandidate, usedNames)) {
    if (now - was.phaseCandidateSince >= settings.demandDetectMs) return { phases: used, used: usedNames };
    return { phases: wired, candidate: was.phaseCandidate, candidateSince: was.phaseCandidateSince };
  }
  return { phases: wired, candidate: usedNames, candidateSince: now };
}

function samePhases(a: readonly Phase[], b: readonly Phase[]): boolean {
  return a === b || (a.length === b.length && a.every((p, i) => phaseIndex(p) === phaseIndex(b[i])));
}

/**
 * USED_PHASES[first][mask]: the phases of the three-phase rotation that starts at site phase
 * `first` which are in mask (bit p = site phase p), in wiring order; USED_NAMES the same by name.
 * Shared and read-only, so deciding allocates nothing and an unchanged state stays the same object.
 */
const USED_PHASES: readonly (readonly (readonly PhaseIndex[])[])[] = ([0, 1, 2] as const).map((first) => {
  const rotation = [first, (first + 1) % 3, (first + 2) % 3] as PhaseIndex[];
  return Array.from({ length: 8 }, (_, mask) => rotation.filter((p) => (mask >> p) & 1));
});
// The names go into the state, handed out to the caller: frozen, so that no one can change the table.
const USED_NAMES: readonly (readonly (readonly Phase[])[])[] = USED_PHASES.map((byMask) => byMask.map((list) => Object.freeze(list.map((p) => PHASES[p]))));
