// D8: what every connector's station has acknowledged (failsafe and live profiles, see
// docs/charging-profiles.md), and so the most it may let a car draw now. The provisioner and the
// dispatcher record each send and its answer here; the snapshot and the dispatcher's check before
// a raise read the bound. Nothing is assumed: a send counts from the moment it leaves until it is
// refused or replaced, a reboot may have kept or lost anything, and a connector never seen since
// Fuseguard started may hold anything (its maximum).
import {
  EMPTY_SLOT, heldLeastPhaseCount, heldLimitOverA, heldLowerLimitA, heldPhaseCountOver, NONE, sitePhases, type PhaseIndex, type PhaseWiring, slotAnswered, slotExactly, slotExpired, slotMayHaveLost, slotSent, slotSurelyHolds, UNKNOWN, UNKNOWN_SLOT,
  type HeldKnowledge, type PossibleProfile, type SendOutcome,
} from '../domain/index.js';
import type { CommandResult, CommandAction } from '../ocpp/command-sender.js';
import { liveEndAt } from './charging-profiles.js';
import type { ConnectorRuntime } from './site-state.js';

export type ProfileSlot = 'failsafe' | 'live';

/** A DC connector never seen: no failsafe (D6), any live profile. */
const DC_UNKNOWN: HeldKnowledge = { failsafe: EMPTY_SLOT, live: UNKNOWN_SLOT };
export type CountSpan = 'now' | 'live-end' | 'always';

/**
 * What the bounds of a connector's knowledge come to, kept while nothing they depend on moves:
 * every round reads them for every connector (issue 15: a round must not redo the whole site's
 * profile arithmetic). Valid for the same knowledge object (they are replaced, never changed), the
 * same maximum, wiring and live duration, and station-clock instants in [fromAt, untilAt): until
 * the next end of a profile it may hold, and the next boundary of the live profiles' grid (liveEndAt).
 * Each bound is computed on first use.
 */
export class HeldView {
  private readonly limitA: Record<CountSpan | 'lower', number | undefined> = { now: undefined, 'live-end': undefined, always: undefined, lower: undefined };
  private readonly phases: Record<CountSpan | 'lower', readonly PhaseIndex[] | undefined> = { now: undefined, 'live-end': undefined, always: undefined, lower: undefined };
  private live: PossibleProfile | null | undefined;

  constructor(
    readonly knowledge: HeldKnowledge, readonly maxA: number, readonly wiring: PhaseWiring, readonly liveDurationS: number,
    readonly fromAt: number, readonly untilAt: number,
  ) {}

  /** See HeldProfiles.countedA. */
  countedA(span: CountSpan): number {
    return this.limitA[span] ??= heldLimitOverA(this.knowledge, this.maxA, this.fromAt, spanMs(this.fromAt, span, this.liveDurationS));
  }

  /** See HeldProfiles.countedPhases. */
  countedPhases(span: CountSpan): readonly PhaseIndex[] {
    let phases = this.phases[span];
    if (phases === undefined) {
      const wired = sitePhases(this.wiring);
      const count = heldPhaseCountOver(this.knowledge, wired.length, this.fromAt, spanMs(this.fromAt, span, this.liveDurationS));
      phases = this.phases[span] = count >= wired.length ? wired : wired.slice(0, count);
    }
    return phases;
  }

  /** See HeldProfiles.lowerA. */
  lowerA(): number {
    return this.limitA.lower ??= heldLowerLimitA(this.knowledge, this.maxA, this.fromAt);
  }

  /** See HeldProfiles.lowerPhases. */
  lowerPhases(): readonly PhaseIndex[] {
    let phases = this.phases.lower;
    if (phases === undefined) {
      const wired = sitePhases(this.wiring);
      phases = this.phases.lower = wired.slice(0, heldLeastPhaseCount(this.knowledge, wired.length, this.fromAt));
    }
    return phases;
  }

  /** See HeldProfiles.validLive. */
  validLive(): PossibleProfile | undefined {
    if (this.live === undefined) {
      const exact = slotExactly(this.knowledge.live);
      this.live = exact === undefined || exact === NONE || !(exact.validToAt === null || exact.validToAt > this.fromAt) ? null : exact;
    }
    return this.live ?? undefined;
  }
}

/** Per connector: what its station may hold, and the view of it last computed. */
export interface HeldEntry {
  knowledge: HeldKnowledge;
  view: HeldView | null;
}

export class HeldProfiles {
  private readonly byKey = new Map<string, HeldEntry>();
  private nextSendId = 1;
  /** Called whenever a connector's knowledge changes (the snapshot reads it again). */
  onChange: (runtime: ConnectorRuntime) => void = () => undefined;

