// Basic auth towards the CPO (U1, OCPP security profile 1): a station's upstream link sends the
// password the CPO gave it. A wrong one leaves the link down and the transaction messages queued;
// the right one, set through the API, gets them delivered. The password is never shown.
import { createServer, type AddressInfo, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { SimStation } from '../src/sim/index.js';
import { exportSite } from '../src/site/export-site.js';
import type { SiteFile } from '../src/site/site-schema.js';
import { startApiHarness, type ApiHarness } from './helpers/api-client.js';
import { FAST_RELAY, FakeCpo, relaySite } from './helpers/fake-cpo.js';
import { waitFor } from './helpers/harness.js';

const SECRET = 'cpo-secret-0003';

describe('relay: Basic auth towards the CPO (U1)', () => {
  const cleanups: (() => Promise<void> | void)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  it('a wrong password keeps the link down and the messages queued; the right one through the API delivers them', async () => {
    const cpo = new FakeCpo();
    cpo.passwords.set('CPO-0003', SECRET);
    await cpo.start();
    cleanups.push(() => cpo.stop());
    const base = relaySite(cpo.url);
    const site: SiteFile = { ...base, stations: base.stations?.map((s) => (s.id === 'CP-003' ? { ...s, upstreamPassword: 'not-the-secret' } : s)) };
    const h: ApiHarness = await startApiHarness(site, { relay: FAST_RELAY });
    cleanups.push(() => h.cleanup());
    const station = new SimStation({ id: 'CP-003', url: h.app.ocppUrl, tickIntervalMs: 100, reconnectDelayMs: 100 });
    cleanups.push(() => station.stop());
    expect(await station.start()).toBe('Accepted');

    await waitFor(() => (cpo.refused.get('CPO-0003') ?? 0) >= 1, 'the CPO refuses the wrong password');
    await waitFor(() => /401/.test(h.app.relay?.linkOf('CP-003')?.lastError ?? ''), 'the refusal shown as the link error');
    expect(h.app.relay?.linkOf('CP-003')?.isUp).toBe(false);
    // The fake CPO is on ws://: the password goes in clear, and the operator is told.
    expect((await h.app.store.logs.list({ stationId: 'CP-003', level: 'warn' })).some((l) => /unencrypted.*use wss:\/\//.test(l.message))).toBe(true);
    await station.plugIn(1, { batteryWh: 50_000, maxCurrentA: 16, phases: 3 });
    expect((await station.presentBadge(1, 'ANY-BADGE')).transactionId).toBeGreaterThan(0);
    const status = await h.user.get<{ stations: { stationId: string; queued: number; state: string }[] }>('/api/relay/status');
    expect(status.body.stations.find((s) => s.stationId === 'CP-003')).toMatchObject({ queued: 1 });
    expect(cpo.clients.has('CPO-0003')).toBe(false);

    const edit = await h.admin.patch('/api/stations/CP-003', { upstreamPassword: SECRET });
    expect(edit.status).toBe(200);
    expect(edit.body).toMatchObject({ hasUpstreamPassword: true });
    await waitFor(() => cpo.of('StartTransaction', 'CPO-0003').length === 1, 'StartTransaction delivered with the right password', 8_000);
    expect(h.app.relay?.linkOf('CP-003')?.isReady).toBe(true);

    // Never shown: not in the station's view, nor in the audit log (only that it changed).
    const view = await h.admin.get('/api/stations/CP-003');
    expect(JSON.stringify(view.body)).not.toContain(SECRET);
    const audit = await h.app.store.audit.list({ action: 'station.update' });
    expect(audit.map((a) => a.details).join()).not.toContain(SECRET);
    expect(JSON.parse(audit[0]?.details ?? '{}')).toMatchObject({ upstreamPassword: 'changed' });
    // The site export carries it, as the site file does, so that a site can be rebuilt from it.
    expect((await exportSite(h.app.store)).stations?.find((s) => s.id === 'CP-003')?.upstreamPassword).toBe(SECRET);

    // Removed: the CPO refuses the link again.
    const refusedBefore = cpo.refused.get('CPO-0003') ?? 0;
    expect((await h.admin.patch('/api/stations/CP-003', { upstreamPassword: null })).body).toMatchObject({ hasUpstreamPassword: false });
    await waitFor(() => (cpo.refused.get('CPO-0003') ?? 0) > refusedBefore, 'without a password the CPO refuses it');
  });

  it('a new password reaches a link stuck connecting to a CPO that never answers the upgrade, without holding up the API', async () => {
    // A CPO address that takes the TCP connection and then says nothing.
    const sockets = new Set<Socket>();
    const silent = createServer((socket) => sockets.add(socket));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    cleanups.push(() => new Promise<void>((resolve) => {
      for (const socket of sockets) socket.destroy();
      silent.close(() => resolve());
    }));
    const { port } = silent.address() as AddressInfo;
    const h: ApiHarness = await startApiHarness(relaySite(`ws://127.0.0.1:${port}/cpo`), { relay: FAST_RELAY });
    cleanups.push(() => h.cleanup());
    const station = new SimStation({ id: 'CP-003', url: h.app.ocppUrl, tickIntervalMs: 100, reconnectDelayMs: 100 });
    cleanups.push(() => station.stop());
    expect(await station.start()).toBe('Accepted');
    await waitFor(() => h.app.relay?.linkOf('CP-003')?.state === 'connecting' && sockets.size === 1, 'the link hangs in its upgrade');
    const stuck = h.app.relay?.linkOf('CP-003');

    const edit = await Promise.race([
      h.admin.patch('/api/stations/CP-003', { upstreamPassword: SECRET }),
      new Promise<'hung'>((resolve) => setTimeout(() => resolve('hung'), 4_000)),
    ]);
    expect(edit === 'hung' ? edit : edit.status).toBe(200);
    await waitFor(() => h.app.relay?.linkOf('CP-003') !== stuck && h.app.relay?.linkOf('CP-003')?.password === SECRET, 'a new link with the password');
    expect(stuck?.state).toBe('closed');
  });

  it('the site file refuses an empty upstream password, naming the field', async () => {
    const base = relaySite('ws://127.0.0.1:9/cpo');
    const site: SiteFile = { ...base, stations: base.stations?.map((s) => (s.id === 'CP-003' ? { ...s, upstreamPassword: '' } : s)) };
    await expect(startApiHarness(site)).rejects.toThrow(/upstreamPassword/);
  });
});
