// The relay's upstream links through an HTTP CONNECT proxy (U4), over real sockets: Fuseguard,
// a SimStation, a fake CPO and a CONNECT proxy built on node:http, all on 127.0.0.1.
// With settings.upstream.proxyUrl the links are tunnelled (credentials in the URL are sent as
// Proxy-Authorization); a proxy that refuses or is down keeps the link down and the
// transaction messages queued (U2), delivered once the proxy lets them through.
import { afterEach, describe, expect, it } from 'vitest';
import { SimStation } from '../src/sim/index.js';
import type { SiteFile } from '../src/site/site-schema.js';
import { startApiHarness, type ApiHarness } from './helpers/api-client.js';
import { basic, ConnectProxy } from './helpers/connect-proxy.js';
import { FAST_RELAY, FakeCpo, relaySite } from './helpers/fake-cpo.js';
import { startHarness, waitFor, type Harness } from './helpers/harness.js';

// Characters that must be percent-encoded in a URL: the relay must decode them before sending.
const CREDENTIALS = { user: 'fuse guard', password: 'p@ss:w/rd%1' };
const WRONG = { user: 'fuse guard', password: 'not-the-password' };

interface StationStatus { stationId: string; state: string; queued: number; lastError: string | null }

const proxiedSite = (cpoUrl: string, proxyUrl: string): SiteFile => {
  const site = relaySite(cpoUrl);
  const upstream = site.settings?.upstream;
  return { ...site, settings: { ...site.settings, upstream: { ...upstream, proxyUrl } } };
};

const totalConnections = (cpo: FakeCpo): number => [...cpo.connections.values()].reduce((a, b) => a + b, 0);

