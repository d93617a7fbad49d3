// U3: with the relay on, the CPO's time (from its BootNotification and Heartbeat answers) is the
// reference time. Fuseguard's clock is the system clock plus a correction that follows the CPO,
// so that sessions, events and the time given to stations (and the validity of the charging
// profiles sent to them) all agree with the CPO. A difference under a second is network delay,
// not a wrong clock, and is left alone.
export const REFERENCE_TOLERANCE_MS = 1_000;

export class ReferenceClock {
  private correction = 0;

  constructor(private readonly systemNow: () => number) {}

  /** The reference time now, in ms since the epoch. */
  readonly now = (): number => this.systemNow() + this.correction;

  /** How far the reference time is from the system clock (ms). */
  get correctionMs(): number {
    return this.correction;
  }

  /**
   * The CPO's time minus this clock's, as measured. Steps the clock when they differ by a second
   * or more and returns the step (ms), else 0.
   */
  follow(differenceMs: number): number {
    if (!Number.isFinite(differenceMs) || Math.abs(differenceMs) < REFERENCE_TOLERANCE_MS) return 0;
    const step = Math.round(differenceMs);
    this.correction += step;
    return step;
  }

  /** Back to the system clock (the relay is off). */
  reset(): void {
    this.correction = 0;
  }
}
