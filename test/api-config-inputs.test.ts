// Digital inputs over real HTTP (M2, W8): configuration, live state, the REST signal source for
// manual inputs, and the allocation following a signal; MQTT passwords never echoed.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { SimStation } from '../src/sim/index.js';
import type { SiteFile } from '../src/site/site-schema.js';
import { startApiHarness, type ApiHarness } from './helpers/api-client.js';
import { waitFor } from './helpers/harness.js';

const manual = { id: 'di1', enabled: true, pct: 25, source: { kind: 'manual' } };
// Port 1 on the loopback: the broker is never reached; the input is disabled, so it limits nothing.
const mqtt = { id: 'bms', enabled: false, pct: 50, failSafeHigh: false, source: { kind: 'mqtt', url: 'mqtt://127.0.0.1:1', topic: 'site/di', username: 'fg', password: 'mq-s3cret' } };

describe('digital inputs API', () => {
  let h: ApiHarness;
  const sims: SimStation[] = [];
  const site: SiteFile = {
    settings: { meterValueSampleIntervalS: 1 },
    zones: [{ name: 'Z', maxCurrentA: 32, mode: 'static', authMode: 'lms-allow-all' }],
    stations: [{ id: 'S1', zone: 'Z', connectors: [{ id: 1, maxCurrentA: 32 }] }],
  };
  beforeAll(async () => { h = await startApiHarness(site, { control: { liveProfileDurationS: 60, debounceMs: 20 } }); });
  afterEach(async () => { await Promise.all(sims.splice(0).map((s) => s.stop())); });
  afterAll(async () => { await h?.cleanup(); });

  it('stores the configuration, masks MQTT passwords and keeps them when sent back masked', async () => {
    expect((await h.admin.get('/api/inputs')).body).toEqual([]);
    const r = await h.admin.put('/api/inputs', [manual, mqtt]);
    expect(r.status).toBe(200);
    expect(r.text).not.toContain('mq-s3cret');
    const got = await h.admin.get('/api/inputs');
    expect(got.body[1].source).toMatchObject({ kind: 'mqtt', topic: 'site/di', username: 'fg', password: '********' });
    expect(got.text).not.toContain('mq-s3cret');
    expect((await h.admin.put('/api/inputs', got.body)).status).toBe(200);
    const stored = (await h.app.store.settings.getAll()).inputs as { source: { password?: string } }[];
    expect(stored[1].source.password).toBe('mq-s3cret');
    expect(JSON.stringify(await h.app.store.audit.list({ limit: 20 }))).not.toContain('mq-s3cret');
    expect((await h.user.get('/api/inputs')).status).toBe(403);
  });

  it('refuses bad configurations naming the field, and changes nothing', async () => {
    const pct = await h.admin.put('/api/inputs', [{ ...manual, pct: 100 }]);
    expect(pct.status).toBe(400);
    expect(pct.body.details[0].field).toBe('body.0.pct');
    const kind = await h.admin.put('/api/inputs', [{ ...manual, source: { kind: 'relay' } }]);
    expect(kind.body.details[0].field).toBe('body.0.source.kind');
    const topic = await h.admin.put('/api/inputs', [{ ...mqtt, source: { kind: 'mqtt', url: 'mqtt://127.0.0.1:1' } }]);
    expect(topic.body.details[0].field).toBe('body.0.source.topic');
    const four = await h.admin.put('/api/inputs', ['a', 'b', 'c', 'd'].map((id) => ({ ...manual, id })));
    expect(four.status).toBe(400);
    const dup = await h.admin.put('/api/inputs', [manual, manual]);
    expect(dup.body.details[0].field).toBe('body.1.id');
    const missing = await h.admin.put('/api/inputs', [{ id: 'x', enabled: true, source: { kind: 'manual' } }]);
    expect(missing.body.details[0].field).toBe('body.0.pct');
    expect((await h.admin.get('/api/inputs')).body.map((i: { id: string }) => i.id)).toEqual(['di1', 'bms']);
  });

  it('a manual input set over the API reduces the zone at once, and stays set across a reload (M2)', async () => {
    const sim = new SimStation({ id: 'S1', url: h.app.ocppUrl, tickIntervalMs: 100 });
    sims.push(sim);
    expect(await sim.start()).toBe('Accepted');
    await sim.plugIn(1, { batteryWh: 60_000, maxCurrentA: 32, phases: 3 });
    await sim.presentBadge(1, 'CAR');
    await waitFor(() => sim.getLimitA(1) === 32, 'the car gets the zone');
    const before = (await h.user.get('/api/inputs/state')).body.find((s: { id: string }) => s.id === 'di1');
    expect(before).toMatchObject({ high: false, active: false, cause: 'signal', source: { kind: 'manual', status: 'connected' } });

    const set = await h.user.put('/api/inputs/di1/signal', { high: true });
    expect(set.status).toBe(200);
    expect(set.body).toMatchObject({ id: 'di1', high: true, active: true, pct: 25 });
    await waitFor(() => sim.getLimitA(1) === 8, 'the car at 25 % of 32 A');
    const zone = (await h.user.get('/api/zones/Z')).body;
    expect(zone.live.limitA).toEqual([8, 8, 8]);
    expect(zone.live.limitSources[0]).toMatch(/di1/);

    await h.admin.patch('/api/settings/load-shedding', { sheddingPriority: 'duration' }); // reloads the inputs
    expect((await h.user.get('/api/inputs/state')).body.find((s: { id: string }) => s.id === 'di1').high).toBe(true);

    expect((await h.user.put('/api/inputs/di1/signal', { high: false })).body.active).toBe(false);
    await waitFor(() => sim.getLimitA(1) === 32, 'the car back at 32 A');
    const actions = (await h.app.store.audit.list({ limit: 10 })).map((a) => `${a.action} ${a.target}`);
    expect(actions).toContain('input.signal di1');
  });

  it('answers 404 for an unknown input, 409 for one with another source, 400 for a bad body', async () => {
    expect((await h.user.put('/api/inputs/nope/signal', { high: true })).status).toBe(404);
    const other = await h.user.put('/api/inputs/bms/signal', { high: true });
    expect(other.status).toBe(409);
    expect(other.body).toMatchObject({ error: 'not-manual', details: { kind: 'mqtt' } });
    const bad = await h.user.put('/api/inputs/di1/signal', { level: 1 });
    expect(bad.status).toBe(400);
    expect(bad.body.details[0].field).toMatch(/^body\.(high|level)$/);
    expect((await h.anonymous.put('/api/inputs/di1/signal', { high: true })).status).toBe(401);
  });
});
