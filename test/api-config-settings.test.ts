// Settings over real HTTP (W8): load shedding (A3, A5), advanced (S2 and the rest), network
// (stored for the next start) and remote supervision (secrets masked); bad bodies name the field.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApiHarness, type ApiHarness } from './helpers/api-client.js';
import { testSite } from './helpers/harness.js';

describe('settings API', () => {
  let h: ApiHarness;
  beforeAll(async () => { h = await startApiHarness(testSite()); });
  afterAll(async () => { await h?.cleanup(); });

  it('reads and changes load shedding; the control loop uses it at once (A3, A5, A6)', async () => {
    const before = await h.user.get('/api/settings/load-shedding');
    expect(before.status).toBe(200);
    expect(before.body).toEqual({ minimumStandard: 'IEC61851', sheddingPriority: 'energy', rotationPeriodMin: 15 });
    expect((await h.user.patch('/api/settings/load-shedding', { sheddingPriority: 'duration' })).status).toBe(403);

    const changed = await h.admin.patch('/api/settings/load-shedding', { minimumStandard: 'EVZE', rotationPeriodMin: 30 });
    expect(changed.status).toBe(200);
    expect(changed.body).toEqual({ minimumStandard: 'EVZE', sheddingPriority: 'energy', rotationPeriodMin: 30 });
    expect(h.app.control?.state.settings.minimumStandard).toBe('EVZE');
    expect(h.app.control?.state.snapshot().settings?.rotationPeriodMs).toBe(30 * 60_000); // A6
    const audit = await h.app.store.audit.list({ limit: 5 });
    expect(audit.some((a: { action: string }) => a.action === 'settings.load-shedding')).toBe(true);
  });

  it('refuses bad values and unknown fields, naming the field, and changes nothing', async () => {
    const bad = await h.admin.patch('/api/settings/load-shedding', { minimumStandard: 'NEMA' });
    expect(bad.status).toBe(400);
    expect(bad.body.details[0].field).toBe('body.minimumStandard');
    const unknown = await h.admin.patch('/api/settings/load-shedding', { rotationMin: 15 });
    expect(unknown.status).toBe(400);
    expect(unknown.body.details[0].field).toBe('body.rotationMin');
    const low = await h.admin.patch('/api/settings/advanced', { sessionIdleTimeoutS: 5 });
    expect(low.status).toBe(400);
    expect(low.body.details[0].field).toBe('body.sessionIdleTimeoutS');
    expect((await h.admin.get('/api/settings/advanced')).body.sessionIdleTimeoutS).toBe(6000);
  });

  it('reads and changes the retention settings, refusing negative and non-integer values by name (issue 16, item 12)', async () => {
    expect((await h.admin.get('/api/settings/advanced')).body).toMatchObject({
      commandsMaxAgeDays: 14, commandsMaxRows: 1_000_000, auditMaxAgeDays: 365, auditMaxRows: 100_000, samplesOutsideSessionsMaxAgeDays: 7,
    });
    const negative = await h.admin.patch('/api/settings/advanced', { commandsMaxAgeDays: -1 });
    expect(negative.status).toBe(400);
    expect(negative.body.details[0]).toEqual({ field: 'body.commandsMaxAgeDays', message: 'must be >= 1' });
    const fraction = await h.admin.patch('/api/settings/advanced', { auditMaxRows: 1500.5 });
    expect(fraction.status).toBe(400);
    expect(fraction.body.details[0]).toEqual({ field: 'body.auditMaxRows', message: 'must be integer' });
    const changed = await h.admin.patch('/api/settings/advanced', { commandsMaxAgeDays: 3, samplesOutsideSessionsMaxAgeDays: 1 });
    expect(changed.status).toBe(200);
    expect(changed.body).toMatchObject({ commandsMaxAgeDays: 3, commandsMaxRows: 1_000_000, samplesOutsideSessionsMaxAgeDays: 1 });
  });

  it('changes the advanced values (S2, P1, O2)', async () => {
    const r = await h.admin.patch('/api/settings/advanced', { loginLockoutAttempts: 7, meterPollingMs: 1000, unknownStations: 'reject' });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ loginLockoutAttempts: 7, loginLockoutS: 60, sessionIdleTimeoutS: 6000, meterPollingMs: 1000, unknownStations: 'reject', heartbeatIntervalS: 300 });
    expect(h.app.meters.pollingMs).toBe(1000);
    expect((await h.user.get('/api/settings/advanced')).status).toBe(403);
  });

  it('stores the network settings for the next start and says a restart is needed', async () => {
    expect((await h.admin.get('/api/settings/network')).body).toEqual({ network: {}, restartRequired: false });
    const r = await h.admin.put('/api/settings/network', { host: '0.0.0.0', port: 8443, trustProxy: true });
    expect(r.status).toBe(200);
    expect(r.body).toEqual({ network: { host: '0.0.0.0', port: 8443, trustProxy: true }, restartRequired: true });
    expect((await h.admin.get('/api/settings/network')).body.network.port).toBe(8443);
    const half = await h.admin.put('/api/settings/network', { tlsCertFile: '/etc/fg/cert.pem' });
    expect(half.status).toBe(422);
    expect(half.body).toMatchObject({ error: 'tls-pair', details: { field: 'body.tlsKeyFile' } });
    const missing = await h.admin.put('/api/settings/network', { tlsCertFile: '/nonexistent/cert.pem', tlsKeyFile: '/nonexistent/key.pem' });
    expect(missing.status).toBe(422);
    expect(missing.body).toMatchObject({ error: 'tls-file', details: { field: 'body.tlsCertFile' } });
    const port = await h.admin.put('/api/settings/network', { port: 70000 });
    expect(port.status).toBe(400);
    expect(port.body.details[0].field).toBe('body.port');
  });

  it('stores remote supervision without echoing the proxy password', async () => {
    const r = await h.admin.put('/api/settings/upstream', {
      enabled: true, url: 'wss://cpo.example/ocpp', proxyUrl: 'http://relay:s3cret@proxy.example:3128', webSocketPingIntervalS: 60,
    });
    expect(r.status).toBe(200);
    expect(r.text).not.toContain('s3cret');
    expect(r.body.proxyUrl).toBe('http://relay:********@proxy.example:3128/');
    const got = await h.admin.get('/api/settings/upstream');
    expect(got.text).not.toContain('s3cret');
    // Sending the masked value back keeps the stored password.
    expect((await h.admin.put('/api/settings/upstream', { ...got.body, transactionMessageAttempts: 100 })).status).toBe(200);
    const stored = (await h.app.store.settings.getAll()).upstream as { proxyUrl: string; transactionMessageAttempts: number };
    expect(stored.proxyUrl).toBe('http://relay:s3cret@proxy.example:3128');
    expect(stored.transactionMessageAttempts).toBe(100);
    const audit = await h.app.store.audit.list({ limit: 20 });
    expect(JSON.stringify(audit)).not.toContain('s3cret');
    expect((await h.admin.put('/api/settings/upstream', { enabled: true })).body).toMatchObject({ error: 'upstream-url-required', details: { field: 'body.url' } });
    expect((await h.admin.put('/api/settings/upstream', { url: 'http://x' })).body.details[0].field).toBe('body.url');
    const all = await h.admin.get('/api/settings');
    expect(all.status).toBe(200);
    expect(all.text).not.toContain('s3cret');
    expect(all.body.loadShedding.minimumStandard).toBe('EVZE');
  });
});
