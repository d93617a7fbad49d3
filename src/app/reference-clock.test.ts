// U3: the reference clock follows the CPO's time, and ignores differences that are network delay.
import { describe, expect, it } from 'vitest';
import { ReferenceClock } from './reference-clock.js';

describe('reference clock (U3)', () => {
  it('steps to the CPO time taken at the midpoint of the call, when it differs by a second or more', () => {
    let system = 1_000_000;
    const clock = new ReferenceClock(() => system);
    // Sent at 1 000 000, answered at 1 000 200: the CPO's 4 600 100 was at 1 000 100.
    expect(clock.followCpo(4_600_100, 1_000_000, 1_000_200)).toBe(3_600_000);
    expect(clock.now()).toBe(4_600_000);
    system += 10;
    expect(clock.now()).toBe(4_600_010);
    expect(clock.followCpo(1_000_010 + 3_597_500, 1_000_010, 1_000_010)).toBe(-2_500);
    expect(clock.correctionMs).toBe(3_597_500);
  });

  it('takes many answers measured at once as one correction, not their sum', () => {
    const system = 10_000;
    const clock = new ReferenceClock(() => system);
    const steps: number[] = [];
    clock.onStep((step) => steps.push(step));
    // 100 links, all sent before the first answer came back, each CPO 1 h ahead.
    for (let link = 0; link < 100; link++) clock.followCpo(system + 3_600_000 + link, system - 50, system + 50);
    expect(clock.correctionMs).toBe(3_600_000);
    expect(steps).toEqual([3_600_000]);
  });

  it('leaves differences under a second plus half the round trip (network delay) and nonsense alone', () => {
    const clock = new ReferenceClock(() => 5_000);
    expect(clock.followCpo(5_999, 5_000, 5_000)).toBe(0);
    expect(clock.followCpo(4_600, 5_000, 5_000)).toBe(0);
    expect(clock.followCpo(Number.NaN, 5_000, 5_000)).toBe(0);
    // 1.5 s off, but the answer took 4 s: it may have been taken 2 s either side of the midpoint.
    expect(clock.followCpo(3_000 + 1_500, 1_000, 5_000)).toBe(0);
    expect(clock.followCpo(3_000 + 3_500, 1_000, 5_000)).toBe(3_500);
    expect(clock.now()).toBe(5_000 + 3_500);
  });

  it('goes back to the system clock on reset, and tells its listeners', () => {
    const clock = new ReferenceClock(() => 5_000);
    const steps: number[] = [];
    const unsubscribe = clock.onStep((step) => steps.push(step));
    clock.followCpo(65_000, 5_000, 5_000);
    expect(clock.reset()).toBe(-60_000);
    expect(clock.now()).toBe(5_000);
    expect(clock.correctionMs).toBe(0);
    expect(clock.reset()).toBe(0);
    unsubscribe();
    clock.followCpo(65_000, 5_000, 5_000);
    expect(steps).toEqual([60_000, -60_000]);
  });

  it("keeps each station's clock at the time it was last given, and says when giving moves it", () => {
    let system = 1_000_000;
    const clock = new ReferenceClock(() => system);
    expect(clock.giveTo('A')).toEqual({ at: 1_000_000, movedMs: 0 });
    clock.followCpo(system + 3_600_000, system, system);
    system += 5;
    expect(clock.now()).toBe(4_600_005);
    expect(clock.stationNow('A')).toBe(1_000_005); // not told yet
    expect(clock.stationNow('B')).toBe(4_600_005); // never told: Fuseguard's time
    expect(clock.giveTo('A')).toEqual({ at: 4_600_005, movedMs: 3_600_000 });
    expect(clock.stationNow('A')).toBe(4_600_005);
    expect(clock.giveTo('A').movedMs).toBe(0);
  });

  it('keeps the lagging stations right as the clock steps back and forth (no lookup only while none lags)', () => {
    const system = 1_000_000;
    const clock = new ReferenceClock(() => system);
    clock.giveTo('A');
    clock.giveTo('B');
    clock.followCpo(system + 3_600_000, system, system); // +1 h
    clock.giveTo('A');
    expect([clock.stationNow('A'), clock.stationNow('B')]).toEqual([4_600_000, 1_000_000]);
    clock.followCpo(system, system, system); // back: B is right again, A lags
    expect([clock.stationNow('A'), clock.stationNow('B'), clock.stationNow('C')]).toEqual([4_600_000, 1_000_000, 1_000_000]);
    clock.giveTo('A');
    expect(clock.stationNow('A')).toBe(1_000_000);
  });
});
