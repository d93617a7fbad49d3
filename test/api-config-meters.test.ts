// Meters over real HTTP (P1-P3, W8): CRUD stored under settings `meters`, the live state,
// "test connection" against the in-process SimMeter on 127.0.0.1, and the conflicts.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SimMeter } from '../src/sim/index.js';
import { startApiHarness, type ApiHarness } from './helpers/api-client.js';
import { waitFor } from './helpers/harness.js';

describe('meters API', () => {
  let h: ApiHarness;
  let sim: SimMeter;
  const MODEL = 'pm5320-iem3x5x-powertag';
  beforeAll(async () => {
    sim = await SimMeter.start({ currentsA: [12, 13, 14] });
    h = await startApiHarness({ settings: { meterPollingMs: 100 } });
  });
  afterAll(async () => {
    await h?.cleanup();
    await sim?.stop();
  });

  it('tests a connection before saving: a reading from the SimMeter, or the reason (P1)', async () => {
    const ok = await h.admin.post('/api/meters/test', { name: 'Try', protocol: 'tcp', host: '127.0.0.1', port: sim.port, model: MODEL });
    expect(ok.status).toBe(200);
    expect(ok.body.ok).toBe(true);
    expect(ok.body.reading.currentsA).toEqual([12, 13, 14]);
    const refused = await h.admin.post('/api/meters/test', { name: 'Try', protocol: 'tcp', host: '127.0.0.1', port: 1, model: MODEL });
    expect(refused.body).toMatchObject({ ok: false });
    expect(refused.body.reason).toMatch(/cannot connect to 127\.0\.0\.1:1/);
    const bad = await h.admin.post('/api/meters/test', { name: 'Try', protocol: 'rtu', host: '127.0.0.1', model: MODEL });
    expect(bad.status).toBe(400);
    expect(bad.body.details.field).toMatch(/^body\.(device|host)$/);
  });

  it('adds a meter that is polled at once, with its state and last reading (P1)', async () => {
    const created = await h.admin.post('/api/meters', { name: 'Building', protocol: 'tcp', host: '127.0.0.1', port: sim.port, unitId: 1, model: MODEL });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ name: 'Building', unitId: 1, usedBy: null });
    await waitFor(async () => (await h.user.get('/api/meters/Building')).body.state.status === 'connected', 'the meter connected');
    const got = await h.user.get('/api/meters/Building');
    expect(got.body.state).toMatchObject({ status: 'connected', reason: null, lost: false });
    expect(got.body.state.lastReading.currentsA).toEqual([12, 13, 14]);
    const tested = await h.admin.post('/api/meters/Building/test');
    expect(tested.body).toMatchObject({ ok: true, reading: { currentsA: [12, 13, 14] } });
    expect((await h.user.post('/api/meters/Building/test')).status).toBe(403);
    const list = await h.user.get('/api/meters');
    expect(list.body.map((m: { name: string }) => m.name)).toEqual(['Building']);
  });

  it('shows an unreachable meter as not connected, with the reason', async () => {
    await h.admin.post('/api/meters', { name: 'Dead', protocol: 'tcp', host: '127.0.0.1', port: 1, model: MODEL });
    await waitFor(async () => /cannot connect/.test((await h.user.get('/api/meters/Dead')).body.state.reason ?? ''), 'the meter refused');
    const dead = await h.user.get('/api/meters/Dead');
    expect(dead.body.state).toMatchObject({ status: 'not-connected', lost: true, lastReading: null });
    expect(dead.body.state.reason).toMatch(/cannot connect/);
    expect((await h.admin.post('/api/meters/Dead/test')).body.ok).toBe(false);
  });

  it('replaces a meter; refuses bad bodies naming the field (400, 422) and changes nothing', async () => {
    const r = await h.admin.put('/api/meters/Dead', { protocol: 'tcp', host: '127.0.0.1', port: 2, model: 'nsx', reporting: true });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ name: 'Dead', port: 2, model: 'nsx', reporting: true });
    const model = await h.admin.put('/api/meters/Dead', { protocol: 'tcp', host: '127.0.0.1', model: 'no-such-map' });
    expect(model.status).toBe(422);
    expect(model.body).toMatchObject({ error: 'invalid-meter', details: { field: 'body.model' } });
    const rtu = await h.admin.post('/api/meters', { name: 'Serial', protocol: 'rtu', model: MODEL });
    expect(rtu.body).toMatchObject({ error: 'invalid-meter', details: { field: 'body.device' } });
    const unit = await h.admin.post('/api/meters', { name: 'U', protocol: 'tcp', host: 'x', unitId: 0, model: MODEL });
    expect(unit.status).toBe(400);
    expect(unit.body.details[0].field).toBe('body.unitId');
    const extra = await h.admin.put('/api/meters/Dead', { name: 'Other', protocol: 'tcp', host: 'x', model: MODEL });
    expect(extra.body.details[0].field).toBe('body.name');
    expect((await h.admin.put('/api/meters/Nope', { protocol: 'tcp', host: 'x', model: MODEL })).status).toBe(404);
    expect((await h.admin.get('/api/meters/Dead')).body.model).toBe('nsx');
  });

  it('answers 409 for a duplicate name and for deleting a meter a zone uses; deletes the others', async () => {
    const dup = await h.admin.post('/api/meters', { name: 'Building', protocol: 'tcp', host: '127.0.0.1', model: MODEL });
    expect(dup.status).toBe(409);
    expect(dup.body).toMatchObject({ error: 'duplicate-name', details: { field: 'body.name' } });
    expect((await h.admin.post('/api/zones', { name: 'Garage', maxCurrentA: 40, mode: 'dynamic', meter: 'Building' })).status).toBe(201);
    expect((await h.user.get('/api/meters/Building')).body.usedBy).toBe('Garage');
    const used = await h.admin.delete('/api/meters/Building');
    expect(used.status).toBe(409);
    expect(used.body).toMatchObject({ error: 'meter-in-use', details: { zone: 'Garage' } });
    expect((await h.admin.delete('/api/meters/Dead')).status).toBe(200);
    expect((await h.admin.delete('/api/meters/Dead')).status).toBe(404);
    expect((await h.user.get('/api/meters')).body.map((m: { name: string }) => m.name)).toEqual(['Building']);
    expect(h.app.meters.states().map((s) => s.name)).toEqual(['Building']);
    const actions = (await h.app.store.audit.list({ limit: 20 })).map((a) => `${a.action} ${a.target}`);
    expect(actions).toEqual(expect.arrayContaining(['meter.create Building', 'meter.update Dead', 'meter.delete Dead']));
  });

  it('refuses to mark reporting the meter a dynamic zone runs on, naming both (Z7), and changes nothing', async () => {
    // Garage, dynamic, runs on Building since the test above.
    const config = { protocol: 'tcp', host: '127.0.0.1', port: sim.port, unitId: 1, model: MODEL };
    const refused = await h.admin.put('/api/meters/Building', { ...config, reporting: true });
    expect(refused.status).toBe(422);
    expect(refused.body).toMatchObject({
      error: 'meter-not-reporting', message: expect.stringContaining('meter "Building" drives dynamic zone "Garage"'),
      details: { field: 'body.reporting', zone: 'Garage', meter: 'Building', rule: 'meter-not-reporting' },
    });
    expect((await h.admin.get('/api/meters/Building')).body.reporting).not.toBe(true);
    // Once the zone is static its meter drives nothing, and may be a reporting one; not the other way back.
    expect((await h.admin.put('/api/zones/Garage', { maxCurrentA: 40, mode: 'static', meter: 'Building' })).status).toBe(200);
    expect((await h.admin.put('/api/meters/Building', { ...config, reporting: true })).body).toMatchObject({ reporting: true, usedBy: 'Garage' });
    const dynamic = await h.admin.put('/api/zones/Garage', { maxCurrentA: 40, mode: 'dynamic', meter: 'Building' });
    expect(dynamic.body).toMatchObject({ error: 'meter-not-reporting', details: { field: 'body.meter', zone: 'Garage', meter: 'Building' } });
  });
});
