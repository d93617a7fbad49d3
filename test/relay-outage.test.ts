// No session lost (U2): the CPO goes down, sessions run, the CPO comes back; every transaction
// message arrives exactly once, in order, with the CPO's own transaction ids.
import { afterEach, describe, expect, it } from 'vitest';
import { SimStation } from '../src/sim/index.js';
import { FAST_RELAY, FakeCpo, relaySite } from './helpers/fake-cpo.js';
import { startHarness, waitFor } from './helpers/harness.js';

describe('relay to a CPO: outage (U2)', () => {
  const cleanups: (() => Promise<void> | void)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  it('CPO down while two sessions run: once back, each message arrives exactly once, in order, ids mapped', async () => {
    const cpo = new FakeCpo();
    await cpo.start();
    cleanups.push(() => cpo.stop());
    const h = await startHarness(relaySite(cpo.url), { relay: FAST_RELAY });
    cleanups.push(() => h.cleanup());
    const station = new SimStation({ id: 'CP-003', url: h.app.ocppUrl, meterValueIntervalS: 1, tickIntervalMs: 100, reconnectDelayMs: 100 });
    cleanups.push(() => station.stop());
    expect(await station.start()).toBe('Accepted');
    await waitFor(() => cpo.clients.has('CPO-0003'), 'link up');

    await cpo.stop();
    await waitFor(() => h.app.relay?.linkOf('CP-003')?.isUp === false, 'link down');
    const ownIds: number[] = [];
    for (const badge of ['A-1', 'A-2']) {
      await station.plugIn(1, { batteryWh: 50_000, maxCurrentA: 16, phases: 3 });
      ownIds.push((await station.presentBadge(1, badge)).transactionId ?? -1);
      await new Promise((r) => setTimeout(r, 1_500));
      await station.unplug(1);
    }
    const queued = (await h.app.store.relayOutbox.list('CP-003')).filter((r) => r.state === 'queued');
    expect(queued.filter((r) => r.action === 'StartTransaction')).toHaveLength(2);
    expect(queued.filter((r) => r.action === 'StopTransaction')).toHaveLength(2);
    const status = await h.app.relay?.status();
    expect(status?.find((s) => s.stationId === 'CP-003')).toMatchObject({ state: expect.stringMatching(/down|connecting/), queued: queued.length });

    await cpo.start(); // same port
    await waitFor(async () => (await h.app.store.relayOutbox.queuedCounts()).size === 0, 'outbox delivered', 15_000);

    const tx = cpo.calls.filter((c) => c.identity === 'CPO-0003' && ['StartTransaction', 'StopTransaction', 'MeterValues'].includes(c.action) && (c.action !== 'MeterValues' || c.params.transactionId !== undefined));
    expect(tx).toHaveLength(queued.length); // exactly once each
    expect(new Set(tx.map((c) => JSON.stringify([c.action, c.params]))).size).toBe(tx.length);
    const starts = tx.filter((c) => c.action === 'StartTransaction');
    expect(starts.map((c) => c.params.idTag)).toEqual(['A-1', 'A-2']);
    const cpoIds = [9_001, 9_002];
    for (const [i, cpoId] of cpoIds.entries()) {
      expect(await h.app.store.relayOutbox.cpoTransactionId(ownIds[i])).toBe(cpoId);
      const startAt = tx.indexOf(starts[i]);
      const mine = tx.filter((c) => c.action !== 'StartTransaction' && c.params.transactionId === cpoId);
      expect(mine.length).toBeGreaterThan(1);
      expect(mine.at(-1)?.action).toBe('StopTransaction');
      for (const c of mine) expect(tx.indexOf(c)).toBeGreaterThan(startAt);
      // and in the station's order: meter value timestamps never go back
      const times = mine.filter((c) => c.action === 'MeterValues').map((c) => Date.parse(((c.params.meterValue as { timestamp: string }[])[0]).timestamp));
      expect([...times].sort((a, b) => a - b)).toEqual(times);
    }
    expect(tx.some((c) => c.params.transactionId !== undefined && ownIds.includes(c.params.transactionId as number) && !cpoIds.includes(c.params.transactionId as number))).toBe(false);
  });

  it('once one link gets through, the links waiting out a long backoff retry at once, spread out (U1)', async () => {
    const cpo = new FakeCpo();
    await cpo.start();
    await cpo.stop(); // its port is known, nobody listens
    cleanups.push(() => cpo.stop());
    // A failed link waits 30 to 60 s before its next try.
    const h = await startHarness(relaySite(cpo.url), { relay: { ...FAST_RELAY, backoffInitialMs: 60_000, backoffMaxMs: 60_000 } });
    cleanups.push(() => h.cleanup());
    const start = async (id: string) => {
      const station = new SimStation({ id, url: h.app.ocppUrl, tickIntervalMs: 100, reconnectDelayMs: 100 });
      cleanups.push(() => station.stop());
      expect(await station.start()).toBe('Accepted');
    };
    await start('CP-003');
    await waitFor(() => h.app.relay?.linkOf('CP-003')?.state === 'down', 'CP-003: its first try failed');

    await cpo.start();
    await start('CP-002'); // a new link gets through at once
    await waitFor(() => h.app.relay?.linkOf('CP-002')?.isUp === true, 'CP-002 linked');
    await waitFor(() => h.app.relay?.linkOf('CP-003')?.isReady === true, 'CP-003 linked long before its backoff ends');
    expect(cpo.of('BootNotification', 'CPO-0003')).toHaveLength(1);
  });
});