  /**
   * `stationNow`: the station's clock (U3), on which live profiles end. `storeFailsafe` keeps the
   * failsafe each connector surely holds (null: not known) over a restart of Fuseguard.
   */
  constructor(
    private readonly stationNow: (stationId: string) => number,
    private readonly storeFailsafe: (runtime: ConnectorRuntime, failsafeA: number | null) => void = () => undefined,
  ) {}

  /**
   * After a restart: the connector's station held `failsafeA` (stored), and whatever live profile
   * Fuseguard sent before it stopped, which has run out by `liveEndsAt` at the latest.
   */
  restore(runtime: ConnectorRuntime, failsafeA: number, liveEndsAt: number): void {
    if (this.byKey.has(runtime.key) || runtime.kind === 'DC') return;
    this.put(runtime, {
      failsafe: { known: [{ limitA: failsafeA, validToAt: null }], pending: [] },
      live: { known: [NONE, { limitA: Infinity, validToAt: liveEndsAt }], pending: [] },
    });
  }

  /** What the connector's station may hold; a DC connector never gets a failsafe (D6). */
  knowledge(runtime: ConnectorRuntime): HeldKnowledge {
    const stored = this.entry(runtime)?.knowledge;
    if (stored) return stored;
    return runtime.kind === 'DC' ? DC_UNKNOWN : UNKNOWN;
  }

  /** The most the connector may draw now, A per phase (D8). */
  boundA(runtime: ConnectorRuntime): number {
    return this.view(runtime, 0).countedA('now');
  }

  /**
   * The most the connector may draw over a span (D8), and on which phases: `now`; until the end of
   * the live profiles sent now (`live-end`, see liveEndAt: should its station drop, a live profile
   * of its that ends sooner leaves its failsafe next to those); or `always`, for a connector that
   * cannot be commanded (offline, not provisioned): its live profile will end and its failsafe apply.
   */
  countedA(runtime: ConnectorRuntime, span: CountSpan, liveDurationS: number): number {
    return this.view(runtime, liveDurationS).countedA(span);
  }

  /** The site phases (first ones of its rotation) on which it may let a car draw, over the same span as countedA. */
  countedPhases(runtime: ConnectorRuntime, span: CountSpan, liveDurationS: number): readonly PhaseIndex[] {
    return this.view(runtime, liveDurationS).countedPhases(span);
  }

  /** The least it may be held to now: a profile of that value never raises what it may draw. */
  lowerA(runtime: ConnectorRuntime): number {
    return this.view(runtime, 0).lowerA();
  }

  /** The site phases (first ones of its rotation) it lets a car use in every state it may be in now. */
  lowerPhases(runtime: ConnectorRuntime): readonly PhaseIndex[] {
    return this.view(runtime, 0).lowerPhases();
  }

  /**
   * The connector's bounds now (see HeldView): the one computed before while it holds, else anew.
   * `liveDurationS` 0: any (for the bounds that do not depend on it).
   */
  view(runtime: ConnectorRuntime, liveDurationS: number): HeldView {
    const at = this.stationNow(runtime.stationId);
    const entry = this.entry(runtime);
    const cached = entry?.view;
    if (cached && at >= cached.fromAt && at < cached.untilAt && cached.knowledge === entry.knowledge
      && cached.maxA === runtime.maxCurrentA && cached.wiring === runtime.wiring && (cached.liveDurationS === liveDurationS || liveDurationS === 0)) return cached;
    const knowledge = this.pruned(runtime, at);
    const view = new HeldView(knowledge, runtime.maxCurrentA, runtime.wiring, liveDurationS, at, validUntil(knowledge, at, liveDurationS));
    // Kept where the connector has an entry (one never seen has none, and pruning makes none).
    if (entry) entry.view = view;
    return view;
  }

  /** The connector's entry: kept on its runtime too, which spares a lookup in a large map per use. */
  private entry(runtime: ConnectorRuntime): HeldEntry | undefined {
    if (runtime.heldEntry) return runtime.heldEntry;
    const entry = this.byKey.get(runtime.key);
    if (entry) runtime.heldEntry = entry;
    return entry;
  }

  /** Records the knowledge (no side effect: see set). */
  private put(runtime: ConnectorRuntime, knowledge: HeldKnowledge): void {
    this.onChange(runtime);
    const entry = this.entry(runtime);
    if (entry) {
      entry.knowledge = knowledge;
      entry.view = null;
      return;
    }
    const created: HeldEntry = { knowledge, view: null };
    this.byKey.set(runtime.key, created);
    runtime.heldEntry = created;
  }

