// D8, O6: one station that answers nothing holds up no other. Its requests wait for their
// timeout (one at a time on its link), while another station is provisioned and charges at once;
// the silent one stays counted at its maximum in its own zone.
import { afterEach, describe, expect, it } from 'vitest';
import { SimStation } from '../src/sim/index.js';
import type { SiteFile } from '../src/site/site-schema.js';
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
