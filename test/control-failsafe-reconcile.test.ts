// D8: failsafe profiles follow the site. A change that moves every connector's failsafe (a
// connector added, a zone maximum edited: D1, D7) reaches the connected stations at once, through
// the API, without a reboot; and the station page shows held vs wanted.
import { afterEach, describe, expect, it } from 'vitest';
import { SimStation } from '../src/sim/index.js';
import type { SiteFile } from '../src/site/site-schema.js';
import { startApiHarness, type ApiHarness } from './helpers/api-client.js';
import { waitFor } from './helpers/harness.js';

const IDS = ['S1', 'S2', 'S3'];
const site: SiteFile = {
  settings: { meterValueSampleIntervalS: 1 },
  zones: [{ name: 'Z', maxCurrentA: 32, mode: 'static', authMode: 'lms-allow-all' }],
  // 3 × 2 connectors of 6 A: 36 A of minimums in 32 A → failsafe 0 A (D7) until one goes.
  stations: IDS.map((id) => ({ id, zone: 'Z', connectors: [{ id: 1, minCurrentA: 6 }, { id: 2, minCurrentA: 6 }] })),
};

describe('failsafe reconciler (D8)', () => {
  let h: ApiHarness;
  const sims: SimStation[] = [];
  afterEach(async () => {
    await Promise.all(sims.splice(0).map((s) => s.stop()));
    await h?.cleanup();
  });
  const failsafeOn = (sim: SimStation, connectorId: number) => sim.profiles.list()
    .find((p) => p.profile.chargingProfileId === 1000 + connectorId)?.profile.chargingSchedule.chargingSchedulePeriod[0].limit;

  it('sends the new failsafe to every connected station when a zone maximum changes, and shows held vs wanted', async () => {
    h = await startApiHarness(site, { control: { liveProfileDurationS: 60, debounceMs: 20 } });
    for (const id of IDS) {
      const sim = new SimStation({ id, url: h.app.ocppUrl, tickIntervalMs: 100, connectors: [{ maxCurrentA: 32 }, { maxCurrentA: 32 }] });
      sims.push(sim);
      expect(await sim.start()).toBe('Accepted');
    }
    await waitFor(() => sims.every((s) => failsafeOn(s, 1) === 0 && failsafeOn(s, 2) === 0), 'failsafe 0 A everywhere (36 A of minimums > 32 A)');

    const limits: number[] = [];
    for (const sim of sims) sim.on('limit', () => limits.push(sims.reduce((sum, s) => sum + s.getLimitA(1) + s.getLimitA(2), 0)));
    expect((await h.admin.put('/api/zones/Z', { maxCurrentA: 40, mode: 'static' })).status).toBe(200);
    await waitFor(() => sims.every((s) => failsafeOn(s, 1) === 6 && failsafeOn(s, 2) === 6), 'failsafe 6 A everywhere (36 A ≤ 40 A)');
    const view = (await h.admin.get('/api/stations/S1')).body as { connectors: { control: Record<string, unknown> }[] };
    expect(view.connectors[0].control).toMatchObject({ state: 'provisioned', failsafeHeldA: 6, failsafeWantedA: 6, heldA: 0, wantedA: 0 });

    expect((await h.admin.put('/api/zones/Z', { maxCurrentA: 32, mode: 'static' })).status).toBe(200);
    await waitFor(() => sims.every((s) => failsafeOn(s, 1) === 0 && failsafeOn(s, 2) === 0), 'failsafe back to 0 A');
    // No station was rebooted or reconnected for it.
    expect(sims.every((s) => s.bootAcceptedAt !== undefined)).toBe(true);
    expect(Math.max(0, ...limits)).toBeLessThanOrEqual(40);
  });
});
