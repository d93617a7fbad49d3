// The OCPP 1.6J station server over real WebSockets (O1-O3, O7, B1, B3).
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { connectRaw, iso, startHarness, testSite, waitFor, type Harness, type RawStation } from './helpers/harness.js';

const boot = { chargePointVendor: 'Acme', chargePointModel: 'Wallbox 22' };

describe('OCPP station server', () => {
  let h: Harness;
  const clients: RawStation[] = [];
  const connect = async (id: string, options: Parameters<typeof connectRaw>[2] = {}) => {
    const client = await connectRaw(h.app.ocppUrl, id, options);
    clients.push(client);
    return client;
  };

  beforeEach(async () => {
    h = await startHarness(testSite());
  });
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((c) => c.close({ force: true })));
    await h.cleanup();
  });

  it('boots, heartbeats and records connector status (O3)', async () => {
    const cp = await connect('CP-002');
    const bootAnswer = await cp.call('BootNotification', boot) as { status: string; interval: number; currentTime: string };
    expect(bootAnswer.status).toBe('Accepted');
    expect(bootAnswer.interval).toBe(300);
    expect(Date.parse(bootAnswer.currentTime)).toBeGreaterThan(0);
    const beat = await cp.call('Heartbeat', {}) as { currentTime: string };
    expect(Math.abs(Date.parse(beat.currentTime) - Date.now())).toBeLessThan(5_000);
    await cp.call('StatusNotification', { connectorId: 2, errorCode: 'NoError', status: 'Preparing' });
    await cp.call('StatusNotification', { connectorId: 0, errorCode: 'NoError', status: 'Available' });
    const station = await h.app.store.stations.get('CP-002');
    expect(station).toMatchObject({ connected: 1, vendor: 'Acme', model: 'Wallbox 22', status: 'Available' });
    const connectors = await h.app.store.stations.listConnectors('CP-002');
    expect(connectors.map((c) => [c.connector_id, c.phases, c.status])).toEqual([[1, 'L1L2L3', null], [2, 'L1', 'Preparing']]);
  });

  it('accepts a known badge, rejects an unknown one and records it as seen; lms-allow-all accepts it (B1, B3)', async () => {
    const rowA = await connect('CP-002');
    expect(await rowA.call('Authorize', { idTag: 'GOOD' })).toEqual({ idTagInfo: { status: 'Accepted' } });
    expect(await rowA.call('Authorize', { idTag: 'BLOCKED' })).toEqual({ idTagInfo: { status: 'Blocked' } });
    expect(await rowA.call('Authorize', { idTag: 'STRANGER' })).toEqual({ idTagInfo: { status: 'Invalid' } });
    const rowB = await connect('CP-003');
    expect(await rowB.call('Authorize', { idTag: 'WALK-IN' })).toEqual({ idTagInfo: { status: 'Accepted' } });
    const seen = await h.app.store.badges.listSeen();
    expect(seen.map((s) => [s.id_tag, s.last_station_id]).sort()).toEqual([['STRANGER', 'CP-002'], ['WALK-IN', 'CP-003']]);
    expect((await h.app.store.badges.get('GOOD'))?.last_seen_at).toBeGreaterThan(0);
  });

  it('stores start, meter values and stop with the right energy (O7)', async () => {
    const cp = await connect('CP-002');
    const t0 = Date.now() - 60_000;
    const start = await cp.call('StartTransaction', { connectorId: 1, idTag: 'GOOD', meterStart: 1_000, timestamp: iso(t0) }) as { transactionId: number; idTagInfo: { status: string } };
    expect(start.idTagInfo.status).toBe('Accepted');
    await cp.call('MeterValues', { connectorId: 1, transactionId: start.transactionId, meterValue: [{ timestamp: iso(t0 + 30_000), sampledValue: [
      { value: '4.5', unit: 'kWh', measurand: 'Energy.Active.Import.Register' },
      { value: '16', unit: 'A', measurand: 'Current.Import', phase: 'L1' },
    ] }] });
    await cp.call('StopTransaction', { transactionId: start.transactionId, meterStop: 8_250, timestamp: iso(t0 + 60_000), reason: 'EVDisconnected' });
    const tx = await h.app.store.transactions.get(start.transactionId);
    expect(tx).toMatchObject({ station_id: 'CP-002', connector_id: 1, id_tag: 'GOOD', meter_start_wh: 1_000, meter_stop_wh: 8_250, energy_wh: 7_250, start_at: t0, stop_at: t0 + 60_000, stop_reason: 'EVDisconnected' });
    const samples = await h.app.store.transactions.samples(start.transactionId);
    expect(samples.map((s) => [s.measurand, s.phase, s.value])).toEqual([['Energy.Active.Import.Register', null, 4_500], ['Current.Import', 'L1', 16]]);
  });

  it('issues unique transaction ids and answers a repeated start with the same id (O7)', async () => {
    const cp = await connect('CP-002');
    const req = { connectorId: 1, idTag: 'GOOD', meterStart: 0, timestamp: iso(Date.now()) };
    const a = await cp.call('StartTransaction', req) as { transactionId: number };
    const again = await cp.call('StartTransaction', req) as { transactionId: number };
    const b = await cp.call('StartTransaction', { ...req, connectorId: 2 }) as { transactionId: number };
    expect(again.transactionId).toBe(a.transactionId);
    expect(b.transactionId).not.toBe(a.transactionId);
    expect(await h.app.store.transactions.list()).toHaveLength(2);
  });

  it('answers schema-invalid messages with the right CALLERROR and stays connected (O1)', async () => {
    const cp = await connect('CP-002');
    const codeOf = (call: Promise<unknown>) => call.then(() => 'no error', (e: { rpcErrorCode?: string }) => e.rpcErrorCode);
    expect(await codeOf(cp.call('Authorize', { idTag: 'X'.repeat(21) }))).toBe('PropertyConstraintViolation');
    expect(await codeOf(cp.call('Authorize', {}))).toBe('OccurenceConstraintViolation');
    expect(await codeOf(cp.call('StartTransaction', { connectorId: 'one', idTag: 'GOOD', meterStart: 0, timestamp: iso(Date.now()) }))).toBe('TypeConstraintViolation');
    expect(await codeOf(cp.call('StatusNotification', { connectorId: 1, errorCode: 'NoError', status: 'Sleeping' }))).toBe('PropertyConstraintViolation');
    expect(await codeOf(cp.call('MeterValues', { connectorId: 1, meterValue: [{ timestamp: iso(Date.now()), sampledValue: [{ value: 'lots' }] }] }))).toBe('PropertyConstraintViolation');
    expect(await codeOf(cp.call('FlyToTheMoon', {}))).toBe('NotImplemented');
    expect(await codeOf(cp.call('Reset', { type: 'Soft' }))).toBe('NotSupported');
    expect(await cp.call('Heartbeat', {})).toHaveProperty('currentTime');
    expect((await h.app.store.stations.get('CP-002'))?.connected).toBe(1);
    const logged = await h.app.store.logs.list({ stationId: 'CP-002' });
    expect(logged.some((l) => l.message.includes('invalid incoming Authorize'))).toBe(true);
  });

  it('answers an unknown vendor DataTransfer with UnknownVendorId (O3)', async () => {
    const cp = await connect('CP-002');
    expect(await cp.call('DataTransfer', { vendorId: 'com.example', messageId: 'x', data: '1' })).toEqual({ status: 'UnknownVendorId' });
    expect(await cp.call('FirmwareStatusNotification', { status: 'Downloading' })).toEqual({});
    expect(await cp.call('DiagnosticsStatusNotification', { status: 'Uploaded' })).toEqual({});
  });

  it('refuses a wrong or missing password with HTTP 401 and admits the right one (O2)', async () => {
    const statusOf = (p: Promise<unknown>) => p.then(() => 'connected', (e: { code?: number }) => e.code);
    expect(await statusOf(connect('CP-001', { password: 'wrong-password' }))).toBe(401);
    expect(await statusOf(connect('CP-001'))).toBe(401);
    const cp = await connect('CP-001', { password: 'secret-key-001' });
    expect(await cp.call('BootNotification', boot)).toMatchObject({ status: 'Accepted' });
  });

  it('refuses ids with spaces or over 48 characters, other paths and a missing subprotocol (O1, O2)', async () => {
    const statusOf = (p: Promise<unknown>) => p.then(() => 'connected', (e: { code?: number }) => e.code);
    expect(await statusOf(connect('CP 004'))).toBe(400);
    expect(await statusOf(connect('X'.repeat(49)))).toBe(400);
    expect(await statusOf(connect('CP-002', { protocols: ['ocpp2.0.1'] }))).toBe(400);
    expect(await statusOf(connectRaw(h.app.ocppUrl.replace('/ocpp', '/other'), 'CP-002'))).toBe(404);
  });

  it('holds an unknown station as pending until an admin admits it (O2)', async () => {
    const cp = await connect('NEW-001');
    expect(await cp.call('BootNotification', boot)).toMatchObject({ status: 'Pending', interval: 30 });
    await expect(cp.call('StartTransaction', { connectorId: 1, idTag: 'GOOD', meterStart: 0, timestamp: iso(Date.now()) }))
      .rejects.toMatchObject({ rpcErrorCode: 'SecurityError' });
    expect(await h.app.store.stations.get('NEW-001')).toMatchObject({ admission: 'pending', zone: null, vendor: 'Acme' });
    await h.app.store.stations.admit('NEW-001', 'Row A');
    expect(await cp.call('BootNotification', boot)).toMatchObject({ status: 'Accepted' });
    expect(await cp.call('Authorize', { idTag: 'GOOD' })).toEqual({ idTagInfo: { status: 'Accepted' } });
  });

  it('accepts a StopTransaction for an unknown id and logs it (O7)', async () => {
    const cp = await connect('CP-002');
    expect(await cp.call('StopTransaction', { transactionId: 4242, meterStop: 10, timestamp: iso(Date.now()) })).toEqual({});
    const logged = await h.app.store.logs.list({ stationId: 'CP-002' });
    expect(logged.map((l) => l.message)).toContain('StopTransaction for unknown transaction 4242 accepted');
  });

  it('accepts messages queued offline in order, with their own timestamps (O7)', async () => {
    const cp = await connect('CP-002');
    const t0 = Date.now() - 3_600_000;
    const start = await cp.call('StartTransaction', { connectorId: 2, idTag: 'GOOD', meterStart: 500, timestamp: iso(t0) }) as { transactionId: number };
    for (let i = 1; i <= 3; i++) {
      await cp.call('MeterValues', { connectorId: 2, transactionId: start.transactionId, meterValue: [{ timestamp: iso(t0 + i * 600_000), sampledValue: [{ value: String(500 + i * 1000) }] }] });
    }
    await cp.call('StopTransaction', { transactionId: start.transactionId, meterStop: 3_900, timestamp: iso(t0 + 2_000_000), reason: 'Local' });
    const tx = await h.app.store.transactions.get(start.transactionId);
    expect(tx).toMatchObject({ start_at: t0, stop_at: t0 + 2_000_000, energy_wh: 3_400, last_meter_wh: 3_900 });
    expect((await h.app.store.transactions.samples(start.transactionId)).map((s) => s.at)).toEqual([t0 + 600_000, t0 + 1_200_000, t0 + 1_800_000]);
  });

  it('marks a station offline with the time when its socket closes', async () => {
    const cp = await connect('CP-002');
    await waitFor(async () => (await h.app.store.stations.get('CP-002'))?.connected === 1, 'connected');
    const before = Date.now();
    await cp.close({ code: 1000, reason: 'bye' });
    await waitFor(async () => (await h.app.store.stations.get('CP-002'))?.connected === 0, 'offline');
    const station = await h.app.store.stations.get('CP-002');
    expect(station?.last_disconnected_at).toBeGreaterThanOrEqual(before);
    expect(station?.disconnect_reason).toBe('closed with code 1000: bye');
  });
});

describe('OCPP station server: settings and liveness', () => {
  it('rejects unknown stations with 403 when unknownStations is reject (O2)', async () => {
    const site = testSite();
    site.settings = { unknownStations: 'reject' };
    const h = await startHarness(site);
    try {
      const outcome = await connectRaw(h.app.ocppUrl, 'NEW-002').then(() => 'connected', (e: { code?: number }) => e.code);
      expect(outcome).toBe(403);
      expect(await h.app.store.stations.get('NEW-002')).toBeUndefined();
    } finally {
      await h.cleanup();
    }
  });

  it('marks a station offline when it stops answering pings', async () => {
    const h = await startHarness(testSite(), { pingIntervalMs: 150 });
    const cp = await connectRaw(h.app.ocppUrl, 'CP-002', { wsOpts: { autoPong: false } });
    try {
      await waitFor(async () => (await h.app.store.stations.get('CP-002'))?.connected === 1, 'connected');
      await waitFor(async () => (await h.app.store.stations.get('CP-002'))?.connected === 0, 'offline after missed pongs');
      expect((await h.app.store.stations.get('CP-002'))?.disconnect_reason).toMatch(/no answer to pings/);
    } finally {
      await cp.close({ force: true });
      await h.cleanup();
    }
  });
});
