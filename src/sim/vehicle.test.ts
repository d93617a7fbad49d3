import { describe, expect, it } from 'vitest';
import { Vehicle } from './vehicle.js';

const instant = { reactionDelayMs: 0, rampUpAPerS: Infinity };

describe('Vehicle', () => {
  it('draws the offered current on its phases and meters the energy', () => {
    const car = new Vehicle({ ...instant, maxCurrentA: 16, phases: 3, batteryWh: 60_000, soc: 0.3 });
    const step = car.step(16, 3_600_000);
    expect(step.currentA).toBe(16);
    expect(step.phases).toBe(3);
    expect(step.powerW).toBe(16 * 230 * 3);
    expect(step.energyWh).toBeCloseTo(11_040, 6);
    expect(car.soc).toBeCloseTo(0.3 + (11_040 * 0.92) / 60_000, 6);
  });

  it('never takes more than its on-board charger, nor more phases than it has', () => {
    const car = new Vehicle({ ...instant, maxCurrentA: 16, phases: 1 });
    const step = car.step(32, 1_000, 3);
    expect(step).toMatchObject({ currentA: 16, phases: 1, powerW: 16 * 230 });
  });

  it('uses fewer phases when the station offers fewer', () => {
    const car = new Vehicle({ ...instant, phases: 3 });
    expect(car.step(16, 1_000, 1).phases).toBe(1);
  });

  it('follows a new limit only after its reaction delay', () => {
    const car = new Vehicle({ reactionDelayMs: 2_000, rampUpAPerS: Infinity, maxCurrentA: 16 });
    expect(car.step(16, 1_000).currentA).toBe(0);
    expect(car.step(16, 1_500).currentA).toBe(16);
    // 0.5 s of the second step at 16 A.
    const down = car.step(8, 1_000);
    expect(down.currentA).toBe(16);
    expect(down.energyWh).toBeCloseTo((16 * 230 * 3) / 3600, 6);
    expect(car.step(8, 1_000).currentA).toBe(8);
  });

  it('ramps up at its rate', () => {
    const car = new Vehicle({ reactionDelayMs: 0, rampUpAPerS: 10, maxCurrentA: 16 });
    const first = car.step(16, 1_000);
    expect(first.currentA).toBe(10);
    expect(first.energyWh).toBeCloseTo((5 * 230 * 3) / 3600, 6);
    expect(car.step(16, 1_000).currentA).toBe(16);
  });

  it('draws nothing below the minimum current of IEC 61851 (6 A)', () => {
    const car = new Vehicle({ ...instant });
    expect(car.step(5.9, 1_000)).toMatchObject({ currentA: 0, phases: 0, energyWh: 0 });
    expect(car.step(6, 1_000).currentA).toBe(6);
  });

  it('tapers near full and stops when full', () => {
    const car = new Vehicle({ ...instant, maxCurrentA: 16, taperStartSoc: 0.8, taperEndA: 2, soc: 0.9, batteryWh: 10_000, efficiency: 1 });
    expect(car.acceptanceA()).toBeCloseTo(2 + 14 * 0.5, 6);
    let energyWh = 0;
    for (let i = 0; i < 4 * 3600; i++) energyWh += car.step(32, 1_000).energyWh;
    expect(car.full).toBe(true);
    expect(car.soc).toBe(1);
    expect(car.currentA).toBe(0);
    expect(energyWh).toBeCloseTo(1_000, 3);
  });
});
