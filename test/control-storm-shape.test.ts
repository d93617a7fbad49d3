// Issue 15: a station's boot costs the same whatever the size of the site. Counted, not timed (a
// timing ratio is noise on a shared 2-core machine; bench/storm.bench.ts times it): booting and
// provisioning a hundred stations of a site of 1,500 configured ones computes the site's failsafes
// no more often than the configuration changes (it did once per station, each a walk of the site),
// and every station still gets its failsafe. And a storm neither delays the reduction of an
// overloaded zone (it reaches the car while the storm still boots) nor runs a round per event.
import { afterEach, describe, expect, it } from 'vitest';
import { SimFleet, SimMeter, SimStation } from '../src/sim/index.js';
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

describe('a reduction during a boot storm (issue 15, Z6)', () => {
  const STORM = 400;
  const cleanups: (() => Promise<unknown> | void)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  it(`reaches the car of an overloaded dynamic zone while ${STORM} stations still boot, in rounds that each cover many events`, async () => {
    const meter = await SimMeter.start({ currentsA: [10, 10, 10] });
    cleanups.push(() => meter.stop());
    const storm = site();
    const h = await startHarness({
      ...storm,
      settings: { ...storm.settings, meterPollingMs: 100, meterValueSampleIntervalS: 1 },
      meters: [{ name: 'Building', protocol: 'tcp', host: '127.0.0.1', port: meter.port, unitId: 1, model: 'pm5320-iem3x5x-powertag', reporting: false }],
      zones: [...(storm.zones ?? []), { name: 'Garage', maxCurrentA: 40, mode: 'dynamic', meter: 'Building', fallbackCurrentA: 10, authMode: 'lms-allow-all' }],
      stations: [...(storm.stations ?? []), { id: 'CAR-1', zone: 'Garage', connectors: [{ id: 1 }] }],
    }, { control: { debounceMs: 20, liveProfileDurationS: 60 } });
    cleanups.push(() => h.cleanup());
    const control = h.app.control!;
    const car = new SimStation({ id: 'CAR-1', url: h.app.ocppUrl, tickIntervalMs: 100, meterValueIntervalS: 1 });
    cleanups.push(() => car.stop());
    await car.start();
    await car.plugIn(1, { batteryWh: 80_000, maxCurrentA: 32, phases: 3 });
    await car.presentBadge(1, 'CAR');
    // The meter sees everything behind the switchboard, the car included.
    meter.setExtraCurrentsA(() => { const c = car.connectorState(1).currentA; return [c, c, c]; });
    await waitFor(() => car.getLimitA(1) === 30, 'the car gets 40 - 10 A of building load', 15_000);

    const stormProvisioned = () => [...control.state.connectors.values()]
      .filter((c) => c.stationId.startsWith('SIM-') && control.connectorControl(c).state === 'provisioned').length;
    const roundsBefore = control.stats.rounds;
    const fleet = new SimFleet({ url: h.app.ocppUrl, count: STORM, idPrefix: 'SIM-0', arrivalsPerHour: 0, startIntervalMs: 0, tickIntervalMs: 60_000 });
    cleanups.push(() => fleet.stop());
    const started = fleet.start();
    await waitFor(() => stormProvisioned() > 0, 'the storm under way', 30_000);
    meter.setCurrentsA([25, 25, 25]); // the building load jumps: the zone is over its limit
    let provisionedAtReduction = -1;
    await waitFor(() => {
      if (car.getLimitA(1) > 15) return false;
      provisionedAtReduction = stormProvisioned();
      return true;
    }, 'the car reduced to 40 - 25 A', 30_000);
    expect((await started).accepted).toBe(STORM);
    await waitFor(() => stormProvisioned() === STORM, `${STORM} stations provisioned`, 60_000);
    // Had the reduction waited for the storm, every storm station would have been provisioned first.
    expect(provisionedAtReduction).toBeLessThan(STORM);
    // Each station's boot is a handful of events (connection, boot, status, registration, answers):
    // a round per event would be several per station.
    expect(control.stats.rounds - roundsBefore).toBeLessThan(STORM);
  }, 120_000);
});
