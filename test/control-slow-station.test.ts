// D8, O6: one station that answers nothing holds up no other. Its requests wait for their
// timeout (one at a time on its link), while another station is provisioned and charges at once;
// the silent one stays counted at its maximum in its own zone. One that drops a reduction is
// counted at what it may still draw, and the others come down instead.
import { afterEach, describe, expect, it } from 'vitest';
import { SimStation } from '../src/sim/index.js';
import type { SiteFile } from '../src/site/site-schema.js';
import { startApiHarness, type ApiHarness } from './helpers/api-client.js';
import { bootRaw, connectRaw, startHarness, waitFor, type Harness, type RawStation } from './helpers/harness.js';

const site: SiteFile = {
  settings: { meterValueSampleIntervalS: 1 },
  zones: [{
    name: 'Main', maxCurrentA: 100, mode: 'static', authMode: 'lms-allow-all',
    children: [{ name: 'Silent row', maxCurrentA: 32, mode: 'static' }, { name: 'Busy row', maxCurrentA: 32, mode: 'static' }],
  }],
  stations: [
    { id: 'MUTE', zone: 'Silent row', connectors: [{ id: 1, maxCurrentA: 16 }] },
    { id: 'GOOD', zone: 'Busy row', connectors: [{ id: 1, maxCurrentA: 32 }] },
  ],
};

describe('a silent station (D8, O6)', () => {
  let h: Harness;
  let mute: RawStation | undefined;
  let good: SimStation | undefined;
  afterEach(async () => {
    await good?.stop();
    await mute?.close({ force: true });
    await h?.cleanup();
  });

  it('holds up neither the provisioning nor the setpoints of another station', async () => {
    h = await startHarness(site, { commandTimeoutMs: 30_000, control: { debounceMs: 20, liveProfileDurationS: 60 } });
    mute = await connectRaw(h.app.ocppUrl, 'MUTE');
    const asked: string[] = [];
    for (const action of ['GetConfiguration', 'ChangeConfiguration', 'SetChargingProfile', 'GetLocalListVersion', 'SendLocalList']) {
      mute.handle(action, () => { asked.push(action); return new Promise(() => {}); });
    }
    await bootRaw(mute);
    await waitFor(() => asked.length > 0, 'Fuseguard asks the silent station something');

    good = new SimStation({ id: 'GOOD', url: h.app.ocppUrl, tickIntervalMs: 100 });
    expect(await good.start()).toBe('Accepted');
    await waitFor(() => good!.profiles.list().some((p) => p.profile.chargingProfileId === 1001), 'the other station holds its failsafe', 3_000);
    await good.plugIn(1, { batteryWh: 60_000, maxCurrentA: 32, phases: 3 });
    await good.presentBadge(1, 'CAR');
    await waitFor(() => good!.getLimitA(1) === 32, 'its car charging at its maximum', 3_000);

    expect(asked).toEqual(['GetConfiguration']); // still waiting for its first answer
    const control = h.app.control!;
    expect(control.connectorControl(control.state.connectors.get('MUTE/1')!)).toMatchObject({ state: 'not-provisioned', heldA: 16 });
    expect(control.lastResult?.zones.find((z) => z.zone === 'Silent row')?.reservedA).toEqual([16, 16, 16]);
  });
});

describe('a station that drops a reduction (D8)', () => {
  let h: ApiHarness;
  const sims: SimStation[] = [];
  const twoCars = (): SiteFile => ({
    settings: { meterValueSampleIntervalS: 1 },
    zones: [{ name: 'Z', maxCurrentA: 32, mode: 'static', authMode: 'lms-allow-all' }],
    stations: ['A', 'B'].map((id) => ({ id, zone: 'Z', connectors: [{ id: 1, maxCurrentA: 32 }] })),
  });
  /** Stations A and B, a car charging on each, sharing the zone's 32 A. */
  const chargeTwoCars = async (harness: ApiHarness): Promise<SimStation[]> => {
    const stations = ['A', 'B'].map((id) => new SimStation({ id, url: harness.app.ocppUrl, tickIntervalMs: 100 }));
    sims.push(...stations);
    for (const sim of stations) {
      await sim.start();
      await sim.plugIn(1, { batteryWh: 60_000, maxCurrentA: 32, phases: 3 });
      await sim.presentBadge(1, 'CAR');
    }
    await waitFor(() => stations.every((sim) => sim.getLimitA(1) === 16), 'two cars share 32 A');
    return stations;
  };
  afterEach(async () => {
    for (const sim of sims.splice(0)) await sim.stop();
    await h?.cleanup();
  });

  it('after the patience the others come down instead; once its request times out it is cut and shared again', async () => {
    h = await startApiHarness(twoCars(), { control: { debounceMs: 20, liveProfileDurationS: 60, commandTimeoutMs: 4_000, answerPatienceMs: 500 } });
    const [a, b] = await chargeTwoCars(h);

    b.dropChargingProfiles = true;
    expect((await h.admin.put('/api/zones/Z', { maxCurrentA: 24, mode: 'static' })).status).toBe(200);
    // B left its cut to 12 A unanswered and still allows 16 A: A comes down to 24 - 16 = 8 A,
    // long before B's request times out (shared as if B held 12 A, the zone would carry 28 A).
    await waitFor(() => a.getLimitA(1) === 8, 'A shares around B', 3_000);
    expect(b.getLimitA(1)).toBe(16);
    const control = h.app.control!;
    expect(control.lastResult?.setpoints.find((s) => s.connectorId === 'B/1')).toMatchObject({ currentA: 16, controllable: false, reason: { code: 'not-answering' } });
    expect((await h.admin.get('/metrics')).text).toContain('\nfuseguard_setpoints_not_answering 1\n');

    b.dropChargingProfiles = false;
    await waitFor(() => a.getLimitA(1) === 12 && b.getLimitA(1) === 12, 'shared again once B takes its cut', 15_000);
  }, 30_000);

  it.each([
    ['before', 0],
    ['after', 800],
  ])('a cut that waits behind a dropped renewal, wanted %s its patience ran out: the others come down too (a station that starts dropping usually drops a renewal first)', async (_when, delayMs) => {
    h = await startApiHarness(twoCars(), { control: { debounceMs: 20, liveProfileDurationS: 10, commandTimeoutMs: 15_000, answerPatienceMs: 500, tickMs: 500 } });
    const [a, b] = await chargeTwoCars(h);
    const control = h.app.control!;
    b.dropChargingProfiles = true;
    // B's renewal (16 A again, no reduction) goes unanswered; the cut for B will wait behind it.
    let renewalArrived = false;
    b.on('call', ({ method }) => { if (method === 'SetChargingProfile') renewalArrived = true; });
    await waitFor(() => renewalArrived, 'a renewal of B in flight', 8_000);
    if (delayMs > 0) {
      await new Promise((resolve) => setTimeout(resolve, delayMs));
      // A slow answer that nothing waits for changes nothing.
      expect(control.dispatcher.isNotAnswering(control.state.connectors.get('B/1')!)).toBe(false);
    }
    expect((await h.admin.put('/api/zones/Z', { maxCurrentA: 24, mode: 'static' })).status).toBe(200);
    await waitFor(() => a.getLimitA(1) === 8, 'A shares around B', 3_000);
    expect(b.getLimitA(1)).toBe(16);
    expect(control.lastResult?.setpoints.find((s) => s.connectorId === 'B/1')?.reason.code).toBe('not-answering');
  }, 30_000);
});
