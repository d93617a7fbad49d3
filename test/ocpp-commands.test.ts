// Commands to stations with timeouts and recorded outcomes (O4, O6), force stop (O8), wss (O1).
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { bootRaw, connectRaw, iso, startHarness, testSite, waitFor, type Harness, type RawStation } from './helpers/harness.js';
import { tempDir } from './helpers/temp-dir.js';
import { selfSignedCertificate } from './helpers/tls.js';

describe('commands to stations (O4, O6)', () => {
  let h: Harness;
  let cp: RawStation;
  beforeEach(async () => {
    h = await startHarness(testSite(), { control: false }); // only what the tests send
    cp = await connectRaw(h.app.ocppUrl, 'CP-002');
    await waitFor(() => h.app.stationServer.client('CP-002') !== undefined, 'connection registered');
    await bootRaw(cp); // D8: nothing is sent to a station before its boot is accepted
  });
  afterEach(async () => {
    await cp.close({ force: true });
    await h.cleanup();
  });

  it('sends a typed command and records the answer', async () => {
    cp.handle('GetConfiguration', async ({ params }) => ({
      configurationKey: [{ key: 'ChargeProfileMaxStackLevel', readonly: true, value: '8' }],
      unknownKey: (params as { key?: string[] }).key?.filter((k) => k !== 'ChargeProfileMaxStackLevel') ?? [],
    }));
    const result = await h.app.commands.send('CP-002', 'GetConfiguration', { key: ['ChargeProfileMaxStackLevel', 'Nope'] });
    expect(result).toMatchObject({ ok: true, response: { configurationKey: [{ key: 'ChargeProfileMaxStackLevel', value: '8' }], unknownKey: ['Nope'] } });
    const [row] = await h.app.store.commands.listForStation('CP-002');
    expect(row).toMatchObject({ action: 'GetConfiguration', outcome: 'answered' });
    expect(JSON.parse(row.request as string)).toEqual({ key: ['ChargeProfileMaxStackLevel', 'Nope'] });
    expect(row.done_at).toBeGreaterThanOrEqual(row.sent_at);
  });

  it('records a timeout when the station does not answer', async () => {
    cp.handle('Reset', () => new Promise(() => {}));
    const result = await h.app.commands.send('CP-002', 'Reset', { type: 'Soft' }, { timeoutMs: 200 });
    expect(result).toMatchObject({ ok: false, outcome: 'timeout' });
    expect((await h.app.store.commands.listForStation('CP-002'))[0]).toMatchObject({ action: 'Reset', outcome: 'timeout' });
  });

  it('sends one command at a time, each timed from when it goes, and goes on after a timeout (issue 15)', async () => {
    // The timeout is Fuseguard's own since issue 15 (not ocpp-rpc's): commands made together must
    // still reach the station one at a time, and one that waited its turn has its whole timeout.
    const arrivals: string[] = [];
    let inFlight = 0;
    let mostInFlight = 0;
    const answerAfter = (ms: number, answer: unknown) => async ({ method }: { method: string }) => {
      arrivals.push(method);
      mostInFlight = Math.max(mostInFlight, ++inFlight);
      await new Promise((resolve) => setTimeout(resolve, ms));
      inFlight--;
      return answer;
    };
    cp.handle('Reset', () => { arrivals.push('Reset'); return new Promise(() => {}); });
    cp.handle('ClearCache', answerAfter(250, { status: 'Accepted' }) as never);
    cp.handle('UnlockConnector', answerAfter(0, { status: 'Unlocked' }) as never);
    const [reset, clear, unlock] = await Promise.all([
      h.app.commands.send('CP-002', 'Reset', { type: 'Soft' }, { timeoutMs: 300 }),
      // Waits 300 ms for the Reset, then takes 250 ms: within its 400 ms once it goes.
      h.app.commands.send('CP-002', 'ClearCache', {}, { timeoutMs: 400 }),
      h.app.commands.send('CP-002', 'UnlockConnector', { connectorId: 1 }, { timeoutMs: 400 }),
    ]);
    expect(reset).toMatchObject({ ok: false, outcome: 'timeout' });
    expect(clear).toMatchObject({ ok: true, response: { status: 'Accepted' } });
    expect(unlock).toMatchObject({ ok: true, response: { status: 'Unlocked' } });
    expect(arrivals).toEqual(['Reset', 'ClearCache', 'UnlockConnector']);
    expect(mostInFlight).toBe(1);
  });

  it('records the CALLERROR of a station and an invalid answer as errors', async () => {
    const notSupported = await h.app.commands.send('CP-002', 'UnlockConnector', { connectorId: 1 });
    expect(notSupported).toMatchObject({ ok: false, outcome: 'error', message: expect.stringMatching(/^NotImplemented/) });
    cp.handle('ClearCache', async () => ({ status: 'Maybe' }));
    const invalid = await h.app.commands.send('CP-002', 'ClearCache', {});
    expect(invalid).toMatchObject({ ok: false, outcome: 'error' });
    const outcomes = (await h.app.store.commands.listForStation('CP-002')).map((c) => [c.action, c.outcome]);
    expect(outcomes).toEqual([['ClearCache', 'error'], ['UnlockConnector', 'error']]);
  });

  it('refuses to send an invalid request and records why', async () => {
    const result = await h.app.commands.send('CP-002', 'ChangeAvailability', { connectorId: 1, type: 'Sometimes' } as never);
    expect(result).toMatchObject({ ok: false, outcome: 'error' });
  });

  it('records a command to a station that is not connected', async () => {
    const result = await h.app.commands.send('CP-003', 'ClearCache', {});
    expect(result).toMatchObject({ ok: false, outcome: 'error', message: 'station is not connected' });
    expect((await h.app.store.commands.listForStation('CP-003'))[0]).toMatchObject({ outcome: 'error' });
  });
});

