// D8: what a connector may draw now, from the charging profiles its station acknowledged, the way
// a compliant OCPP 1.6 station computes its limit: among its TxDefaultProfiles the valid one with
// the highest stack level prevails (the live one above the failsafe), and with none the car draws
// the connector's maximum. Answers can be missing (timeout, link lost, reboot), so each profile
// slot holds every profile the station MAY have installed, and the limit is the highest of them:
// never less than what it holds.

/** A profile that may be installed in a slot: its limit (A per phase) and end on the station's clock (null: none). */
export interface PossibleProfile {
  readonly limitA: number;
  readonly validToAt: number | null;
  /** The phases it lets a car use (OCPP numberPhases); absent: every wired phase. */
  readonly numberPhases?: number;
}

/** A profile sent and not clearly answered yet: the station may have installed it. */
export interface PendingProfile {
  /** Increasing per send (a station takes its requests one at a time, in order). */
  readonly sendId: number;
  readonly profile: PossibleProfile;
}

/**
 * One slot (failsafe or live: one profile id and stack level per connector). `known` lists what it
 * may hold as far as the station last told (NONE: possibly nothing); `pending`, what it may have
 * installed since.
 */
export interface SlotKnowledge {
  readonly known: readonly (PossibleProfile | typeof NONE)[];
  readonly pending: readonly PendingProfile[];
}

export interface HeldKnowledge {
  /** Stack level 0, permanent. */
  readonly failsafe: SlotKnowledge;
  /** Stack level 1, expires at its validTo. */
  readonly live: SlotKnowledge;
}

export const NONE = 'none' as const;
/** Any profile at all (ours from before a restart, someone else's): any limit (Infinity), for ever. */
export const ANY: PossibleProfile = { limitA: Infinity, validToAt: null };
/** Nothing is known: never seen since Fuseguard started. */
export const UNKNOWN_SLOT: SlotKnowledge = { known: [NONE, ANY], pending: [] };
export const UNKNOWN: HeldKnowledge = { failsafe: UNKNOWN_SLOT, live: UNKNOWN_SLOT };
/** Surely empty (a DC connector's failsafe slot: D6, none is ever sent). */
export const EMPTY_SLOT: SlotKnowledge = { known: [NONE], pending: [] };

export type SendOutcome =
  /** Accepted: installed, replacing whatever the slot held and what was sent before. */
  | 'accepted'
  /** Refused (Rejected, a CALLERROR) or never sent: not installed. */
  | 'refused'
  /** No clear answer (timeout, link lost mid-call): it may or may not be installed. */
  | 'unclear';

const isActive = (p: PossibleProfile, at: number): boolean => p.validToAt === null || at < p.validToAt;

/**
 * The most the connector may draw at `at` (station clock), A per phase: over every state the slots
 * may be in, a valid live profile's limit, else the failsafe's, else (nothing) `maxA`.
 */
export function heldLimitA(knowledge: HeldKnowledge, maxA: number, at: number): number {
  const failsafeA = slotBound(knowledge.failsafe, maxA, at, maxA);
  return slotBound(knowledge.live, maxA, at, failsafeA);
}

/**
 * The most the connector may draw at any instant from `at` to `at + horizonMs`: a station that
 * cannot be renewed in time (offline: Infinity) falls from its live profile to its failsafe by
 * itself, which may be higher. Each possible state changes once (its live profile ends), so the
 * two ends of the span tell.
 */
export function heldLimitOverA(knowledge: HeldKnowledge, maxA: number, at: number, horizonMs: number): number {
  const now = heldLimitA(knowledge, maxA, at);
  return horizonMs > 0 ? Math.max(now, heldLimitA(knowledge, maxA, at + horizonMs)) : now;
}

/**
 * How many of its wired phases (`wiredCount`, in its rotation) the connector may let a car use at
 * any instant from `at` to `at + horizonMs`: the most that any profile that may apply allows.
 */
export function heldPhaseCountOver(knowledge: HeldKnowledge, wiredCount: number, at: number, horizonMs: number): number {
  const count = (p: PossibleProfile): number => Math.min(wiredCount, p.numberPhases ?? wiredCount);
  let failsafeCount = 0;
  for (const p of [...knowledge.failsafe.known, ...knowledge.failsafe.pending.map((q) => q.profile)]) {
    failsafeCount = Math.max(failsafeCount, p === NONE || p.limitA === Infinity ? wiredCount : count(p));
  }
  let most = 0;
  for (const p of [...knowledge.live.known, ...knowledge.live.pending.map((q) => q.profile)]) {
    const valid = p !== NONE && isActive(p, at);
    if (valid) most = Math.max(most, p.limitA === Infinity ? wiredCount : count(p));
    if (!valid || !isActive(p, at + horizonMs)) most = Math.max(most, failsafeCount || wiredCount);
  }
  return most || failsafeCount || wiredCount;
}

/**
 * The fewest of its wired phases (`wiredCount`) the connector may let a car use at `at`, over every
 * state it may be in: a profile on more phases than that may raise a phase that one state holds at
 * 0 A. An unknown profile (ANY) may be on one phase.
 */
