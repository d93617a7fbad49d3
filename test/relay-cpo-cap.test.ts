// The CPO's charging profiles as an extra cap on the LMS's setpoints (U1), over real sockets:
// two stations share a zone; the CPO caps one through the relay, the other gets what it frees.
import { afterEach, describe, expect, it } from 'vitest';
import { pino } from 'pino';
import { startFuseguard } from '../src/app/fuseguard.js';
import { SimStation } from '../src/sim/index.js';
import type { SiteFile } from '../src/site/site-schema.js';
import { FAST_RELAY, FakeCpo } from './helpers/fake-cpo.js';
import { startApiHarness, type ApiHarness } from './helpers/api-client.js';
import { startHarness, waitFor, type Harness } from './helpers/harness.js';

const site = (cpoUrl: string): SiteFile => ({
  settings: { meterValueSampleIntervalS: 1, upstream: { enabled: true, url: cpoUrl, transactionMessageAttempts: 5, webSocketPingIntervalS: 5 } },
  zones: [{ name: 'Z', maxCurrentA: 40, mode: 'static', authMode: 'lms-allow-all' }],
  stations: [
    { id: 'S1', zone: 'Z', boxIdentity: 'CPO-S1', connectors: [{ id: 1, maxCurrentA: 32 }] },
    { id: 'S2', zone: 'Z', boxIdentity: 'CPO-S2', connectors: [{ id: 1, maxCurrentA: 32 }] },
  ],
});

const txDefault = (connectorId: number, unit: 'A' | 'W', limit: number) => ({
  connectorId,
  csChargingProfiles: {
    chargingProfileId: 42, stackLevel: 0, chargingProfilePurpose: 'TxDefaultProfile', chargingProfileKind: 'Relative',
    chargingSchedule: { chargingRateUnit: unit, chargingSchedulePeriod: [{ startPeriod: 0, limit }] },
  },
});