describe('force stop (O8)', () => {
  it('closes a transaction whose station vanished at its last known reading, with a reason that says so', async () => {
    const h = await startHarness(testSite());
    try {
      const cp = await connectRaw(h.app.ocppUrl, 'CP-002');
      const t0 = Date.now() - 600_000;
      const { transactionId } = await cp.call('StartTransaction', { connectorId: 1, idTag: 'GOOD', meterStart: 2_000, timestamp: iso(t0) }) as { transactionId: number };
      await cp.call('MeterValues', { connectorId: 1, transactionId, meterValue: [{ timestamp: iso(t0 + 300_000), sampledValue: [{ value: '5000', unit: 'Wh' }] }] });
      await cp.close({ force: true });
      expect(await h.app.sessions.forceStop(transactionId, 'test')).toBe(true);
      expect(await h.app.sessions.forceStop(transactionId, 'test')).toBe(false);
      expect(await h.app.store.transactions.get(transactionId)).toMatchObject({ meter_stop_wh: 5_000, energy_wh: 3_000, stop_reason: 'ForceStop' });
    } finally {
      await h.cleanup();
    }
  });
});

describe('wss with a configured certificate (O1)', () => {
  it('serves OCPP over TLS', async () => {
    const dir = tempDir();
    const { certFile, keyFile } = selfSignedCertificate(dir.path);
    const h = await startHarness(testSite(), { tls: { certFile, keyFile } });
    try {
      expect(h.app.ocppUrl).toMatch(/^wss:\/\/127\.0\.0\.1:\d+\/ocpp$/);
      const cp = await connectRaw(h.app.ocppUrl, 'CP-002', { wsOpts: { rejectUnauthorized: false } });
      expect(await cp.call('BootNotification', { chargePointVendor: 'A', chargePointModel: 'B' })).toMatchObject({ status: 'Accepted' });
      await cp.close();
      const plain = await connectRaw(h.app.ocppUrl.replace('wss:', 'ws:'), 'CP-002').then(() => 'connected', () => 'refused');
      expect(plain).toBe('refused');
    } finally {
      await h.cleanup();
      dir.cleanup();
    }
  });
});
