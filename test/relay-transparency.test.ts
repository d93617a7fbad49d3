// The relay to a CPO (U1, U3): the fake CPO sees the station as if it were connected directly,
// under its box identity; the CPO's commands reach the station and their answers come back.
// Real sockets: Fuseguard, a SimStation and a fake CPO built from ocpp-rpc's server.
import { afterEach, describe, expect, it } from 'vitest';
import { SimStation } from '../src/sim/index.js';
import { FAST_RELAY, FakeCpo, relaySite } from './helpers/fake-cpo.js';
import { startHarness, waitFor, type Harness } from './helpers/harness.js';

describe('relay to a CPO: transparency (U1, U3)', () => {
  const cleanups: (() => Promise<void> | void)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  async function setup(): Promise<{ cpo: FakeCpo; h: Harness; station: SimStation }> {
    const cpo = new FakeCpo();
    await cpo.start();
    cleanups.push(() => cpo.stop());
    const h = await startHarness(relaySite(cpo.url), { relay: FAST_RELAY });
    cleanups.push(() => h.cleanup());
    const station = new SimStation({ id: 'CP-003', url: h.app.ocppUrl, meterValueIntervalS: 1, tickIntervalMs: 100, reconnectDelayMs: 100 });
    cleanups.push(() => station.stop());
    expect(await station.start()).toBe('Accepted');
    return { cpo, h, station };
  }

  it('the CPO sees boot, statuses, meter values and a session as the station sent them', async () => {
    const { cpo, h, station } = await setup();
    await waitFor(() => cpo.of('BootNotification', 'CPO-0003').length > 0 && cpo.of('StatusNotification', 'CPO-0003').length > 0, 'boot and status upstream');
    expect(cpo.of('BootNotification', 'CP-003')).toHaveLength(0); // the box identity, not the id (U1)
    expect(cpo.of('BootNotification', 'CPO-0003')[0]).toMatchObject({ chargePointVendor: expect.any(String), chargePointModel: expect.any(String) });
    await waitFor(() => h.app.relay?.linkOf('CP-003')?.timeOffsetMs !== null, 'reference time from the CPO (U3)');
    expect(Math.abs(h.app.relay?.timeOffsetMs() ?? 99_999)).toBeLessThan(2_000);

    await station.plugIn(1, { batteryWh: 50_000, maxCurrentA: 16, phases: 3 });
    const started = await station.presentBadge(1, 'ANY-BADGE');
    const ownId = started.transactionId ?? -1;
    expect(ownId).toBeGreaterThan(0);
    await waitFor(() => cpo.of('StartTransaction', 'CPO-0003').length === 1, 'StartTransaction upstream');
    const start = cpo.of('StartTransaction', 'CPO-0003')[0];
    expect(start).toMatchObject({ connectorId: 1, idTag: 'ANY-BADGE' });
    await waitFor(() => cpo.of('MeterValues', 'CPO-0003').some((m) => m.transactionId === 9_001), 'meter values with the CPO id', 8_000);
    await station.unplug(1);
    await waitFor(() => cpo.of('StopTransaction', 'CPO-0003').length === 1, 'StopTransaction upstream');
    expect(cpo.of('StopTransaction', 'CPO-0003')[0]).toMatchObject({ transactionId: 9_001, reason: 'EVDisconnected' });
    // Fuseguard keeps its own ids towards the station and in its store.
    expect((await h.app.store.transactions.get(ownId))?.stop_reason).toBe('EVDisconnected');
    await waitFor(async () => (await h.app.store.relayOutbox.queuedCounts()).size === 0, 'outbox empty');
  });

  it("the CPO's RemoteStart, RemoteStop, GetConfiguration, ChangeConfiguration, TriggerMessage and Reset reach the station; answers come back", async () => {
    const { cpo, h, station } = await setup();
    await waitFor(() => cpo.clients.has('CPO-0003') && cpo.of('BootNotification', 'CPO-0003').length > 0, 'link up');

    const config = await cpo.call('CPO-0003', 'GetConfiguration', { key: ['MeterValueSampleInterval'] }) as { configurationKey: { key: string; value: string }[] };
    expect(config.configurationKey).toEqual([expect.objectContaining({ key: 'MeterValueSampleInterval' })]);
    expect(await cpo.call('CPO-0003', 'ChangeConfiguration', { key: 'HeartbeatInterval', value: '77' })).toEqual({ status: 'Accepted' });
    expect(station.config.get('HeartbeatInterval')).toBe('77');
    const statusesBefore = cpo.of('StatusNotification', 'CPO-0003').length;
    expect(await cpo.call('CPO-0003', 'TriggerMessage', { requestedMessage: 'StatusNotification', connectorId: 1 })).toEqual({ status: 'Accepted' });
    await waitFor(() => cpo.of('StatusNotification', 'CPO-0003').length > statusesBefore, 'triggered status upstream');

    await station.plugIn(1, { batteryWh: 50_000, maxCurrentA: 16, phases: 3 });
    expect(await cpo.call('CPO-0003', 'RemoteStartTransaction', { connectorId: 1, idTag: 'REMOTE-1' })).toEqual({ status: 'Accepted' });
    await waitFor(() => cpo.of('StartTransaction', 'CPO-0003').length === 1, 'remote start upstream');
    const cpoId = await waitForMapping(h, station);
    expect(await cpo.call('CPO-0003', 'RemoteStopTransaction', { transactionId: cpoId })).toEqual({ status: 'Accepted' });
    await waitFor(() => cpo.of('StopTransaction', 'CPO-0003').length === 1, 'remote stop upstream');
    expect(cpo.of('StopTransaction', 'CPO-0003')[0]).toMatchObject({ transactionId: cpoId, reason: 'Remote' });

    // The CPO's profiles become caps on the allocation, never the station's: nothing set, nothing to clear.
    expect(await cpo.call('CPO-0003', 'ClearChargingProfile', {})).toEqual({ status: 'Unknown' });

    const boots = cpo.of('BootNotification', 'CPO-0003').length;
    expect(await cpo.call('CPO-0003', 'Reset', { type: 'Soft' })).toEqual({ status: 'Accepted' });
    await waitFor(() => cpo.of('BootNotification', 'CPO-0003').length > boots, 'the station boots again, seen upstream', 8_000);

    // The CPO's commands are recorded like Fuseguard's own (O6).
    const actions = (await h.app.store.commands.listForStation('CP-003', 100)).map((c) => c.action);
    expect(actions).toEqual(expect.arrayContaining(['GetConfiguration', 'ChangeConfiguration', 'RemoteStartTransaction', 'RemoteStopTransaction', 'Reset']));
  });
});

async function waitForMapping(h: Harness, station: SimStation): Promise<number> {
  let cpoId: number | undefined;
  await waitFor(async () => {
    const own = station.transactionId(1);
    cpoId = own === undefined ? undefined : await h.app.store.relayOutbox.cpoTransactionId(own);
    return cpoId !== undefined;
  }, 'CPO transaction id mapped');
  return cpoId ?? -1;
}
