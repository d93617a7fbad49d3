// D8: what every connector's station has acknowledged (failsafe and live profiles, see
// docs/charging-profiles.md), and so the most it may let a car draw now. The provisioner and the
// dispatcher record each send and its answer here; the snapshot and the dispatcher's check before
// a raise read the bound. Nothing is assumed: a send counts from the moment it leaves until it is
// refused or replaced, a reboot may have kept or lost anything, and a connector never seen since
// Fuseguard started may hold anything (its maximum).
import {
  EMPTY_SLOT, heldLeastPhaseCount, heldLimitOverA, heldLowerLimitA, heldPhaseCountOver, NONE, sitePhases, type PhaseIndex, slotAnswered, slotExactly, slotExpired, slotMayHaveLost, slotSent, slotSurelyHolds, UNKNOWN, UNKNOWN_SLOT,
  type HeldKnowledge, type PossibleProfile, type SendOutcome,
} from '../domain/index.js';
import type { CommandResult, CommandAction } from '../ocpp/command-sender.js';
import { liveEndAt } from './charging-profiles.js';
import type { ConnectorRuntime } from './site-state.js';

export type ProfileSlot = 'failsafe' | 'live';
export type CountSpan = 'now' | 'live-end' | 'always';

export class HeldProfiles {
  private readonly byKey = new Map<string, HeldKnowledge>();
  private nextSendId = 1;

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
    this.byKey.set(runtime.key, {
      failsafe: { known: [{ limitA: failsafeA, validToAt: null }], pending: [] },
      live: { known: [NONE, { limitA: Infinity, validToAt: liveEndsAt }], pending: [] },
    });
  }

  /** What the connector's station may hold; a DC connector never gets a failsafe (D6). */
  knowledge(runtime: ConnectorRuntime): HeldKnowledge {
    const stored = this.byKey.get(runtime.key);
    if (stored) return stored;
    return runtime.kind === 'DC' ? { failsafe: EMPTY_SLOT, live: UNKNOWN_SLOT } : UNKNOWN;
  }

  /**
   * The most the connector may draw from now to `horizonMs` ahead, A per phase (D8): Infinity for
   * a station that cannot be commanded (its live profile will end, and its failsafe apply).
   */
  boundA(runtime: ConnectorRuntime, horizonMs = 0): number {
    return heldLimitOverA(this.pruned(runtime), runtime.maxCurrentA, this.stationNow(runtime.stationId), horizonMs);
  }

  /**
   * The most the connector may draw over a span (D8), and on which phases: `now`; until the end of
   * the live profiles sent now (`live-end`, see liveEndAt: should its station drop, a live profile
   * of its that ends sooner leaves its failsafe next to those); or `always`, for a connector that
   * cannot be commanded (offline, not provisioned): its live profile will end and its failsafe apply.
   */
  countedA(runtime: ConnectorRuntime, span: CountSpan, liveDurationS: number): number {
    return this.boundA(runtime, this.spanMs(runtime, span, liveDurationS));
  }

  /** The site phases (first ones of its rotation) on which it may let a car draw, over the same span as countedA. */
  countedPhases(runtime: ConnectorRuntime, span: CountSpan, liveDurationS: number): readonly PhaseIndex[] {
    const wired = sitePhases(runtime.wiring);
    const at = this.stationNow(runtime.stationId);
    const count = heldPhaseCountOver(this.pruned(runtime), wired.length, at, this.spanMs(runtime, span, liveDurationS));
    return count >= wired.length ? wired : wired.slice(0, count);
  }

  private spanMs(runtime: ConnectorRuntime, span: CountSpan, liveDurationS: number): number {
    if (span === 'always') return Infinity;
    if (span === 'now') return 0;
    const at = this.stationNow(runtime.stationId);
    // Just before that end: a profile valid up to it holds over the whole span.
    return Math.max(0, liveEndAt(at, liveDurationS) - at - 1);
  }

  /** The least it may be held to now: a profile of that value never raises what it may draw. */
  lowerA(runtime: ConnectorRuntime): number {
    return heldLowerLimitA(this.pruned(runtime), runtime.maxCurrentA, this.stationNow(runtime.stationId));
  }

  /** The site phases (first ones of its rotation) it lets a car use in every state it may be in now. */
  lowerPhases(runtime: ConnectorRuntime): readonly PhaseIndex[] {
    const wired = sitePhases(runtime.wiring);
    return wired.slice(0, heldLeastPhaseCount(this.pruned(runtime), wired.length, this.stationNow(runtime.stationId)));
  }

  private pruned(runtime: ConnectorRuntime): HeldKnowledge {
    const at = this.stationNow(runtime.stationId);
    const k = this.knowledge(runtime);
    const live = slotExpired(k.live, at);
    if (live === k.live) return k;
    const next = { failsafe: k.failsafe, live };
    this.byKey.set(runtime.key, next);
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
    const before = this.byKey.get(runtime.key);
    this.byKey.set(runtime.key, next);
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
    const exact = slotExactly(this.knowledge(runtime).live);
    if (exact === undefined || exact === NONE) return undefined;
    return exact.validToAt === null || exact.validToAt > this.stationNow(runtime.stationId) ? exact : undefined;
  }

  /** The connector left the site. */
  forget(key: string): void {
    this.byKey.delete(key);
  }
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
