import { describe, expect, it } from 'vitest';
import { LogRateLimiter, suppressedNote } from './log-rate-limiter.js';

describe('LogRateLimiter', () => {
  it('lets one line a key and interval through, then says how many were left out', () => {
    const limiter = new LogRateLimiter(1_000, 2);
    expect(limiter.take('a', 0)).toBe(0);
    expect(limiter.take('a', 10)).toBeNull();
    expect(limiter.take('a', 20)).toBeNull();
    expect(limiter.take('b', 20)).toBe(0);
    expect(limiter.take('a', 1_000)).toBe(2);
    expect(suppressedNote(2, 60_000)).toContain('2 more like it');
    expect(suppressedNote(0)).toBe('');
  });

  it('keeps at most maxKeys keys', () => {
    const limiter = new LogRateLimiter(1_000, 2);
    for (const key of ['a', 'b', 'c']) limiter.take(key, 0);
    expect(limiter.take('a', 1)).toBe(0); // forgotten: logged again
  });
});