describe('relay to a CPO through an HTTP CONNECT proxy (U4)', () => {
  const cleanups: (() => Promise<void> | void)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  async function startCpo(): Promise<FakeCpo> {
    const cpo = new FakeCpo();
    await cpo.start();
    cleanups.push(() => cpo.stop());
    return cpo;
  }

  async function startProxy(credentials: ConnectProxy['credentials']): Promise<ConnectProxy> {
    const proxy = new ConnectProxy();
    proxy.credentials = credentials;
    await proxy.start();
    cleanups.push(() => proxy.stop());
    return proxy;
  }

  async function startStation(h: Harness): Promise<SimStation> {
    const station = new SimStation({ id: 'CP-003', url: h.app.ocppUrl, meterValueIntervalS: 1, tickIntervalMs: 100, reconnectDelayMs: 100 });
    cleanups.push(() => station.stop());
    expect(await station.start()).toBe('Accepted');
    return station;
  }

  /** A session on connector 1, accepted locally (Row B: allow-all); Fuseguard's transaction id. */
  async function startSession(station: SimStation, idTag: string): Promise<number> {
    await station.plugIn(1, { batteryWh: 50_000, maxCurrentA: 16, phases: 3 });
    const started = await station.presentBadge(1, idTag);
    expect(started.started).toBe(true);
    return started.transactionId ?? -1;
  }

  async function queuedStarts(h: Harness): Promise<number> {
    return (await h.app.store.relayOutbox.list('CP-003')).filter((r) => r.state === 'queued' && r.action === 'StartTransaction').length;
  }

  it('with upstream.proxyUrl, every upstream link is tunnelled through the proxy, with the credentials of the URL', async () => {
    const cpo = await startCpo();
    const proxy = await startProxy(CREDENTIALS);
    const h = await startHarness(proxiedSite(cpo.url, proxy.url(CREDENTIALS)), { relay: FAST_RELAY });
    cleanups.push(() => h.cleanup());
    const station = await startStation(h);

    await waitFor(() => cpo.of('BootNotification', 'CPO-0003').length > 0, 'boot upstream, through the proxy');
    const ownId = await startSession(station, 'PROXIED-1');
    await waitFor(() => cpo.of('StartTransaction', 'CPO-0003').length === 1, 'StartTransaction upstream, through the proxy');
    expect(cpo.of('StartTransaction', 'CPO-0003')[0]).toMatchObject({ connectorId: 1, idTag: 'PROXIED-1' });
    await waitFor(async () => (await h.app.store.relayOutbox.cpoTransactionId(ownId)) === 9_001, 'the CPO id mapped');

    // The proxy was asked to tunnel to the CPO, with the URL's credentials, decoded, as Basic.
    expect(proxy.tunnels).toContain(`127.0.0.1:${cpo.port}`);
    expect(proxy.tunnels.every((t) => t === `127.0.0.1:${cpo.port}`)).toBe(true);
    expect(proxy.requests.every((r) => r.authorization === basic(CREDENTIALS))).toBe(true);
    expect(proxy.refused(407)).toHaveLength(0);
    // Every connection the CPO accepted came through a tunnel: none went around the proxy.
    expect(totalConnections(cpo)).toBeGreaterThan(0);
    expect(proxy.tunnels.length).toBeGreaterThanOrEqual(totalConnections(cpo));
    expect(h.app.relay?.linkOf('CP-003')?.isUp).toBe(true);
  });

  it('a proxy answering 407 keeps the link down and the messages queued; with the right credentials they are delivered', async () => {
    const cpo = await startCpo();
    const proxy = await startProxy(CREDENTIALS);
    const site = proxiedSite(cpo.url, proxy.url(WRONG));
    const h: ApiHarness = await startApiHarness(site, { relay: FAST_RELAY });
    cleanups.push(() => h.cleanup());
    const station = await startStation(h);

    await waitFor(() => proxy.refused(407).length > 0, 'the proxy refuses the wrong credentials');
    expect(proxy.refused(407)[0]).toMatchObject({ target: `127.0.0.1:${cpo.port}`, authorization: basic(WRONG) });
    const ownId = await startSession(station, 'REFUSED-1');
    expect(await queuedStarts(h)).toBe(1);
    // The link keeps trying after the message was queued, and keeps being refused.
    const refusedBefore = proxy.refused(407).length;
    await waitFor(() => proxy.refused(407).length > refusedBefore, 'another refused try');

    const status = await h.user.get<{ stations: StationStatus[] }>('/api/relay/status');
    expect(status.status).toBe(200);
    const cp3 = status.body.stations.find((s) => s.stationId === 'CP-003');
    expect(cp3?.queued).toBeGreaterThan(0);
    expect(cp3?.state).not.toBe('up');
    expect(cp3?.lastError).toMatch(/407|Proxy Authentication Required/); // the proxy's refusal, in words
    expect(status.text).not.toContain(WRONG.password); // no secrets in the status (U4)
    expect(proxy.tunnels).toHaveLength(0);
    expect(totalConnections(cpo)).toBe(0); // nothing went around the proxy
    expect(cpo.calls).toHaveLength(0);

    // The operator fixes the proxy URL; the relay restarts with it and delivers the queue.
    const fixed = await h.admin.put<{ proxyUrl?: string }>('/api/settings/upstream', { ...site.settings?.upstream, proxyUrl: proxy.url(CREDENTIALS) });
    expect(fixed.status).toBe(200);
    expect(fixed.text).not.toContain(encodeURIComponent(CREDENTIALS.password));
    await waitFor(async () => (await h.app.store.relayOutbox.queuedCounts()).size === 0, 'the queue delivered through the proxy');
    expect(cpo.of('StartTransaction', 'CPO-0003')).toEqual([expect.objectContaining({ connectorId: 1, idTag: 'REFUSED-1' })]);
    expect(await h.app.store.relayOutbox.cpoTransactionId(ownId)).toBe(9_001);
    // The CPO heard the station boot before the queued transaction.
    const actions = cpo.calls.filter((c) => c.identity === 'CPO-0003').map((c) => c.action);
    expect(actions.indexOf('BootNotification')).toBeGreaterThanOrEqual(0);
    expect(actions.indexOf('BootNotification')).toBeLessThan(actions.indexOf('StartTransaction'));
    expect(proxy.requests.filter((r) => r.status === 200).every((r) => r.authorization === basic(CREDENTIALS))).toBe(true);
    expect(proxy.tunnels.length).toBeGreaterThanOrEqual(totalConnections(cpo));

    const after = await h.user.get<{ stations: StationStatus[] }>('/api/relay/status');
    expect(after.body.stations.find((s) => s.stationId === 'CP-003')).toMatchObject({ state: 'up', queued: 0 });
  });

  it('a proxy that is down keeps the link down and the messages queued; once it is back they are delivered', async () => {
    const cpo = await startCpo();
    const proxy = await startProxy(null);
    await proxy.stop(); // down: nothing listens on its port
    const h = await startHarness(proxiedSite(cpo.url, proxy.url()), { relay: FAST_RELAY });
    cleanups.push(() => h.cleanup());
    const station = await startStation(h);

    await waitFor(() => h.app.relay?.linkOf('CP-003')?.state === 'down', 'the link down: no proxy');
    const ownIds = [await startSession(station, 'DOWN-1')];
    await station.unplug(1);
    ownIds.push(await startSession(station, 'DOWN-2'));
    expect(await queuedStarts(h)).toBe(2);
    // Still trying after the messages were queued, still down.
    const link = h.app.relay?.linkOf('CP-003');
    const since = link?.since ?? 0;
    await waitFor(() => link?.state === 'down' && link.since > since, 'another failed try');
    expect(link?.lastError).toMatch(/^connect: /);
    const status = (await h.app.relay?.status())?.find((s) => s.stationId === 'CP-003');
    expect(status?.queued).toBeGreaterThanOrEqual(3); // two starts and a stop, at least
    expect(status?.state).not.toBe('up');
    expect(totalConnections(cpo)).toBe(0); // the relay does not go around a proxy that is down
    expect(cpo.calls).toHaveLength(0);

    await proxy.start(); // back, on the same port
    await waitFor(async () => (await h.app.store.relayOutbox.queuedCounts()).size === 0, 'the queue delivered once the proxy is back');
    expect(cpo.of('StartTransaction', 'CPO-0003').map((s) => s.idTag)).toEqual(['DOWN-1', 'DOWN-2']);
    expect(cpo.of('StopTransaction', 'CPO-0003')).toEqual([expect.objectContaining({ transactionId: 9_001 })]);
    expect(await h.app.store.relayOutbox.cpoTransactionId(ownIds[0])).toBe(9_001);
    expect(await h.app.store.relayOutbox.cpoTransactionId(ownIds[1])).toBe(9_002);
    expect(proxy.tunnels).toContain(`127.0.0.1:${cpo.port}`);
    expect(proxy.tunnels.length).toBeGreaterThanOrEqual(totalConnections(cpo));
    expect(h.app.relay?.linkOf('CP-003')?.isUp).toBe(true);
  });
});
