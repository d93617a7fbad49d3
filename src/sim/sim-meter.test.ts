import { afterEach, describe, expect, it } from 'vitest';
import { SimMeter, buildingLoadA, crc16 } from './sim-meter.js';

const started: SimMeter[] = [];
afterEach(async () => {
  for (const m of started.splice(0)) await m.stop();
});

async function start(options: Parameters<typeof SimMeter.start>[0]): Promise<SimMeter> {
  const m = await SimMeter.start(options);
  started.push(m);
  return m;
}

const at = (hour: number) => new Date(2025, 5, 2, hour, 0, 0).getTime();

describe('buildingLoadA', () => {
  it('is low at night, high at midday, and uneven across phases', () => {
    const night = buildingLoadA(at(3));
    const noon = buildingLoadA(at(12));
    expect(night[0]).toBeLessThan(noon[0] / 2);
    expect(noon[0]).toBeLessThanOrEqual(40);
    expect(noon[0]).toBeGreaterThan(noon[2]);
  });
});

describe('SimMeter', () => {
  it('binds port 0 to a free port and reports it', async () => {
    const a = await start({});
    const b = await start({});
    expect(a.port).toBeGreaterThan(0);
    expect(b.port).not.toBe(a.port);
  });

  it('adds the extra currents (the cars) to the building load', async () => {
    let clock = at(3);
    const m = await start({ now: () => clock, extraCurrentsA: () => [16, 16, 0] });
    const night = buildingLoadA(at(3));
    expect(m.currentsA()).toEqual([night[0] + 16, night[1] + 16, night[2]]);
    clock = at(12);
    expect(m.currentsA()[0]).toBeCloseTo(buildingLoadA(at(12))[0] + 16, 6);
    m.setCurrentsA([50, 0, 0]);
    expect(m.currentsA()).toEqual([66, 16, 0]);
    m.setExtraCurrentsA(null);
    m.setProfile(() => [1, 2, 3]);
    expect(m.currentsA()).toEqual([1, 2, 3]);
  });

  it('comes back on the same port after going down', async () => {
    const m = await start({});
    const port = m.port;
    await m.goDown();
    await m.comeBack();
    expect(m.port).toBe(port);
  });

  it('computes the Modbus CRC', () => {
    // Read holding registers, unit 1, address 0, count 1: 01 03 00 00 00 01 84 0A
    expect(crc16(Uint8Array.from([1, 3, 0, 0, 0, 1]))).toBe(0x0a84);
  });
});
