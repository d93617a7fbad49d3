// U3: with the relay on, the CPO's time (from its BootNotification and Heartbeat answers) is the
// reference time. Fuseguard's clock is the system clock plus a correction that follows the CPO,
// so that sessions, events and the time given to stations (and the validity of the charging
// profiles sent to them) all agree with the CPO. A difference under a second is network delay,
// not a wrong clock, and is left alone.
//
// The correction is measured against the system clock, never against the corrected clock: many
// links answer at once, and each answer sets the same absolute correction instead of adding to it.
// A step is announced to the listeners (onStep), so that what holds instants (measurement ages)
// can move them with the clock.
//
// A station takes the time from Fuseguard's BootNotification and Heartbeat answers, so it keeps
// the correction it was last given until its next one. Its charging profiles are stamped on that
// clock (stationNow), never on Fuseguard's newer one: a step never makes a profile look not yet
// valid, or over, at a station that has not heard of it yet (D5).
export const REFERENCE_TOLERANCE_MS = 1_000;

export type ClockStepListener = (stepMs: number) => void;

/** The CPO's time minus the system clock, taking the CPO's `cpoTimeMs` at the middle of the round trip. */
export function cpoOffsetMs(cpoTimeMs: number, sentAtSystemMs: number, receivedAtSystemMs: number): number {
  return cpoTimeMs - (sentAtSystemMs + receivedAtSystemMs) / 2;
}

export class ReferenceClock {
  private correction = 0;
  private readonly listeners = new Set<ClockStepListener>();
  /** The correction each station was last given (its clock is the system clock plus it). */
  private readonly given = new Map<string, number>();
  /** How many stations were last given another correction than the current one (0: stationNow needs no lookup). */
  private behind = 0;

  constructor(readonly systemNow: () => number) {}

  /** The reference time now, in ms since the epoch. */
  readonly now = (): number => this.systemNow() + this.correction;

  /** How far the reference time is from the system clock (ms). */
  get correctionMs(): number {
    return this.correction;
  }

  /**
   * The CPO said it was `cpoTimeMs` in its answer to a call sent at `sentAtSystemMs` and answered
   * at `receivedAtSystemMs` (both on the system clock). The CPO's time is taken at the midpoint.
   * Steps the clock when the reference differs from the CPO's by a second plus half the round
   * trip or more; returns the step (ms), else 0.
   */
  followCpo(cpoTimeMs: number, sentAtSystemMs: number, receivedAtSystemMs: number): number {
    const measured = cpoOffsetMs(cpoTimeMs, sentAtSystemMs, receivedAtSystemMs);
    // The CPO's time was taken anywhere in the round trip: a slow answer is that much less sure,
    // so a busy CPO does not make the clock step back and forth.
    const uncertaintyMs = Math.max(0, receivedAtSystemMs - sentAtSystemMs) / 2;
    if (!Number.isFinite(measured) || Math.abs(measured - this.correction) < REFERENCE_TOLERANCE_MS + uncertaintyMs) return 0;
    return this.setCorrection(Math.round(measured));
  }

  /**
   * The time to give a station now (BootNotification and Heartbeat answers), remembered as its
   * clock. `movedMs`: how far that moves the station's clock from what it was last given (0 the
   * first time, or under the tolerance).
   */
  giveTo(stationId: string): { at: number; movedMs: number } {
    const before = this.given.get(stationId);
    if (before !== undefined && before !== this.correction) this.behind -= 1;
    this.given.set(stationId, this.correction);
    const movedMs = before === undefined ? 0 : this.correction - before;
    return { at: this.now(), movedMs: Math.abs(movedMs) < REFERENCE_TOLERANCE_MS ? 0 : movedMs };
  }

  /** What a station's clock reads now, as far as Fuseguard knows: the time it was last given. */
  stationNow(stationId: string): number {
    // Called for every connector several times a round (issue 15): no lookup while no station lags.
    if (this.behind === 0) return this.systemNow() + this.correction;
    return this.systemNow() + (this.given.get(stationId) ?? this.correction);
  }

  /** Back to the system clock (the relay is off); returns the step. */
  reset(): number {
    return this.setCorrection(0);
  }

  /** Calls `listener` with every step of the clock; returns the unsubscribe. */
  onStep(listener: ClockStepListener): () => void {
    this.listeners.add(listener);
    return () => { this.listeners.delete(listener); };
  }

  private setCorrection(correctionMs: number): number {
    const stepMs = correctionMs - this.correction;
    if (stepMs === 0) return 0;
    this.correction = correctionMs;
    this.behind = 0;
    for (const given of this.given.values()) if (given !== correctionMs) this.behind += 1;
    for (const listener of this.listeners) listener(stepMs);
    return stepMs;
  }
}
