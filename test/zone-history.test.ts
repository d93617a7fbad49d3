// Zone history (W4): the recorder's buckets and pruning, and GET /api/zones/{name}/history over
// real HTTP with a simulated car charging.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AllocationResult } from '../src/domain/index.js';
import { ZoneHistoryRecorder } from '../src/history/zone-history.js';
import { SimStation } from '../src/sim/index.js';
import type { SiteFile } from '../src/site/site-schema.js';
import { startApiHarness, type ApiHarness } from './helpers/api-client.js';
import { waitFor } from './helpers/harness.js';

const site = (): SiteFile => ({
  settings: { meterValueSampleIntervalS: 1 },
  zones: [{ name: 'Garage', maxCurrentA: 32, mode: 'static', authMode: 'lms-allow-all', children: [{ name: 'Row A', maxCurrentA: 20, mode: 'static' }] }],
  stations: [{ id: 'H1', zone: 'Row A', connectors: [{ id: 1, maxCurrentA: 32 }] }],
});

/** A round's result with only what the recorder reads. */
const round = (at: number, zone: string, limitA: number, allocatedA: number, measuredA: number): AllocationResult => ({
  at, setpoints: [], state: {} as AllocationResult['state'],
  zones: [{
    zone, parent: null, nominalA: 32, limitA: [limitA, limitA, limitA], sources: [{ kind: 'zone-max' }, { kind: 'zone-max' }, { kind: 'zone-max' }],
    reservedA: [0, 0, 0], allocatedA: [allocatedA, allocatedA, 0], evMeasuredA: [measuredA, measuredA, 0], meterLost: false,
  }],
});

describe('zone history', () => {
  let h: ApiHarness;
  let sim: SimStation;
  beforeAll(async () => {
    h = await startApiHarness(site(), { control: { liveProfileDurationS: 60, debounceMs: 20, tickMs: 200 } });
    sim = new SimStation({ id: 'H1', url: h.app.ocppUrl, tickIntervalMs: 100, reconnectDelayMs: 100, maxReconnectDelayMs: 300 });
    expect(await sim.start()).toBe('Accepted');
  });
  afterAll(async () => {
    await sim?.stop();
    await h?.cleanup();
  });

  it('folds rounds into 30 s buckets holding the worst case, stores closed buckets, and prunes old ones', async () => {
    const repository = h.app.store.zoneHistory;
    let now = Date.UTC(2025, 0, 15, 12, 0, 0);
    const recorder = new ZoneHistoryRecorder(repository, { now: () => now, keepMs: 3600_000 });
    recorder.record(round(now + 1_000, 'Unit', 32, 10, 9));
    recorder.record(round(now + 5_000, 'Unit', 24, 16, 15.5));
    recorder.record(round(now + 29_000, 'Unit', 32, 12, 11));
    // The open bucket is answered, not yet stored.
    expect(await repository.list('Unit', 0)).toEqual([]);
    expect(await recorder.points('Unit', 0)).toEqual([{ zone: 'Unit', at: now, limitA: [24, 24, 24], allocatedA: [16, 16, 0], measuredA: [15.5, 15.5, 0] }]);
    recorder.record(round(now + 31_000, 'Unit', 32, 8, 8));
    await recorder.flush();
    expect((await repository.list('Unit', 0)).map((p) => [p.at - now, p.limitA[0], p.allocatedA[0]])).toEqual([[0, 24, 16], [30_000, 32, 8]]);
    // Two hours on: the next write prunes what is older than the hour kept.
    now += 2 * 3600_000;
    recorder.record(round(now, 'Unit', 32, 1, 1));
    await recorder.flush();
    expect((await repository.list('Unit', 0)).map((p) => p.at)).toEqual([now]);
  });

  it('answers a zone history over HTTP with the charging car in it (access user), 404 for an unknown zone', async () => {
    await sim.plugIn(1, { batteryWh: 60_000, maxCurrentA: 32, phases: 3 });
    await sim.presentBadge(1, 'CAR-1');
    await waitFor(() => sim.getLimitA(1) > 0, 'the car charging');
    const charging = async () => {
      const r = await h.user.get('/api/zones/Row%20A/history?hours=1');
      const last = (r.body as { points: { allocatedA: number[]; limitA: number[] }[] }).points.at(-1);
      return r.status === 200 && last !== undefined && last.allocatedA[0] === 20 && last.limitA[0] === 20;
    };
    await waitFor(charging, 'the history showing 20 A allocated against a 20 A limit');
    const r = await h.user.get('/api/zones/Garage/history');
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ zone: 'Garage', bucketS: 30 });
    expect(r.body.to - r.body.from).toBe(6 * 3600_000);
    expect(r.body.points.at(-1).limitA).toEqual([32, 32, 32]);
    expect((await h.user.get('/api/zones/Nowhere/history')).status).toBe(404);
    expect((await h.user.get('/api/zones/Garage/history?hours=1000')).status).toBe(400);
    expect((await h.anonymous.get('/api/zones/Garage/history')).status).toBe(401);
  });
});
