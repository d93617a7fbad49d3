// Durations in scenario files: "90s", "15m", "1h30m", "500ms", "2d".

const UNIT_MS: Readonly<Record<string, number>> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };
const PART = /(\d+(?:\.\d+)?)(ms|s|m|h|d)/y;

/** Milliseconds, or null when the text is not a duration. */
export function parseDuration(text: string): number | null {
  if (text.trim() === '') return null;
  let total = 0;
  PART.lastIndex = 0;
  let at = 0;
  const source = text.trim();
  while (at < source.length) {
    PART.lastIndex = at;
    const match = PART.exec(source);
    if (!match) return null;
    total += Number(match[1]) * UNIT_MS[match[2]];
    at = PART.lastIndex;
  }
  return total;
}
