// Reloads run one at a time: two configuration changes at once must not start two relays, each
// with its own link per station, delivering the same outbox twice (U1, U2).
import { afterEach, describe, expect, it } from 'vitest';
import { setTimeout as sleep } from 'node:timers/promises';
import { SimStation } from '../src/sim/index.js';
import { FAST_RELAY, FakeCpo, relaySite } from './helpers/fake-cpo.js';
import { connectRaw, startHarness, waitFor } from './helpers/harness.js';

describe('relay: reloads one at a time (U1, U2)', () => {
  const cleanups: (() => Promise<void> | void)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  it('two reloads at once after the CPO URL changed leave one link per station', async () => {
    const [first, second] = [new FakeCpo(), new FakeCpo()];
    for (const cpo of [first, second]) {
      await cpo.start();
      cleanups.push(() => cpo.stop());
    }
    const h = await startHarness(relaySite(first.url), { relay: FAST_RELAY });
    cleanups.push(() => h.cleanup());
    const station = new SimStation({ id: 'CP-003', url: h.app.ocppUrl, tickIntervalMs: 100, reconnectDelayMs: 100 });
    cleanups.push(() => station.stop());
    expect(await station.start()).toBe('Accepted');
    await waitFor(() => first.clients.has('CPO-0003'), 'linked to the first CPO');

    const settings = await h.app.store.settings.getAll();
    const upstream = settings.upstream as Record<string, unknown>;
    await h.app.store.settings.set({ upstream: { ...upstream, url: second.url } });
    await Promise.all([h.app.reload(), h.app.reload(), h.app.reload()]);
    await waitFor(() => second.clients.has('CPO-0003'), 'linked to the second CPO');
    await sleep(1_000); // any second link would have connected by now
    expect(second.connections.get('CPO-0003')).toBe(1);
    expect(first.clients.has('CPO-0003')).toBe(false);
  });

  it('a transaction message sent while the relay restarts with new settings is queued and delivered', async () => {
    const cpo = new FakeCpo();
    await cpo.start();
    cleanups.push(() => cpo.stop());
    const h = await startHarness(relaySite(cpo.url), { relay: FAST_RELAY });
    cleanups.push(() => h.cleanup());
    const raw = await connectRaw(h.app.ocppUrl, 'CP-003');
    cleanups.push(() => raw.close({ force: true }).then(() => undefined));
    raw.handle(async () => ({ status: 'Accepted' }));
    await raw.call('BootNotification', { chargePointVendor: 'Test', chargePointModel: 'T1' });
    const started = await raw.call('StartTransaction', { connectorId: 1, idTag: 'ANY', meterStart: 0, timestamp: new Date().toISOString() }) as { transactionId: number };
    await waitFor(() => cpo.of('StartTransaction', 'CPO-0003').length === 1, 'the session is at the CPO');

    // Only the ping interval changes: the relay restarts. The station keeps sending meanwhile.
    const upstream = (await h.app.store.settings.getAll()).upstream as Record<string, unknown>;
    await h.app.store.settings.set({ upstream: { ...upstream, webSocketPingIntervalS: 7 } });
    let reloaded = false;
    const reload = h.app.reload().then(() => { reloaded = true; });
    let sent = 0;
    while (!reloaded || sent < 5) {
      await raw.call('MeterValues', { connectorId: 1, transactionId: started.transactionId, meterValue: [{ timestamp: new Date().toISOString(), sampledValue: [{ value: String(100 + sent), measurand: 'Energy.Active.Import.Register', unit: 'Wh' }] }] });
      sent += 1;
    }
    await reload;
    await waitFor(() => cpo.of('MeterValues', 'CPO-0003').length === sent, `all ${sent} MeterValues at the CPO`, 10_000);
  });

  it('a link closed while the CPO has not answered a delivery yet counts no try (U2)', async () => {
    const cpo = new FakeCpo();
    await cpo.start();
    cleanups.push(() => cpo.stop());
    let answer = false;
    cpo.responders.set('StartTransaction', async () => {
      while (!answer) await sleep(20);
      return { transactionId: 5, idTagInfo: { status: 'Accepted' } };
    });
    const h = await startHarness(relaySite(cpo.url), { relay: { ...FAST_RELAY, callTimeoutMs: 10_000 } });
    cleanups.push(() => h.cleanup());
    const raw = await connectRaw(h.app.ocppUrl, 'CP-003');
    cleanups.push(() => raw.close({ force: true }).then(() => undefined));
    raw.handle(async () => ({ status: 'Accepted' }));
    await raw.call('BootNotification', { chargePointVendor: 'Test', chargePointModel: 'T1' });
    await raw.call('StartTransaction', { connectorId: 1, idTag: 'ANY', meterStart: 0, timestamp: new Date().toISOString() });
    await waitFor(() => cpo.of('StartTransaction', 'CPO-0003').length === 1, 'the delivery is in flight');

    // A new password: the link is replaced while the CPO still holds the call.
    await h.app.store.stations.update('CP-003', { upstream_password: 'a-new-secret' });
    await h.app.reload();
    await waitFor(() => h.app.relay?.linkOf('CP-003')?.password === 'a-new-secret', 'a new link');
    expect((await h.app.store.relayOutbox.head('CP-003'))?.attempts).toBe(0);
    answer = true;
    await waitFor(async () => (await h.app.store.relayOutbox.head('CP-003')) === undefined, 'delivered by the new link', 10_000);
  });
});

