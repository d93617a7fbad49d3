// Zones over real HTTP (Z1, Z2, W4, W8): the tree with live figures, create, update, delete, every
// Z2 rule as a 422 naming the rule and field, and a new maximum reaching a charging car live.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { SimStation } from '../src/sim/index.js';
import type { SiteFile } from '../src/site/site-schema.js';
import { startApiHarness, type ApiHarness } from './helpers/api-client.js';
import { testSite, waitFor } from './helpers/harness.js';

describe('zones API', () => {
  let h: ApiHarness;
  beforeAll(async () => {
    h = await startApiHarness({
      ...testSite(),
      meters: [
        { name: 'M1', protocol: 'tcp', host: '127.0.0.1', port: 1, model: 'pm5320-iem3x5x-powertag' },
        { name: 'M2', protocol: 'tcp', host: '127.0.0.1', port: 1, model: 'nsx' },
      ],
    });
  });
  afterAll(async () => { await h?.cleanup(); });

  it('lists the tree depth first with children, stations and live figures (W3, W4)', async () => {
    await h.app.control?.settled();
    const r = await h.user.get('/api/zones');
    expect(r.status).toBe(200);
    expect(r.body.map((z: { name: string; depth: number }) => `${z.depth}:${z.name}`)).toEqual(['1:Main', '2:Row A', '2:Row B']);
    const main = r.body[0];
    expect(main).toMatchObject({ parent: null, maxCurrentA: 63, mode: 'static', children: ['Row A', 'Row B'], stations: [], authMode: 'lms-known-badges' });
    expect(r.body[1].stations).toEqual(['CP-001', 'CP-002']);
    expect(main.live).toMatchObject({ limitA: [63, 63, 63], allocatedA: [0, 0, 0], measuredA: [0, 0, 0], meterLost: false });
    expect(main.live.limitSources[0]).toBe('zone maximum');
    expect((await h.user.get('/api/zones/Row%20B')).body).toMatchObject({ name: 'Row B', parent: 'Main', depth: 2 });
    expect((await h.user.get('/api/zones/Nowhere')).status).toBe(404);
  });

  it('creates, updates and deletes a zone, with an audit entry each', async () => {
    const created = await h.admin.post('/api/zones', { name: 'Row C', parent: 'Main', maxCurrentA: 20, mode: 'static' });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ name: 'Row C', parent: 'Main', depth: 2, fallbackCurrentA: 0, meter: null, authMode: null });
    expect((await h.user.post('/api/zones', { name: 'Row D', maxCurrentA: 20, mode: 'static' })).status).toBe(403);
    const updated = await h.admin.put('/api/zones/Row%20C', { parent: 'Main', maxCurrentA: 30, mode: 'dynamic', meter: 'M1', fallbackCurrentA: 6 });
    expect(updated.status).toBe(200);
    expect(updated.body).toMatchObject({ maxCurrentA: 30, mode: 'dynamic', meter: 'M1', fallbackCurrentA: 6 });
    expect(h.app.control?.state.zones.find((z) => z.name === 'Row C')).toMatchObject({ maxCurrentA: 30, meter: 'M1' });
    expect((await h.admin.delete('/api/zones/Row%20C')).status).toBe(200);
    expect((await h.admin.get('/api/zones/Row%20C')).status).toBe(404);
    expect((await h.admin.delete('/api/zones/Row%20C')).status).toBe(404);
    expect((await h.admin.put('/api/zones/Row%20C', { maxCurrentA: 10, mode: 'static' })).status).toBe(404);
    const actions = (await h.app.store.audit.list({ limit: 10 })).map((a) => `${a.action} ${a.target}`);
    expect(actions).toEqual(expect.arrayContaining(['zone.create Row C', 'zone.update Row C', 'zone.delete Row C']));
  });

  it('refuses every Z2 break with 422, naming the rule and the field, and changes nothing', async () => {
    const cases: [unknown, string, string][] = [
      [{ name: 'Big', parent: 'Row A', maxCurrentA: 40, mode: 'static' }, 'child-within-parent', 'body.maxCurrentA'],
      [{ name: 'Orphan', parent: 'Nowhere', maxCurrentA: 10, mode: 'static' }, 'parent-exists', 'body.parent'],
      [{ name: 'Blind', maxCurrentA: 10, mode: 'dynamic' }, 'dynamic-needs-meter', 'body.meter'],
      [{ name: 'Ghost', maxCurrentA: 10, mode: 'dynamic', meter: 'M9' }, 'meter-exists', 'body.meter'],
      [{ name: 'Fall', maxCurrentA: 10, mode: 'dynamic', meter: 'M2', fallbackCurrentA: 12 }, 'fallback-within-max', 'body.fallbackCurrentA'],
    ];
    for (const [body, rule, field] of cases) {
      const r = await h.admin.post('/api/zones', body);
      expect(r.status, JSON.stringify(body)).toBe(422);
      expect(r.body).toMatchObject({ error: rule, details: { field, rule } });
    }
    // A meter used by two zones.
    expect((await h.admin.post('/api/zones', { name: 'Dyn1', maxCurrentA: 10, mode: 'dynamic', meter: 'M2' })).status).toBe(201);
    const twice = await h.admin.post('/api/zones', { name: 'Dyn2', maxCurrentA: 10, mode: 'dynamic', meter: 'M2' });
    expect(twice.body).toMatchObject({ error: 'meter-in-one-zone', details: { field: 'body.meter' } });
    expect((await h.admin.delete('/api/zones/Dyn1')).status).toBe(200);
    // Depth: a top-level zone and three levels below it, no more.
    await h.admin.post('/api/zones', { name: 'L2', parent: 'Row B', maxCurrentA: 10, mode: 'static' });
    await h.admin.post('/api/zones', { name: 'L3', parent: 'L2', maxCurrentA: 10, mode: 'static' });
    const deep = await h.admin.post('/api/zones', { name: 'L4', parent: 'L3', maxCurrentA: 10, mode: 'static' });
    expect(deep.body).toMatchObject({ error: 'max-depth', details: { field: 'body.parent', zone: 'L4' } });
    // A cycle: Row B under its own grandchild.
    const cycle = await h.admin.put('/api/zones/Row%20B', { parent: 'L3', maxCurrentA: 10, mode: 'static' });
    expect(cycle.status).toBe(422);
    expect(cycle.body.details.field).toBe('body.parent');
    expect(['no-cycle', 'max-depth']).toContain(cycle.body.error);
    // Lowering a parent below a child names the child.
    const lower = await h.admin.put('/api/zones/Main', { maxCurrentA: 20, mode: 'static', authMode: 'lms-known-badges' });
    expect(lower.body).toMatchObject({ error: 'child-within-parent', details: { field: 'body.maxCurrentA', zone: 'Row A' } });
    expect((await h.admin.get('/api/zones/Main')).body.maxCurrentA).toBe(63);
    expect((await h.admin.get('/api/zones/Row%20B')).body.parent).toBe('Main');
    await h.admin.delete('/api/zones/L3');
    await h.admin.delete('/api/zones/L2');
  });

  it('refuses a dynamic zone on a reporting meter, naming the zone and the meter (Z7), and changes nothing', async () => {
    expect((await h.admin.post('/api/meters', { name: 'Offices', protocol: 'tcp', host: '127.0.0.1', port: 1, model: 'nsx', reporting: true })).status).toBe(201);
    const created = await h.admin.post('/api/zones', { name: 'Garage', maxCurrentA: 40, mode: 'dynamic', meter: 'Offices' });
    expect(created.status).toBe(422);
    expect(created.body).toMatchObject({
      error: 'meter-not-reporting', message: expect.stringContaining('dynamic zone "Garage" cannot be driven by meter "Offices": it is a reporting meter'),
      details: { field: 'body.meter', zone: 'Garage', meter: 'Offices', rule: 'meter-not-reporting' },
    });
    expect((await h.admin.get('/api/zones/Garage')).status).toBe(404);
    // A static zone drives nothing with its meter; making it dynamic on a reporting one is refused.
    expect((await h.admin.post('/api/zones', { name: 'Garage', maxCurrentA: 40, mode: 'static', meter: 'Offices' })).status).toBe(201);
    const dynamic = await h.admin.put('/api/zones/Garage', { maxCurrentA: 40, mode: 'dynamic', meter: 'Offices' });
    expect(dynamic.status).toBe(422);
    expect(dynamic.body).toMatchObject({ error: 'meter-not-reporting', details: { field: 'body.meter', zone: 'Garage', meter: 'Offices' } });
    expect((await h.admin.get('/api/zones/Garage')).body).toMatchObject({ mode: 'static', meter: 'Offices' });
    expect(h.app.control?.state.zones.find((z) => z.name === 'Garage')).toMatchObject({ mode: 'static' });
    expect((await h.admin.delete('/api/zones/Garage')).status).toBe(200);
    expect((await h.admin.delete('/api/meters/Offices')).status).toBe(200);
  });

  it('warns, without refusing, when the children of a zone can draw more than it, also in the answer of a change (issue 16)', async () => {
    type Warning = { code: string; phase: string; childrenA: number; zoneMaxA: number; message: string };
    const tree = (await h.user.get('/api/zones')).body as { name: string; warnings: Warning[] }[];
    const warnings = new Map(tree.map((z) => [z.name, z.warnings]));
    // Main 63 A: Row A and Row B, 32 A each. Row A 32 A: CP-001 and CP-002 at 32 A, CP-002's second connector on L1.
    expect(warnings.get('Main')).toEqual([{ code: 'children-above-zone', phase: 'L1', childrenA: 64, zoneMaxA: 63, message: expect.stringContaining('zone "Main"') }]);
    expect(warnings.get('Row A')).toEqual([expect.objectContaining({ code: 'children-above-zone', phase: 'L1', childrenA: 96, zoneMaxA: 32 })]);
    expect(warnings.get('Row B')).toEqual([]);

    const raised = await h.admin.put('/api/zones/Main', { maxCurrentA: 64, mode: 'static', authMode: 'lms-known-badges' });
    expect(raised.status).toBe(200);
    expect(raised.body.warnings).toEqual([]);
    const lowered = await h.admin.put('/api/zones/Row%20B', { parent: 'Main', maxCurrentA: 20, mode: 'static', authMode: 'lms-allow-all' });
    expect(lowered.status).toBe(200);
    expect(lowered.body).toMatchObject({ maxCurrentA: 20, warnings: [{ code: 'children-above-zone', childrenA: 32, zoneMaxA: 20 }] });
    expect(lowered.body.warnings[0].message).toMatch(/zone "Row B": .*32 A on L1, above its own 20 A/);

    expect((await h.admin.put('/api/zones/Row%20B', { parent: 'Main', maxCurrentA: 32, mode: 'static', authMode: 'lms-allow-all' })).body.warnings).toEqual([]);
    expect((await h.admin.put('/api/zones/Main', { maxCurrentA: 63, mode: 'static', authMode: 'lms-known-badges' })).body.warnings).toHaveLength(1);
  });

  it('answers 409 for a duplicate name and for deleting a zone with sub-zones or stations, 400 for bad bodies', async () => {
    const dup = await h.admin.post('/api/zones', { name: 'Row A', maxCurrentA: 10, mode: 'static' });
    expect(dup.status).toBe(409);
    expect(dup.body).toMatchObject({ error: 'duplicate-name', details: { field: 'body.name' } });
    expect((await h.admin.delete('/api/zones/Main')).body).toMatchObject({ error: 'zone-has-children', details: { children: ['Row A', 'Row B'] } });
    expect((await h.admin.delete('/api/zones/Row%20A')).body).toMatchObject({ error: 'zone-has-stations', details: { stations: ['CP-001', 'CP-002'] } });
    const zero = await h.admin.post('/api/zones', { name: 'Zero', maxCurrentA: 0, mode: 'static' });
    expect(zero.status).toBe(400);
    expect(zero.body.details[0].field).toBe('body.maxCurrentA');
    const mode = await h.admin.post('/api/zones', { name: 'Odd', maxCurrentA: 10, mode: 'sometimes' });
    expect(mode.body.details[0].field).toBe('body.mode');
    const extra = await h.admin.put('/api/zones/Row%20A', { maxCurrentA: 10, mode: 'static', name: 'Renamed' });
    expect(extra.status).toBe(400);
    expect(extra.body.details[0].field).toBe('body.name');
    const missing = await h.admin.post('/api/zones', { name: 'NoMax', mode: 'static' });
    expect(missing.body.details[0].field).toBe('body.maxCurrentA');
  });
});

describe('zones API, live', () => {
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

  it('a lower maxCurrentA reaches a charging car without a restart, and shows in the tree (Z1, W8)', async () => {
    const sim = new SimStation({ id: 'S1', url: h.app.ocppUrl, tickIntervalMs: 100 });
    sims.push(sim);
    expect(await sim.start()).toBe('Accepted');
    await sim.plugIn(1, { batteryWh: 60_000, maxCurrentA: 32, phases: 3 });
    await sim.presentBadge(1, 'CAR');
    await waitFor(() => sim.getLimitA(1) === 32, 'the car gets the zone');

    const r = await h.admin.put('/api/zones/Z', { maxCurrentA: 16, mode: 'static', authMode: 'lms-allow-all' });
    expect(r.status).toBe(200);
    await waitFor(() => sim.getLimitA(1) === 16, 'the car limited to the new maximum');
    await h.app.control?.settled();
    const tree = await h.user.get('/api/zones');
    expect(tree.body[0].live).toMatchObject({ limitA: [16, 16, 16], allocatedA: [16, 16, 16] });
    expect(tree.body[0].stations).toEqual(['S1']);
  });
});
