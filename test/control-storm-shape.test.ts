// Issue 15: a station's boot costs the same whatever the size of the site. Counted, not timed (a
// timing ratio is noise on a shared 2-core machine; bench/storm.bench.ts times it): booting and
// provisioning a hundred stations of a site of 1,500 configured ones computes the site's failsafes
// no more often than the configuration changes (it did once per station, each a walk of the site),
// and every station still gets its failsafe.
import { afterEach, describe, expect, it } from 'vitest';
import { SimFleet } from '../src/sim/index.js';
import type { SiteFile } from '../src/site/site-schema.js';
import { startHarness, waitFor, type Harness } from './helpers/harness.js';

const CONFIGURED = 1_500;
const BOOTING = 100;

const site = (): SiteFile => ({
  settings: { unknownStations: 'reject' },
  zones: [{
    name: 'Root', maxCurrentA: 100_000, mode: 'static', authMode: 'lms-allow-all',
    children: Array.from({ length: 10 }, (_, z) => ({ name: `Zone ${z}`, maxCurrentA: 10_000, mode: 'static' as const })),
  }],
  stations: Array.from({ length: CONFIGURED }, (_, i) => ({ id: `SIM-${String(i + 1).padStart(4, '0')}`, zone: `Zone ${i % 10}`, connectors: [{ id: 1 }] })),
});

describe('boot cost independent of the site size (issue 15)', () => {
  let h: Harness;
  let fleet: SimFleet | undefined;
  afterEach(async () => {
    await fleet?.stop();
    await h?.cleanup();
  });

  it(`provisions ${BOOTING} of ${CONFIGURED} configured stations without computing the site's failsafes per station`, async () => {
    h = await startHarness(site(), { control: { debounceMs: 20 } });
    const control = h.app.control!;
    const before = control.stats.failsafeRuns;
    fleet = new SimFleet({ url: h.app.ocppUrl, count: BOOTING, idPrefix: 'SIM-0', arrivalsPerHour: 0, startIntervalMs: 0, tickIntervalMs: 60_000 });
    const started = await fleet.start();
    expect(started.accepted).toBe(BOOTING);
    const provisioned = () => [...control.state.connectors.values()]
      .filter((c) => control.connectorControl(c).state === 'provisioned').length;
    await waitFor(() => provisioned() === BOOTING, `${BOOTING} stations provisioned`, 60_000);
    // The configuration did not change: at most a computation in flight when the boots began.
    expect(control.stats.failsafeRuns - before).toBeLessThanOrEqual(1);
    for (const c of [...control.state.connectors.values()].filter((r) => control.connectorControl(r).state === 'provisioned')) {
      expect(control.connectorControl(c).failsafeHeldA).toBeGreaterThan(0);
    }
  }, 120_000);
});