describe("relay to a CPO: the CPO's charging profiles cap the setpoints (U1)", () => {
  const cleanups: (() => Promise<void> | void)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  it('caps a station at the CPO limit, the other gets what it frees; cleared, they share again', async () => {
    const cpo = new FakeCpo();
    await cpo.start();
    cleanups.push(() => cpo.stop());
    const h: Harness = await startHarness(site(cpo.url), { relay: FAST_RELAY, control: { liveProfileDurationS: 60, debounceMs: 20 } });
    cleanups.push(() => h.cleanup());
    const sims = ['S1', 'S2'].map((id) => new SimStation({ id, url: h.app.ocppUrl, meterValueIntervalS: 1, tickIntervalMs: 100, reconnectDelayMs: 100 }));
    for (const sim of sims) {
      cleanups.push(() => sim.stop());
      expect(await sim.start()).toBe('Accepted');
    }
    const [s1, s2] = sims;
    for (const [i, sim] of sims.entries()) {
      await sim.plugIn(1, { batteryWh: 60_000, maxCurrentA: 32, phases: 3 });
      await sim.presentBadge(1, `CAR-${i}`);
    }
    await waitFor(() => s1.getLimitA(1) === 20 && s2.getLimitA(1) === 20, 'the zone shared');
    await waitFor(() => cpo.clients.has('CPO-S1') && cpo.of('BootNotification', 'CPO-S1').length > 0, 'S1 linked upstream');

    // 5520 W on three phases at 230 V = 8 A.
    expect(await cpo.call('CPO-S1', 'SetChargingProfile', txDefault(1, 'W', 5_520))).toEqual({ status: 'Accepted' });
    await waitFor(() => s1.getLimitA(1) === 8 && s2.getLimitA(1) === 32, 'S1 capped, S2 gets what it frees');
    const capped = h.app.control?.lastResult?.setpoints.find((s) => s.connectorId === 'S1/1');
    expect(capped).toMatchObject({ currentA: 8, reason: { code: 'external-cap', source: 'cpo', capA: 8 } });
    // The profile is not passed on: the station only holds Fuseguard's own.
    expect(s1.profiles.list().every((p) => p.profile.chargingProfileId !== 42)).toBe(true);

    // Connector 0: every connector of the station; the lower cap holds.
    expect(await cpo.call('CPO-S1', 'SetChargingProfile', txDefault(0, 'A', 14))).toEqual({ status: 'Accepted' });
    expect(await cpo.call('CPO-S1', 'ClearChargingProfile', { connectorId: 1 })).toEqual({ status: 'Accepted' });
    await waitFor(() => s1.getLimitA(1) === 14 && s2.getLimitA(1) === 26, 'the station-wide cap holds');

    expect(await cpo.call('CPO-S1', 'ClearChargingProfile', {})).toEqual({ status: 'Accepted' });
    await waitFor(() => s1.getLimitA(1) === 20 && s2.getLimitA(1) === 20, 'shared again');
    expect(await cpo.call('CPO-S1', 'ClearChargingProfile', {})).toEqual({ status: 'Unknown' });
    expect(await cpo.call('CPO-S1', 'SetChargingProfile', {
      ...txDefault(1, 'A', 10), csChargingProfiles: { ...txDefault(1, 'A', 10).csChargingProfiles, chargingProfilePurpose: 'ChargePointMaxProfile' },
    })).toEqual({ status: 'Rejected' });
  });

  it('a CPO cap is kept over a restart of Fuseguard (U1)', async () => {
    const cpo = new FakeCpo();
    await cpo.start();
    cleanups.push(() => cpo.stop());
    const options = { relay: FAST_RELAY, control: { liveProfileDurationS: 60, debounceMs: 20 } };
    const h: Harness = await startHarness(site(cpo.url), options);
    cleanups.push(() => h.cleanup());
    const sims = ['S1', 'S2'].map((id) => new SimStation({ id, url: h.app.ocppUrl, meterValueIntervalS: 1, tickIntervalMs: 100, reconnectDelayMs: 100 }));
    for (const [i, sim] of sims.entries()) {
      cleanups.push(() => sim.stop());
      expect(await sim.start()).toBe('Accepted');
      await sim.plugIn(1, { batteryWh: 60_000, maxCurrentA: 32, phases: 3 });
      await sim.presentBadge(1, `CAR-${i}`);
    }
    const [s1, s2] = sims;
    await waitFor(() => cpo.clients.has('CPO-S1') && h.app.relay?.linkOf('S1')?.isReady === true, 'S1 linked upstream');
    expect(await cpo.call('CPO-S1', 'SetChargingProfile', txDefault(1, 'A', 9))).toEqual({ status: 'Accepted' });
    await waitFor(() => s1.getLimitA(1) === 9 && s2.getLimitA(1) === 31, 'S1 capped');

    await h.app.close();
    const again = await startFuseguard({ dataDir: h.dataDir, port: h.app.port, host: '127.0.0.1', logger: pino({ level: 'silent' }), ...options });
    cleanups.push(() => again.close());
    await waitFor(() => again.stationServer.connectedIds().length === 2, 'the stations are back', 10_000);
    await waitFor(() => again.control?.lastResult?.setpoints.find((s) => s.connectorId === 'S1/1')?.currentA === 9, 'the cap holds after the restart', 10_000);
    await waitFor(() => s1.getLimitA(1) === 9 && s2.getLimitA(1) === 31, 'the stations get it', 10_000);
    // The CPO can still clear it.
    await waitFor(() => cpo.clients.has('CPO-S1') && again.relay?.linkOf('S1')?.isReady === true, 'S1 linked upstream again');
    expect(await cpo.call('CPO-S1', 'ClearChargingProfile', {})).toEqual({ status: 'Accepted' });
    await waitFor(() => s1.getLimitA(1) === 20 && s2.getLimitA(1) === 20, 'shared again');
    expect(await again.store.cpoCaps.list()).toEqual([]);
  });

  it("the caps are shown per station; an admin can clear them; they go when the relay is turned off (U1)", async () => {
    const cpo = new FakeCpo();
    await cpo.start();
    cleanups.push(() => cpo.stop());
    const h: ApiHarness = await startApiHarness(site(cpo.url), { relay: FAST_RELAY, control: { liveProfileDurationS: 60, debounceMs: 20 } });
    cleanups.push(() => h.cleanup());
    const s1 = new SimStation({ id: 'S1', url: h.app.ocppUrl, meterValueIntervalS: 1, tickIntervalMs: 100, reconnectDelayMs: 100 });
    cleanups.push(() => s1.stop());
    expect(await s1.start()).toBe('Accepted');
    await waitFor(() => cpo.clients.has('CPO-S1') && h.app.relay?.linkOf('S1')?.isReady === true, 'S1 linked upstream');
    type Status = { stations: { stationId: string; cpoCaps: { connectorId: number; capA: number }[] }[] };
    const capsOf = async () => (await h.user.get<Status>('/api/relay/status')).body.stations.find((s) => s.stationId === 'S1')?.cpoCaps;

    expect(await cpo.call('CPO-S1', 'SetChargingProfile', txDefault(1, 'A', 9))).toEqual({ status: 'Accepted' });
    expect(await capsOf()).toEqual([{ connectorId: 1, capA: 9 }]);
    expect((await h.user.delete('/api/relay/caps/S1')).status).toBe(403);
    expect((await h.admin.delete('/api/relay/caps/NOPE')).status).toBe(404);
    expect((await h.admin.delete('/api/relay/caps/S1')).body).toEqual({ cleared: true });
    expect(await capsOf()).toEqual([]);
    expect(await h.app.store.cpoCaps.list()).toEqual([]);
    expect((await h.app.store.audit.list({ action: 'relay.caps.clear' })).map((a) => a.target)).toEqual(['S1']);
    expect((await h.admin.delete('/api/relay/caps/S1')).body).toEqual({ cleared: false });

    // Set again, then the relay is turned off: the CPO no longer has a say.
    expect(await cpo.call('CPO-S1', 'SetChargingProfile', txDefault(0, 'A', 7))).toEqual({ status: 'Accepted' });
    expect(await capsOf()).toEqual([{ connectorId: 0, capA: 7 }]);
    const upstream = (await h.admin.get<Record<string, unknown>>('/api/settings/upstream')).body;
    expect((await h.admin.put('/api/settings/upstream', { ...upstream, enabled: false })).status).toBe(200);
    expect(await h.app.store.cpoCaps.list()).toEqual([]);
    expect(await capsOf()).toBeUndefined();

    // A station removed takes its caps along: one admitted later with its id starts free.
    await h.app.store.cpoCaps.set('S2', 1, 5, Date.now());
    expect((await h.admin.delete('/api/stations/S2')).status).toBe(200);
    expect(await h.app.store.cpoCaps.list()).toEqual([]);
  });
});
