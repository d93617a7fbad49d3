// The control loop with a real Modbus TCP meter and a real MQTT broker (issue 4: Z6, D4, M2).
import mqtt from 'mqtt';
import { afterEach, describe, expect, it } from 'vitest';
import { builtinMaps } from '../src/meters/index.js';
import { SimMeter, SimStation } from '../src/sim/index.js';
import type { SiteFile } from '../src/site/site-schema.js';
import { startHarness, waitFor, type Harness } from './helpers/harness.js';
import { registerImage, startPymodbus } from './fixtures/modbus-peers.js';
import { Broker, requireMosquitto } from './helpers/mosquitto.js';
import { freePort } from './helpers/net.js';
import { tempDir } from './helpers/temp-dir.js';

describe('control loop with meters and digital inputs', () => {
  const cleanups: (() => Promise<unknown> | void)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  const charging = async (h: Harness, id: string, maxCurrentA = 32) => {
    const sim = new SimStation({ id, url: h.app.ocppUrl, tickIntervalMs: 100, meterValueIntervalS: 1 });
    cleanups.push(() => sim.stop());
    await sim.start();
    await sim.plugIn(1, { batteryWh: 80_000, maxCurrentA, phases: 3 });
    await sim.presentBadge(1, 'CAR');
    return sim;
  };

  it('dynamic zone: the building load jumps, the car is reduced; it drops, the car rises; meter lost, fallback (Z6, D4)', async () => {
    const meter = await SimMeter.start({ currentsA: [10, 10, 10] });
    cleanups.push(() => meter.stop());
    const site: SiteFile = {
      settings: { meterPollingMs: 100, meterValueSampleIntervalS: 1 },
      meters: [{ name: 'Building', protocol: 'tcp', host: '127.0.0.1', port: meter.port, unitId: 1, model: 'pm5320-iem3x5x-powertag', reporting: false }],
      zones: [{ name: 'Garage', maxCurrentA: 40, mode: 'dynamic', meter: 'Building', fallbackCurrentA: 10, authMode: 'lms-allow-all' }],
      stations: [{ id: 'D1', zone: 'Garage', connectors: [{ id: 1 }] }],
    };
    const h = await startHarness(site, { control: { debounceMs: 20, tickMs: 200, liveProfileDurationS: 60 } });
    cleanups.push(() => h.cleanup());
    const sim = await charging(h, 'D1');
    // The meter sees everything behind the switchboard, the car included.
    meter.setExtraCurrentsA(() => { const c = sim.connectorState(1).currentA; return [c, c, c]; });

    await waitFor(() => sim.getLimitA(1) === 30, 'the car gets 40 - 10 A of building load', 10_000);
    meter.setCurrentsA([25, 25, 25]);
    await waitFor(() => sim.getLimitA(1) === 15, 'the car reduced when the building load jumps', 10_000);
    meter.setCurrentsA([5, 5, 5]);
    await waitFor(() => sim.getLimitA(1) === 32, 'the car back up when it drops', 10_000);

    await meter.goDown();
    await waitFor(() => sim.getLimitA(1) === 10, 'the fallback current once the meter is lost', 10_000);
    expect(h.app.meters.state('Building')).toMatchObject({ lost: true });
    await meter.comeBack();
    await waitFor(() => sim.getLimitA(1) === 32, 'normal again when readings return', 10_000);
  });

  it('dynamic zone against pymodbus, an independent Modbus server: a load jump reduces the car, a drop raises it (Z6)', async () => {
    const map = builtinMaps().get('pm5320-iem3x5x-powertag')!;
    const image = (loadA: number) => registerImage(map, { currentL1A: loadA, currentL2A: loadA, currentL3A: loadA, powerW: 0, energyWh: 0 });
    const peer = await startPymodbus(image(10), 'tcp');
    cleanups.push(() => peer.stop());
    const port = Number(peer.where);
    const site: SiteFile = {
      settings: { meterPollingMs: 200, meterValueSampleIntervalS: 1 },
      meters: [{ name: 'Building', protocol: 'tcp', host: '127.0.0.1', port, unitId: 1, model: 'pm5320-iem3x5x-powertag', reporting: false }],
      zones: [{ name: 'Garage', maxCurrentA: 40, mode: 'dynamic', meter: 'Building', fallbackCurrentA: 6, authMode: 'lms-allow-all' }],
      stations: [{ id: 'P1', zone: 'Garage', connectors: [{ id: 1 }] }],
    };
    const h = await startHarness(site, { control: { debounceMs: 20, tickMs: 200, liveProfileDurationS: 60 } });
    cleanups.push(() => h.cleanup());
    // This meter's image is fixed: the car is not in it, so the other loads are the image itself.
    const sim = await charging(h, 'P1', 16);
    await waitFor(() => sim.getLimitA(1) === 30, 'the car gets 40 - 10 A', 10_000);
    peer.update(image(28));
    await waitFor(() => sim.getLimitA(1) === 12, 'reduced after the jump to 28 A', 15_000);
    peer.update(image(4));
    await waitFor(() => sim.getLimitA(1) === 32, 'back up after the drop', 15_000);
  });

  it('a digital input over MQTT reduces every zone within one loop (M2)', async () => {
    requireMosquitto();
    const dir = tempDir('fuseguard-di-');
    cleanups.push(() => dir.cleanup());
    const port = await freePort();
    const broker = new Broker(port, dir.path);
    await broker.start();
    cleanups.push(() => broker.stop());
    const url = `mqtt://127.0.0.1:${port}`;
    const publisher = await mqtt.connectAsync(url);
    cleanups.push(() => publisher.endAsync(true));
    await publisher.publishAsync('site/di1', '0', { retain: true });

    const site: SiteFile = {
      settings: { meterValueSampleIntervalS: 1 },
      zones: [
        { name: 'A', maxCurrentA: 32, mode: 'static', authMode: 'lms-allow-all' },
        { name: 'B', maxCurrentA: 20, mode: 'static', authMode: 'lms-allow-all' },
      ],
      stations: [{ id: 'SA', zone: 'A', connectors: [{ id: 1 }] }, { id: 'SB', zone: 'B', connectors: [{ id: 1 }] }],
      inputs: [{ id: 'di1', enabled: true, pct: 50, source: { kind: 'mqtt', url, topic: 'site/di1' } }],
    };
    const h = await startHarness(site, { control: { debounceMs: 20, tickMs: 60_000, liveProfileDurationS: 60 } });
    cleanups.push(() => h.cleanup());
    const [a, b] = [await charging(h, 'SA'), await charging(h, 'SB')];
    await waitFor(() => a.getLimitA(1) === 32 && b.getLimitA(1) === 20, 'full limits while the input is off', 10_000);

    await publisher.publishAsync('site/di1', '1', { retain: true });
    await waitFor(() => a.getLimitA(1) === 16 && b.getLimitA(1) === 10, 'every zone at 50 %', 5_000);
    await publisher.publishAsync('site/di1', '0', { retain: true });
    await waitFor(() => a.getLimitA(1) === 32 && b.getLimitA(1) === 20, 'full limits again', 5_000);
  });
});