  private pruned(runtime: ConnectorRuntime, at: number): HeldKnowledge {
    const k = this.knowledge(runtime);
    const live = slotExpired(k.live, at);
    if (live === k.live) return k;
    const next = { failsafe: k.failsafe, live };
    this.put(runtime, next);
    return next;
  }

  /** A profile leaves for the station: it may hold it from now on. Returns the send's id. */
  sent(runtime: ConnectorRuntime, slot: ProfileSlot, profile: PossibleProfile): number {
    const sendId = this.nextSendId++;
    const k = this.knowledge(runtime);
    this.set(runtime, { ...k, [slot]: slotSent(k[slot], sendId, profile) });
    return sendId;
  }

  answered(runtime: ConnectorRuntime, slot: ProfileSlot, sendId: number, outcome: SendOutcome): void {
    const k = this.knowledge(runtime);
    this.set(runtime, { ...k, [slot]: slotAnswered(k[slot], sendId, outcome) });
  }

  /** A boot (D8): the station may have kept what it held, or lost it. */
  mayHaveLost(runtime: ConnectorRuntime): void {
    const k = this.knowledge(runtime);
    this.set(runtime, { failsafe: slotMayHaveLost(k.failsafe), live: slotMayHaveLost(k.live) });
  }

  /** Records the knowledge; a change of what the failsafe slot may hold is stored (its highest value, or null). */
  private set(runtime: ConnectorRuntime, next: HeldKnowledge): void {
    const before = this.entry(runtime)?.knowledge;
    this.put(runtime, next);
    if (runtime.kind === 'DC' || before?.failsafe === next.failsafe) return;
    const was = before ? failsafeUpperA(before) : undefined;
    const now = failsafeUpperA(next);
    if (was !== now) this.storeFailsafe(runtime, now);
  }

  /** Whether a failsafe profile is surely in place under the live one (D5). */
  failsafeHeld(runtime: ConnectorRuntime): boolean {
    return runtime.kind === 'DC' || slotSurelyHolds(this.knowledge(runtime).failsafe);
  }

  /** The limit of the profile a slot surely holds; null: surely none; undefined: not known exactly. */
  exactlyA(runtime: ConnectorRuntime, slot: ProfileSlot): number | null | undefined {
    const exact = slotExactly(this.knowledge(runtime)[slot]);
    if (exact === undefined) return undefined;
    return exact === NONE ? null : exact.limitA;
  }

  /** The live profile it surely holds and that is still valid, with its end (station clock). */
  validLive(runtime: ConnectorRuntime): PossibleProfile | undefined {
    return this.view(runtime, 0).validLive();
  }

}

/** The span's length from `at` (see countedA). */
function spanMs(at: number, span: CountSpan, liveDurationS: number): number {
  if (span === 'always') return Infinity;
  if (span === 'now') return 0;
  // Just before that end: a profile valid up to it holds over the whole span.
  return Math.max(0, liveEndAt(at, liveDurationS) - at - 1);
}

/**
 * Until when (station clock) the bounds of `knowledge` computed at `at` hold: the next end of a
 * profile it may hold, and the next boundary of the live profiles' grid (the 'live-end' span ends
 * on it: liveEndAt moves there).
 */
function validUntil(knowledge: HeldKnowledge, at: number, liveDurationS: number): number {
  const halfMs = (liveDurationS * 1000) / 2;
  let untilAt = halfMs > 0 ? (Math.floor(at / halfMs) + 1) * halfMs : Infinity;
  for (const slot of [knowledge.failsafe, knowledge.live]) {
    for (const p of slot.known) if (p !== NONE && p.validToAt !== null && p.validToAt > at) untilAt = Math.min(untilAt, p.validToAt);
    for (const { profile } of slot.pending) if (profile.validToAt !== null && profile.validToAt > at) untilAt = Math.min(untilAt, profile.validToAt);
  }
  return untilAt;
}

/** The highest failsafe the station may hold, when it surely holds one of ours; else null. */
function failsafeUpperA(k: HeldKnowledge): number | null {
  if (!slotSurelyHolds(k.failsafe)) return null;
  let highestA = -Infinity;
  for (const p of k.failsafe.known) if (p !== NONE) highestA = Math.max(highestA, p.limitA);
  for (const p of k.failsafe.pending) highestA = Math.max(highestA, p.profile.limitA);
  return highestA;
}

/**
 * What a command's result says about a profile: installed, surely not installed (refused, a
 * CALLERROR, never sent), or unclear (no answer, link lost mid-call).
 */
export function profileOutcome(result: CommandResult<CommandAction>): SendOutcome {
  if (result.ok) return (result.response as { status?: string }).status === 'Accepted' ? 'accepted' : 'refused';
  return result.notSent || result.callError !== undefined ? 'refused' : 'unclear';
}