export function heldLeastPhaseCount(knowledge: HeldKnowledge, wiredCount: number, at: number): number {
  const count = (p: PossibleProfile | typeof NONE): number => (p === NONE ? wiredCount : p === ANY ? 1 : Math.min(wiredCount, p.numberPhases ?? wiredCount));
  const possible = (slot: SlotKnowledge) => [...slot.known, ...slot.pending.map((q) => q.profile)];
  let least = wiredCount;
  let fallsToFailsafe = false;
  for (const p of possible(knowledge.live)) {
    if (p !== NONE && isActive(p, at)) least = Math.min(least, count(p));
    else fallsToFailsafe = true;
  }
  if (fallsToFailsafe) {
    for (const p of possible(knowledge.failsafe)) least = Math.min(least, p !== NONE && !isActive(p, at) ? wiredCount : count(p));
  }
  return least;
}

/**
 * The least the connector may be held to at `at` over every state it may be in: what offering a
 * profile of that value can never raise. An unknown profile (ANY) may be 0 A.
 */
export function heldLowerLimitA(knowledge: HeldKnowledge, maxA: number, at: number): number {
  const failsafeA = slotBound(knowledge.failsafe, maxA, at, maxA, Math.min, 0);
  return slotBound(knowledge.live, maxA, at, failsafeA, Math.min, 0);
}

/** The highest (or, with `pick` = Math.min, lowest) limit a slot may impose at `at`; `belowA` where it may hold nothing valid. */
function slotBound(
  slot: SlotKnowledge, maxA: number, at: number, belowA: number,
  pick: (a: number, b: number) => number = Math.max, anyA = maxA,
): number {
  let boundA: number | undefined;
  const consider = (p: PossibleProfile | typeof NONE): void => {
    const limitA = p !== NONE && isActive(p, at) ? (p.limitA === Infinity ? anyA : Math.min(p.limitA, maxA)) : belowA;
    boundA = boundA === undefined ? limitA : pick(boundA, limitA);
  };
  for (const p of slot.known) consider(p);
  for (const p of slot.pending) consider(p.profile);
  return boundA ?? belowA;
}

/** A send begins: from now on the station may hold it. */
export function slotSent(slot: SlotKnowledge, sendId: number, profile: PossibleProfile): SlotKnowledge {
  return { known: slot.known, pending: [...slot.pending, { sendId, profile }] };
}

/** The answer to a send (see SendOutcome). An accepted one replaces everything sent before it. */
export function slotAnswered(slot: SlotKnowledge, sendId: number, outcome: SendOutcome): SlotKnowledge {
  const sent = slot.pending.find((p) => p.sendId === sendId);
  if (!sent || outcome === 'unclear') return slot;
  if (outcome === 'refused') return { known: slot.known, pending: slot.pending.filter((p) => p !== sent) };
  return { known: [sent.profile], pending: slot.pending.filter((p) => p.sendId > sendId) };
}

/**
 * The station rebooted: it may have kept what it held or lost it (OCPP 1.6 leaves it open), and
 * nothing in flight will be answered.
 */
export function slotMayHaveLost(slot: SlotKnowledge): SlotKnowledge {
  const known = dedupe([NONE, ...slot.known, ...slot.pending.map((p) => p.profile)]);
  return { known, pending: [] };
}

/** Drops what has expired by `at` (it counts as nothing), so that the lists stay short. */
export function slotExpired(slot: SlotKnowledge, at: number): SlotKnowledge {
  const expired = (p: PossibleProfile | typeof NONE) => p !== NONE && !isActive(p, at);
  if (!slot.known.some(expired) && !slot.pending.some((p) => expired(p.profile))) return slot;
  const known = dedupe([...slot.known.map((p) => (expired(p) ? NONE : p)), ...(slot.pending.some((p) => expired(p.profile)) ? [NONE] : [])]);
  return { known, pending: slot.pending.filter((p) => !expired(p.profile)) };
}

/** The one profile the slot surely holds, if known exactly (acknowledged, nothing pending); NONE if surely empty. */
export function slotExactly(slot: SlotKnowledge): PossibleProfile | typeof NONE | undefined {
  return slot.pending.length === 0 && slot.known.length === 1 ? slot.known[0] : undefined;
}

/** Whether the slot surely holds some profile (a failsafe is in place, whichever). */
export function slotSurelyHolds(slot: SlotKnowledge): boolean {
  return !slot.known.includes(NONE) && !slot.known.includes(ANY);
}

function dedupe(list: readonly (PossibleProfile | typeof NONE)[]): (PossibleProfile | typeof NONE)[] {
  const out: (PossibleProfile | typeof NONE)[] = [];
  for (const p of list) {
    if (!out.some((q) => q === p || (q !== NONE && p !== NONE && q.limitA === p.limitA && q.validToAt === p.validToAt && q.numberPhases === p.numberPhases))) out.push(p);
  }
  return out;
}
