// What the CPO answers is acted on: its time is the reference time (U3); a Pending boot holds
// every other message until it accepts (OCPP 1.6 BootNotification); a `cpo` station's session
// whose idTag the CPO refuses in its StartTransaction answer is stopped (B1). Real sockets.
import { afterEach, describe, expect, it } from 'vitest';
import { SimStation } from '../src/sim/index.js';
import type { SiteFile } from '../src/site/site-schema.js';
import { FAST_RELAY, FakeCpo, relaySite } from './helpers/fake-cpo.js';
import { connectRaw, startHarness, waitFor, type Harness } from './helpers/harness.js';

const HOUR_MS = 3_600_000;

describe("relay: the CPO's answers (U3, B1)", () => {
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

  async function startFuseguard(site: SiteFile): Promise<Harness> {
    const h = await startHarness(site, { relay: FAST_RELAY });
    cleanups.push(() => h.cleanup());
    return h;
  }

  function simStation(h: Harness): SimStation {
    const station = new SimStation({ id: 'CP-003', url: h.app.ocppUrl, meterValueIntervalS: 1, tickIntervalMs: 100, reconnectDelayMs: 100 });
    cleanups.push(() => station.stop());
    return station;
  }

  it("U3: the CPO's time becomes Fuseguard's, and the time stations are given", async () => {
    const cpo = await startCpo();
    cpo.currentTime = () => new Date(Date.now() + HOUR_MS).toISOString();
    const h = await startFuseguard(relaySite(cpo.url));
    const raw = await connectRaw(h.app.ocppUrl, 'CP-003');
    cleanups.push(() => raw.close({ force: true }).then(() => undefined));
    raw.handle(async () => ({ status: 'Accepted' }));
    const boot = await raw.call('BootNotification', { chargePointVendor: 'Test', chargePointModel: 'T1' }) as { currentTime: string };
    // Before the CPO was heard, the system's time. The relay's own boot upstream may be answered
    // first on a busy machine: then the boot may carry either (the correction moves only once).
    const bootOffsetMs = Date.parse(boot.currentTime) - Date.now();
    if (Math.abs(h.app.relay?.clockCorrectionMs() ?? 0) < 1_000) expect(Math.abs(bootOffsetMs)).toBeLessThan(5_000);
    else expect(Math.min(Math.abs(bootOffsetMs), Math.abs(bootOffsetMs - HOUR_MS))).toBeLessThan(5_000);

    await waitFor(() => Math.abs((h.app.relay?.clockCorrectionMs() ?? 0) - HOUR_MS) < 2_000, "Fuseguard's clock follows the CPO's");
    const heartbeat = await raw.call('Heartbeat', {}) as { currentTime: string };
    expect(Math.abs(Date.parse(heartbeat.currentTime) - (Date.now() + HOUR_MS))).toBeLessThan(5_000);
    // Its own records follow too: the event log is in the reference time.
    const logged = await h.app.store.logs.list({ limit: 1 });
    expect(Math.abs((logged[0]?.at ?? 0) - (Date.now() + HOUR_MS))).toBeLessThan(5_000);
    // Measured again against the corrected clock, the CPO is now on time.
    await raw.call('Heartbeat', {});
    await waitFor(() => Math.abs(h.app.relay?.linkOf('CP-003')?.timeOffsetMs ?? HOUR_MS) < 1_000, 'no difference left');
  });

  it('a Pending boot holds statuses and transaction messages until the CPO accepts the station', async () => {
    const cpo = await startCpo();
    let accept = false;
    let acceptedCall = -1; // its index in cpo.calls
    cpo.responders.set('BootNotification', () => {
      if (accept && acceptedCall < 0) acceptedCall = cpo.calls.length - 1;
      return { status: accept ? 'Accepted' : 'Pending', currentTime: new Date().toISOString(), interval: 1 };
    });
    const h = await startFuseguard(relaySite(cpo.url));
    const station = simStation(h);
    expect(await station.start()).toBe('Accepted'); // Fuseguard admits it; only the CPO waits
    await waitFor(() => h.app.relay?.linkOf('CP-003')?.bootStatus === 'Pending', 'the CPO answered Pending');
    await station.plugIn(1, { batteryWh: 50_000, maxCurrentA: 16, phases: 3 });
    expect((await station.presentBadge(1, 'ANY-BADGE')).transactionId).toBeGreaterThan(0);
    await waitFor(async () => (await h.app.store.relayOutbox.queuedCounts()).get('CP-003') === 1, 'StartTransaction queued');
    const boots = cpo.of('BootNotification', 'CPO-0003').length;
    await waitFor(() => cpo.of('BootNotification', 'CPO-0003').length >= boots + 2, 'the boot is tried again after the interval', 8_000);
    expect(h.app.relay?.linkOf('CP-003')?.isReady).toBe(false);
    expect(cpo.calls.filter((c) => c.identity === 'CPO-0003' && c.action !== 'BootNotification')).toEqual([]);

    accept = true;
    await waitFor(() => cpo.of('StartTransaction', 'CPO-0003').length === 1, 'StartTransaction delivered once accepted', 8_000);
    const firstOther = cpo.calls.findIndex((c) => c.action !== 'BootNotification');
    expect(acceptedCall).toBeGreaterThanOrEqual(0);
    expect(firstOther).toBeGreaterThan(acceptedCall);
    expect(cpo.calls.slice(firstOther).map((c) => c.action)).toEqual(expect.arrayContaining(['StatusNotification', 'StartTransaction']));
    expect(h.app.relay?.linkOf('CP-003')?.bootStatus).toBe('Accepted');
  });

  it('a station that boots again during a Pending wait is booted upstream at once, not after the interval', async () => {
    const cpo = await startCpo();
    let accept = false;
    cpo.responders.set('BootNotification', () => ({ status: accept ? 'Accepted' : 'Pending', currentTime: new Date().toISOString(), interval: 600 }));
    const h = await startFuseguard(relaySite(cpo.url));
    const raw = await connectRaw(h.app.ocppUrl, 'CP-003');
    cleanups.push(() => raw.close({ force: true }).then(() => undefined));
    raw.handle(async () => ({ status: 'Accepted' }));
    await raw.call('BootNotification', { chargePointVendor: 'Test', chargePointModel: 'T1' });
    await waitFor(() => h.app.relay?.linkOf('CP-003')?.bootStatus === 'Pending', 'the CPO answered Pending');
    accept = true;
    await raw.call('BootNotification', { chargePointVendor: 'Test', chargePointModel: 'T2' });
    await waitFor(() => h.app.relay?.linkOf('CP-003')?.isReady === true, 'the new boot went at once and was accepted');
    expect(cpo.of('BootNotification', 'CPO-0003').at(-1)).toMatchObject({ chargePointModel: 'T2' });
  });

  it('a station that boots again while its statuses are being relayed is booted again, and the link ends ready', async () => {
    const cpo = await startCpo();
    let slowStatuses = true;
    cpo.responders.set('StatusNotification', async () => {
      if (slowStatuses) await new Promise((resolve) => setTimeout(resolve, 500));
      return {};
    });
    const h = await startFuseguard(relaySite(cpo.url));
    const raw = await connectRaw(h.app.ocppUrl, 'CP-003');
    cleanups.push(() => raw.close({ force: true }).then(() => undefined));
    raw.handle(async () => ({ status: 'Accepted' }));
    await raw.call('StatusNotification', { connectorId: 1, status: 'Available', errorCode: 'NoError' });
    await raw.call('BootNotification', { chargePointVendor: 'Test', chargePointModel: 'T1' });
    await waitFor(() => cpo.of('StatusNotification', 'CPO-0003').length >= 1, 'the statuses go up after the boot');
    slowStatuses = false;
    await raw.call('BootNotification', { chargePointVendor: 'Test', chargePointModel: 'T2' }); // while that status waits for its answer
    await waitFor(() => cpo.of('BootNotification', 'CPO-0003').some((b) => b.chargePointModel === 'T2'), 'the new boot went up');
    await waitFor(() => h.app.relay?.linkOf('CP-003')?.isReady === true, 'the link is ready again');
    const lastBoot = cpo.calls.findLastIndex((c) => c.action === 'BootNotification');
    await waitFor(() => cpo.calls.slice(lastBoot).some((c) => c.action === 'StatusNotification'), 'the statuses went again after the new boot');
  });

  async function refusedSession(authMode: 'cpo' | 'lms-allow-all'): Promise<{ cpo: FakeCpo; h: Harness; ownId: number }> {
    const cpo = await startCpo();
    cpo.responders.set('StartTransaction', () => ({ transactionId: 77, idTagInfo: { status: 'Blocked' } }));
    const base = relaySite(cpo.url);
    const site: SiteFile = {
      ...base,
      zones: base.zones?.map((z) => ({ ...z, children: z.children?.map((c) => (c.name === 'Row B' ? { ...c, authMode } : c)) })),
    };
    const h = await startFuseguard(site);
    const station = simStation(h);
    expect(await station.start()).toBe('Accepted');
    await waitFor(() => h.app.relay?.linkOf('CP-003')?.isReady === true, 'link ready');
    await station.plugIn(1, { batteryWh: 50_000, maxCurrentA: 16, phases: 3 });
    const started = await station.presentBadge(1, 'CPO-BADGE'); // accepted: by the CPO's Authorize, or by Fuseguard
    const ownId = started.transactionId ?? -1;
    expect(ownId).toBeGreaterThan(0);
    await waitFor(() => cpo.of('StartTransaction', 'CPO-0003').length === 1, 'StartTransaction upstream');
    return { cpo, h, ownId };
  }

  it('B1 cpo: a session whose idTag the CPO refuses in its StartTransaction answer is stopped', async () => {
    const { cpo, h, ownId } = await refusedSession('cpo');
    await waitFor(async () => (await h.app.store.transactions.get(ownId))?.stop_at !== null, 'the session is stopped', 8_000);
    expect((await h.app.store.transactions.get(ownId))?.stop_reason).toBe('Remote');
    await waitFor(() => cpo.of('StopTransaction', 'CPO-0003').length === 1, 'its StopTransaction upstream, with the CPO id');
    expect(cpo.of('StopTransaction', 'CPO-0003')[0]).toMatchObject({ transactionId: 77 });
  });

  it("elsewhere the station's own mode decided: the CPO's refusal is logged, the session goes on", async () => {
    const { h, ownId } = await refusedSession('lms-allow-all');
    await waitFor(async () => (await h.app.store.logs.list({ stationId: 'CP-003', level: 'warn' })).some((l) => /answered Blocked to session/.test(l.message)), 'the refusal logged');
    expect((await h.app.store.transactions.get(ownId))?.stop_at).toBeNull();
    expect((await h.app.store.commands.listForStation('CP-003', 100)).map((c) => c.action)).not.toContain('RemoteStopTransaction');
  });
});
