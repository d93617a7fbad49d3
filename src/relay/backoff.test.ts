import { afterEach, describe, expect, it, vi } from 'vitest';
import { backoffDelayMs, Sleeper } from './backoff.js';

describe('upstream reconnection backoff (U1)', () => {
  const options = { initialMs: 1_000, maxMs: 60_000 };

  it('doubles from the initial delay up to the cap', () => {
    const top = (n: number) => backoffDelayMs(n, options, () => 0.999_999);
    expect([1, 2, 3, 4].map(top)).toEqual([1_000, 2_000, 4_000, 8_000]);
    expect(top(20)).toBe(60_000);
    expect(top(1_000)).toBe(60_000);
  });

  it('spreads the delay between half and all of it (jitter)', () => {
    expect(backoffDelayMs(3, options, () => 0)).toBe(2_000);
    const delays = new Set(Array.from({ length: 50 }, () => backoffDelayMs(3, options)));
    expect(delays.size).toBeGreaterThan(10);
    for (const d of delays) expect(d >= 2_000 && d <= 4_000).toBe(true);
  });
});

describe('the sleep between tries', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('is brought forward by shorten, never pushed back', async () => {
    vi.useFakeTimers();
    const sleeper = new Sleeper();
    let woke = false;
    void sleeper.sleep(30_000).then(() => { woke = true; });
    expect(sleeper.sleeping).toBe(true);
    sleeper.shorten(60_000); // later: ignored
    sleeper.shorten(500);
    await vi.advanceTimersByTimeAsync(499);
    expect(woke).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect(woke).toBe(true);
    expect(sleeper.sleeping).toBe(false);
    sleeper.shorten(10); // not sleeping: nothing happens
  });

  it('ends at once on cancel', async () => {
    const sleeper = new Sleeper();
    const slept = sleeper.sleep(60_000);
    sleeper.cancel();
    await slept;
    expect(sleeper.sleeping).toBe(false);
  });
});
