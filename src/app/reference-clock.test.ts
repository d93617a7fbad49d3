// U3: the reference clock follows the CPO's time, and ignores differences that are network delay.
import { describe, expect, it } from 'vitest';
import { ReferenceClock } from './reference-clock.js';

describe('reference clock (U3)', () => {
  it('steps by the measured difference when it is a second or more', () => {
    let system = 1_000_000;
    const clock = new ReferenceClock(() => system);
    expect(clock.follow(3_600_000)).toBe(3_600_000);
    expect(clock.now()).toBe(4_600_000);
    system += 10;
    expect(clock.now()).toBe(4_600_010);
    expect(clock.follow(-2_500)).toBe(-2_500);
    expect(clock.correctionMs).toBe(3_597_500);
  });

  it('leaves differences under a second (network delay) and nonsense alone', () => {
    const clock = new ReferenceClock(() => 5_000);
    expect(clock.follow(999)).toBe(0);
    expect(clock.follow(-400)).toBe(0);
    expect(clock.follow(Number.NaN)).toBe(0);
    expect(clock.now()).toBe(5_000);
  });

  it('goes back to the system clock on reset', () => {
    const clock = new ReferenceClock(() => 5_000);
    clock.follow(60_000);
    clock.reset();
    expect(clock.now()).toBe(5_000);
    expect(clock.correctionMs).toBe(0);
  });
});
