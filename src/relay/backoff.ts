// Reconnection delays for the upstream links (U1): exponential, capped, with jitter, so that a
// hundred stations whose CPO comes back do not all reconnect at the same instant.

export interface BackoffOptions {
  initialMs: number;
  maxMs: number;
}

/**
 * The delay before try number `failures + 1`: between half and all of
 * min(maxMs, initialMs * 2^(failures - 1)). `random` returns [0, 1).
 */
export function backoffDelayMs(failures: number, options: BackoffOptions, random: () => number = Math.random): number {
  const exponent = Math.max(0, Math.min(failures - 1, 30));
  const ceiling = Math.min(options.maxMs, options.initialMs * 2 ** exponent);
  return Math.round(ceiling / 2 + (ceiling / 2) * random());
}

/** A delay that `cancel` ends early (when the link is closed), and `shorten` brings forward. */
export class Sleeper {
  private timer: NodeJS.Timeout | undefined;
  private wake: (() => void) | undefined;
  private wakeAt = 0;

  sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      this.wake = () => {
        this.wake = undefined;
        resolve();
      };
      this.wakeAt = Date.now() + ms;
      this.timer = setTimeout(this.wake, ms);
    });
  }

  get sleeping(): boolean {
    return this.wake !== undefined;
  }

  /** Ends the current sleep within `ms`, if it would last longer. */
  shorten(ms: number): void {
    if (!this.wake || Date.now() + ms >= this.wakeAt) return;
    clearTimeout(this.timer);
    this.wakeAt = Date.now() + ms;
    this.timer = setTimeout(this.wake, ms);
  }

  cancel(): void {
    clearTimeout(this.timer);
    this.wake?.();
  }
}
