// One log line per key and interval (issue 14, rows 9, 10): a station or a client that repeats
// the same failure a thousand times a second gets one line, and the next line says how many were
// left out. Bounded: at most `maxKeys` keys, the stalest give way.

export const LOG_INTERVAL_MS = 60_000;
const MAX_KEYS = 1_000;

export class LogRateLimiter {
  private readonly lines = new Map<string, { at: number; suppressed: number }>();

  constructor(private readonly intervalMs = LOG_INTERVAL_MS, private readonly maxKeys = MAX_KEYS) {}

  /** null: leave this line out; else log it, with the number left out since the last one. */
  take(key: string, now: number): number | null {
    const last = this.lines.get(key);
    if (last && now - last.at < this.intervalMs) {
      last.suppressed += 1;
      return null;
    }
    this.lines.delete(key);
    this.lines.set(key, { at: now, suppressed: 0 });
    while (this.lines.size > this.maxKeys) this.lines.delete(this.lines.keys().next().value as string);
    return last?.suppressed ?? 0;
  }
}

/** " (12 more like it in the last 60 s left out)", or nothing. */
export function suppressedNote(suppressed: number, intervalMs = LOG_INTERVAL_MS): string {
  return suppressed > 0 ? ` (${suppressed} more like it since the last such line, at most one a ${Math.round(intervalMs / 1000)} s, left out)` : '';
}
