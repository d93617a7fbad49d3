import { afterEach, describe, expect, it } from 'vitest';
import { FakeCentralSystem } from './fake-central-system.js';
import { SimFleet, seededRandom } from './sim-fleet.js';

const T0 = Date.parse('2025-03-03T08:00:00Z');
let cs: FakeCentralSystem | undefined;
const fleets: SimFleet[] = [];

afterEach(async () => {
  await Promise.all(fleets.splice(0).map((f) => f.stop()));
  await cs?.close();
  cs = undefined;
});

/** Runs a fleet for `minutes` of simulated time and returns the arrivals it produced. */
async function run(seed: number, minutes: number): Promise<{ fleet: SimFleet; arrivals: string[] }> {
  let clock = T0;
  const fleet = new SimFleet({
    url: (cs as FakeCentralSystem).url,
    count: 12,
    connectorsPerStation: 2,
    badges: ['04A1B2C3', '04D4E5F6'],
    seed,
    arrivalsPerHour: 6,
    meanStayMinutes: 10,
    startIntervalMs: 0,
    meterValueIntervalS: 60,
    tickIntervalMs: 60_000, // the test ticks by hand
    now: () => clock,
    stationOptions: { reconnectDelayMs: 20 },
  });
  fleets.push(fleet);
  const arrivals: string[] = [];
  fleet.on('transaction', (e) => {
    if (e.type === 'started') arrivals.push(`${Math.round((e.at - T0) / 60_000)}m ${e.id}/${e.connectorId} ${e.idTag}`);
  });
  expect(await fleet.start()).toEqual({ accepted: 12, pending: 0, rejected: 0, failed: 0 });
  for (let m = 0; m < minutes; m++) {
    clock += 60_000;
    fleet.tick();
    await Promise.all(fleet.stations.map((s) => s.whenIdle()));
    // Let the plug-in / badge round trips of this minute finish before the next one.
    await new Promise((r) => setTimeout(r, 5));
    await Promise.all(fleet.stations.map((s) => s.whenIdle()));
  }
  return { fleet, arrivals: arrivals.sort() };
}

describe('SimFleet', () => {
  it('starts N stations with padded ids, and cars arrive, charge and leave with the given badges', async () => {
    cs = await FakeCentralSystem.start();
    const { fleet, arrivals } = await run(7, 60);
    expect(fleet.stations.map((s) => s.id).slice(0, 3)).toEqual(['SIM-001', 'SIM-002', 'SIM-003']);
    expect(fleet.stations.at(-1)?.id).toBe('SIM-012');
    expect(new Set(cs.received.filter((r) => r.action === 'BootNotification').map((r) => r.identity)).size).toBe(12);
    expect(arrivals.length).toBeGreaterThan(10);
    for (const start of cs.calls('StartTransaction')) expect(['04A1B2C3', '04D4E5F6']).toContain(start.idTag);
    expect(cs.calls('StopTransaction').length).toBeGreaterThan(0);
    expect(cs.calls('MeterValues').length).toBeGreaterThan(0);
  });

  it('the same seed gives the same traffic', async () => {
    cs = await FakeCentralSystem.start();
    const a = await run(42, 30);
    await a.fleet.stop();
    const b = await run(42, 30);
    const c = await run(43, 30);
    expect(b.arrivals).toEqual(a.arrivals);
    expect(c.arrivals).not.toEqual(a.arrivals);
  });

  it('seededRandom is deterministic and spread over [0, 1)', () => {
    const r1 = seededRandom(5);
    const r2 = seededRandom(5);
    const xs = Array.from({ length: 1000 }, () => r1());
    expect(Array.from({ length: 1000 }, () => r2())).toEqual(xs);
    expect(Math.min(...xs)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...xs)).toBeLessThan(1);
    expect(xs.reduce((s, x) => s + x, 0) / xs.length).toBeCloseTo(0.5, 1);
  });

  it('a station that cannot connect yet keeps trying in the background', async () => {
    // Find a free port, then start the central system on it only after the fleet has failed once.
    const probe = await FakeCentralSystem.start();
    const port = probe.port;
    await probe.close();
    const fleet = new SimFleet({ url: `ws://127.0.0.1:${port}/ocpp`, count: 2, startIntervalMs: 0, arrivalsPerHour: 0 });
    fleets.push(fleet);
    expect(await fleet.start()).toEqual({ accepted: 0, pending: 0, rejected: 0, failed: 2 });
    cs = await FakeCentralSystem.start({ port });
    const central = cs;
    await central.waitFor(() => central.calls('BootNotification').length === 2, 10_000);
  });
});
