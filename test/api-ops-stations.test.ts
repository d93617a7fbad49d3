// Stations over real HTTP, with simulated stations (O2, O4, O6, O8, W3, W5).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SimStation } from '../src/sim/index.js';
import { startApiHarness, type ApiHarness } from './helpers/api-client.js';
import { testSite, waitFor } from './helpers/harness.js';

describe('stations API', () => {
  let h: ApiHarness;
  const sims: SimStation[] = [];
  const sim = async (id: string, password?: string, connectors = 1) => {
    const s = new SimStation({ id, url: h.app.ocppUrl, password, connectors: Array.from({ length: connectors }, () => ({})), tickIntervalMs: 100, reconnectDelayMs: 100, maxReconnectDelayMs: 300, rebootDelayMs: 100 });
    sims.push(s);
    return s;
  };
  // D8: a configured station that never connected (CP-001, CP-003 until they do) is counted at its
  // maximum: zones large enough that CP-002's car still charges next to them.
  const site = () => ({
    ...testSite(),
    zones: [{
      name: 'Main', maxCurrentA: 200, mode: 'static' as const, authMode: 'lms-known-badges' as const,
      children: [
        { name: 'Row A', maxCurrentA: 100, mode: 'static' as const },
        { name: 'Row B', maxCurrentA: 32, mode: 'static' as const, authMode: 'lms-allow-all' as const },
      ],
    }],
  });
  beforeAll(async () => { h = await startApiHarness(site(), { control: { debounceMs: 20, liveProfileDurationS: 60 } }); });
  afterAll(async () => {
    await Promise.all(sims.map((s) => s.stop()));
    await h?.cleanup();
  });

  it('lists stations with their connectors, never their password', async () => {
    const r = await h.user.get('/api/stations');
    expect(r.status).toBe(200);
    expect(r.body.map((s: { id: string }) => s.id)).toEqual(['CP-001', 'CP-002', 'CP-003']);
    const cp1 = r.body[0];
    expect(cp1).toMatchObject({ id: 'CP-001', zone: 'Row A', hasPassword: true, connected: false, connectors: [{ connectorId: 1, phases: 'L1L2L3', maxCurrentA: 32 }] });
    expect(JSON.stringify(r.body)).not.toMatch(/password_hash|secret-key|"password"/);
    expect((await h.user.get('/api/stations/CP-404')).status).toBe(404);
    expect((await h.user.get('/api/stations/has%20space')).status).toBe(400);
  });

  it('shows a connector\'s status, session and setpoint with its reason', async () => {
    const cp2 = await sim('CP-002', undefined, 2); // as configured: a station missing a connector would be flagged (D5)
    expect(await cp2.start()).toBe('Accepted');
    await cp2.plugIn(1, { batteryWh: 60_000, maxCurrentA: 32, phases: 3 });
    await cp2.presentBadge(1, 'GOOD');
    await waitFor(() => cp2.getLimitA(1) > 0, 'the car charging', 10_000);
    await waitFor(async () => (await h.user.get('/api/stations/CP-002')).body.connectors[0].setpoint?.currentA > 0, 'a setpoint shown');
    // The car starts drawing once the station holds a limit; its StatusNotification Charging follows.
    await waitFor(async () => (await h.user.get('/api/stations/CP-002')).body.connectors[0].status === 'Charging', 'the status Charging', 5_000);
    const station = (await h.user.get('/api/stations/CP-002')).body;
    expect(station.connected).toBe(true);
    expect(station.controlIssue).toBeNull();
    const c1 = station.connectors[0];
    expect(c1.status).toBe('Charging');
    expect(c1.session).toMatchObject({ idTag: 'GOOD', transactionId: cp2.transactionId(1) });
    expect(c1.setpoint.reason.code).toEqual(expect.any(String));
    expect(c1.setpoint.controllable).toBe(true);
  });

  it('sends actions to a connected station and reports each outcome, a refusal included', async () => {
    // The connector is charging: the station schedules the change for the end of the session.
    const availability = await h.user.post('/api/stations/CP-002/availability', { connectorId: 1, type: 'Inoperative' });
    expect(availability.body).toMatchObject({ action: 'ChangeAvailability', outcome: 'answered', accepted: true, status: 'Scheduled' });
    expect((await h.user.post('/api/stations/CP-002/availability', { connectorId: 1, type: 'Operative' })).body).toMatchObject({ accepted: true });
    const refused = await h.user.post('/api/stations/CP-002/remote-stop', { transactionId: 999_999 });
    expect(refused.status).toBe(200);
    expect(refused.body).toMatchObject({ action: 'RemoteStopTransaction', outcome: 'answered', accepted: false, status: 'Rejected' });
    const firmware = await h.admin.post('/api/stations/CP-002/firmware', { location: 'https://example.com/fw.bin' });
    expect(firmware.body).toMatchObject({ action: 'UpdateFirmware', outcome: 'answered', accepted: true });
    const diagnostics = await h.admin.post('/api/stations/CP-002/diagnostics', { location: 'ftp://example.com/upload/' });
    expect(diagnostics.body).toMatchObject({ action: 'GetDiagnostics', outcome: 'answered' });
    expect((await h.user.post('/api/stations/CP-002/firmware', { location: 'https://example.com/fw.bin' })).status).toBe(403);

    const stop = await h.user.post('/api/stations/CP-002/remote-stop', { connectorId: 1 });
    expect(stop.body).toMatchObject({ outcome: 'answered', accepted: true, status: 'Accepted' });
    await waitFor(async () => (await h.user.get('/api/stations/CP-002')).body.connectors[0].session === null, 'the session stopped by the station');
    expect((await h.user.post('/api/stations/CP-002/remote-stop', { connectorId: 1 })).body).toMatchObject({ error: 'no-session' });

    const start = await h.user.post('/api/stations/CP-002/remote-start', { connectorId: 1, idTag: 'GOOD' });
    expect(start.body).toMatchObject({ action: 'RemoteStartTransaction', outcome: 'answered', accepted: true });
    const reset = await h.user.post('/api/stations/CP-002/reset', { type: 'Soft' });
    expect(reset.body).toMatchObject({ action: 'Reset', accepted: true });

    const commands = await h.user.get('/api/stations/CP-002/commands?limit=200');
    const mine = commands.body.filter((c: { action: string }) => ['ChangeAvailability', 'RemoteStopTransaction', 'UpdateFirmware', 'GetDiagnostics', 'RemoteStartTransaction', 'Reset'].includes(c.action));
    expect(mine[0]).toMatchObject({ action: 'Reset', outcome: 'answered', request: { type: 'Soft' }, response: { status: 'Accepted' } });
    expect(mine.find((c: { request: { transactionId?: number } }) => c.request.transactionId === 999_999)).toMatchObject({ response: { status: 'Rejected' } });
    expect(mine).toHaveLength(8);
  });

  it('answers 409 station-offline for an action on a disconnected station, 404 for an unknown one, 400 for a bad body', async () => {
    const offline = await h.user.post('/api/stations/CP-003/reset', { type: 'Hard' });
    expect(offline.status).toBe(409);
    expect(offline.body).toMatchObject({ error: 'station-offline' });
    expect((await h.user.post('/api/stations/NOPE/reset', { type: 'Hard' })).status).toBe(404);
    const bad = await h.user.post('/api/stations/CP-002/reset', { type: 'Gentle' });
    expect(bad.status).toBe(400);
    expect(bad.body.details[0].field).toBe('body.type');
    expect((await h.user.post('/api/stations/CP-002/unlock', {})).body.details[0].field).toBe('body.connectorId');
    expect((await h.admin.post('/api/stations/CP-002/firmware', { location: 'not a url' })).body.details[0].field).toBe('body.location');
    expect((await h.user.get('/api/stations/NOPE/commands')).status).toBe(404);
    const neither = await h.user.post('/api/stations/CP-002/remote-stop', {});
    expect(neither.status).toBe(400);
    expect(neither.body.details[0].field).toBe('body.connectorId');
  });

  it('force-stops a session the station will never stop (O8)', async () => {
    const cp1 = await sim('CP-001', 'secret-key-001');
    expect(await cp1.start()).toBe('Accepted');
    await cp1.plugIn(1);
    await cp1.presentBadge(1, 'GOOD');
    await waitFor(() => cp1.transactionId(1) !== undefined, 'the session started');
    await cp1.goOffline();
    const stopped = await h.user.post('/api/stations/CP-001/force-stop', { connectorId: 1 });
    expect(stopped.status).toBe(200);
    expect(stopped.body).toMatchObject({ transactionId: cp1.transactionId(1) });
    expect((await h.user.post('/api/stations/CP-001/force-stop', { connectorId: 1 })).body).toMatchObject({ error: 'no-session' });
    expect((await h.app.store.transactions.get(cp1.transactionId(1)!))?.stop_reason).toBe('ForceStop');
  });

  it('lists a pending station and admits it into a zone (O2)', async () => {
    const newcomer = await sim('NEW-01');
    expect(await newcomer.start()).toBe('Pending');
    const pending = await h.admin.get('/api/stations/pending');
    expect(pending.body.map((s: { id: string }) => s.id)).toEqual(['NEW-01']);
    expect((await h.user.get('/api/stations/pending')).status).toBe(403);
    expect((await h.user.get('/api/stations')).body.map((s: { id: string }) => s.id)).not.toContain('NEW-01');
    expect((await h.admin.patch('/api/stations/NEW-01', { name: 'x' })).body).toMatchObject({ error: 'station-pending' });
    const noZone = await h.admin.post('/api/stations/NEW-01/admit', { zone: 'Nowhere' });
    expect(noZone.status).toBe(422);
    expect(noZone.body).toMatchObject({ error: 'unknown-zone', details: { field: 'body.zone' } });
    const admitted = await h.admin.post('/api/stations/NEW-01/admit', { zone: 'Row B' });
    expect(admitted.body).toMatchObject({ id: 'NEW-01', admission: 'admitted', zone: 'Row B' });
    expect((await h.admin.post('/api/stations/NEW-01/admit', { zone: 'Row B' })).status).toBe(409);
    expect((await h.admin.post('/api/stations/NOPE/admit', { zone: 'Row B' })).status).toBe(404);
    await waitFor(() => newcomer.bootStatus === 'Accepted', 'accepted at its next boot', 40_000);
  }, 60_000);

  it('edits the W5 fields; allocation uses them at once; the password is write-only', async () => {
    const r = await h.admin.patch('/api/stations/CP-003', {
      name: 'Garage door', zone: 'Row A', vip: true, authMode: 'lms-allow-all', boxIdentity: 'BOX-3', password: 'n3w-secret',
      connectors: [{ connectorId: 1, phases: 'L2', minCurrentA: 8, maxCurrentA: 16 }, { connectorId: 2, type: 'AC', maxCurrentA: 20 }],
    });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({
      name: 'Garage door', zone: 'Row A', vip: true, authMode: 'lms-allow-all', boxIdentity: 'BOX-3', hasPassword: true,
      connectors: [{ connectorId: 1, phases: 'L2', minCurrentA: 8, maxCurrentA: 16 }, { connectorId: 2, phases: 'L1L2L3', maxCurrentA: 20 }],
    });
    expect(r.text).not.toContain('n3w-secret');
    const live = h.app.control!.state.snapshot().connectors.find((c) => c.id === 'CP-003/1');
    expect(live).toMatchObject({ zone: 'Row A', maxCurrentA: 16, minCurrentA: 8 });
    const audit = await h.app.store.audit.list({ action: 'station.update' });
    expect(audit[0].details).toContain('"password":"changed"');
    expect(audit[0].details).not.toContain('n3w-secret');

    const cleared = await h.admin.patch('/api/stations/CP-003', { password: null, authMode: null, name: null });
    expect((await h.app.store.stations.get('CP-003'))?.name).toBeNull();
    expect(cleared.body).toMatchObject({ hasPassword: false, authMode: null, name: null, vip: true });

    expect((await h.admin.patch('/api/stations/CP-003', { colour: 'red' })).body.details[0].field).toBe('body.colour');
    expect((await h.admin.patch('/api/stations/CP-003', { password: 'short' })).body.details[0].field).toBe('body.password');
    expect((await h.admin.patch('/api/stations/CP-003', { connectors: [{ connectorId: 1, phases: 'L4' }] })).body.details[0].field).toBe('body.connectors.0.phases');
    const minMax = await h.admin.patch('/api/stations/CP-003', { connectors: [{ connectorId: 1, minCurrentA: 20 }] });
    expect(minMax.status).toBe(422);
    expect(minMax.body).toMatchObject({ error: 'min-above-max', details: { field: 'body.connectors.0.minCurrentA' } });
    expect((await h.admin.patch('/api/stations/CP-003', { zone: 'Nowhere' })).status).toBe(422);
    expect((await h.admin.patch('/api/stations/NOPE', { vip: true })).status).toBe(404);
  });

  it('sets, shows and clears a connector\'s socket type, and refuses an unknown one naming the field (A3, W5, W10, issue 16)', async () => {
    const set = await h.admin.patch('/api/stations/CP-001', { connectors: [{ connectorId: 1, socketType: 'TE', minCurrentA: 10 }] });
    expect(set.status).toBe(200);
    expect(set.body.connectors[0]).toMatchObject({ connectorId: 1, socketType: 'TE', minCurrentA: 10 });
    expect((await h.admin.get('/api/stations/CP-001')).body.connectors[0].socketType).toBe('TE');
    // An edit that does not name it keeps it.
    const kept = await h.admin.patch('/api/stations/CP-001', { connectors: [{ connectorId: 1, minCurrentA: null }] });
    expect(kept.body.connectors[0]).toMatchObject({ socketType: 'TE', minCurrentA: null });

    const bad = await h.admin.patch('/api/stations/CP-001', { connectors: [{ connectorId: 1, socketType: 'Schuko' }] });
    expect(bad.status).toBe(400);
    expect(bad.body.details[0].field).toBe('body.connectors.0.socketType');
    expect((await h.app.store.stations.listConnectors('CP-001'))[0].socket_type).toBe('TE');

    const cleared = await h.admin.patch('/api/stations/CP-001', { connectors: [{ connectorId: 1, socketType: null }] });
    expect(cleared.body.connectors[0].socketType).toBeNull();
  });

  it('lets a user set a station\'s VIP flag and nothing else, in the audit log; not an anonymous client (S1, W5)', async () => {
    expect((await h.admin.get('/api/stations/CP-003')).body).toMatchObject({ vip: true, name: null, zone: 'Row A' });
    const r = await h.user.patch('/api/stations/CP-003', { vip: false });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ id: 'CP-003', vip: false });
    expect(h.app.control!.state.connectors.get('CP-003/1')?.stationVip).toBe(false);
    const [entry] = await h.app.store.audit.list({ action: 'station.update' });
    expect(entry).toMatchObject({ actor: 'operator', target: 'CP-003' });
    expect(JSON.parse(entry.details ?? 'null')).toEqual({ vip: false });
    expect((await h.user.patch('/api/stations/CP-003', { vip: true })).body.vip).toBe(true);

    // Any other field, with VIP in the same request or alone, valid or not: 403, nothing changed.
    const mixed = await h.user.patch('/api/stations/CP-003', { vip: false, name: 'Mine' });
    expect(mixed.status).toBe(403);
    expect(mixed.body).toEqual({ error: 'admin-fields', message: expect.stringMatching(/only an admin may change name; .*vip only/) });
    const others: unknown[] = [
      { name: 'Mine' }, { zone: 'Row B' }, { authMode: 'lms-allow-all' }, { offlineAuthMode: 'reject' }, { boxIdentity: 'BOX-9' },
      { password: 'n3w-secret-2' }, { upstreamPassword: 'x' }, { connectors: [{ connectorId: 1, maxCurrentA: 32 }] }, { authMode: 'nonsense' },
    ];
    for (const body of others) {
      const refused = await h.user.patch('/api/stations/CP-003', body);
      expect(refused.status, JSON.stringify(body)).toBe(403);
      expect(refused.body.error).toBe('admin-fields');
    }
    expect((await h.admin.get('/api/stations/CP-003')).body).toMatchObject({
      vip: true, name: null, zone: 'Row A', authMode: null, boxIdentity: 'BOX-3', hasPassword: false, connectors: [{ connectorId: 1, maxCurrentA: 16 }, { connectorId: 2 }],
    });
    expect((await h.app.store.audit.list({ action: 'station.update' }))[0].actor).toBe('operator');

    // A bad VIP value is the schema's 400; an anonymous client may not set VIP at all.
    expect((await h.user.patch('/api/stations/CP-003', { vip: 'maybe' })).status).toBe(400);
    const anonymous = await h.anonymous.patch('/api/stations/CP-003', { vip: false });
    expect(anonymous.status).toBe(401);
    expect((await h.admin.get('/api/stations/CP-003')).body.vip).toBe(true);
    // The admin still edits every field.
    expect((await h.admin.patch('/api/stations/CP-003', { vip: false, name: 'Garage door' })).body).toMatchObject({ vip: false, name: 'Garage door' });
  });

  it('removes a station, connected or not', async () => {
    expect((await h.user.delete('/api/stations/CP-003')).status).toBe(403);
    expect((await h.admin.delete('/api/stations/CP-003')).status).toBe(200);
    expect((await h.user.get('/api/stations/CP-003')).status).toBe(404);
    expect((await h.admin.delete('/api/stations/CP-003')).status).toBe(404);
    expect(h.app.control!.state.snapshot().connectors.some((c) => c.stationId === 'CP-003')).toBe(false);
  });
});
