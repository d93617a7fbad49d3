// Digital inputs over MQTT against a real broker: Debian's mosquitto, started here on a free
// port of 127.0.0.1. CI installs mosquitto, so a missing broker fails this test, it never skips.
import { setTimeout as sleep } from 'node:timers/promises';
import mqtt, { type MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DigitalInputs, type DigitalInputConfig, type InputChange, type InputsLogger } from '../src/inputs/index.js';
import { Broker, requireMosquitto } from './helpers/mosquitto.js';
import { freePort } from './helpers/net.js';
import { tempDir } from './helpers/temp-dir.js';

const TOPIC = 'fuseguard-test/di1';

async function waitFor(what: string, check: () => boolean, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(10);
  }
}

describe('digital input from an MQTT topic (real mosquitto)', () => {
  let dir: ReturnType<typeof tempDir>;
  let broker: Broker;
  let url: string;
  let publisher: MqttClient | null = null;

  beforeAll(async () => {
    requireMosquitto();
    dir = tempDir('fuseguard-mqtt-');
    const port = await freePort();
    url = `mqtt://127.0.0.1:${port}`;
    broker = new Broker(port, dir.path);
    await broker.start();
  });

  afterAll(async () => {
    await publisher?.endAsync(true);
    await broker?.stop();
    dir?.cleanup();
  });

  async function publish(payload: string): Promise<void> {
    publisher ??= await mqtt.connectAsync(url, { reconnectPeriod: 100 });
    await publisher.publishAsync(TOPIC, payload, { qos: 1, retain: true });
  }

  it('follows the topic, ignores unknown payloads, and holds the reduction while the broker is gone', async () => {
    const notes: string[] = [];
    const logger: InputsLogger = { info() {}, error() {}, warn: (_fields, message) => notes.push(message) };
    const config: DigitalInputConfig = { id: 'ems', enabled: true, pct: 40, source: { kind: 'mqtt', url, topic: TOPIC, reconnectMs: 100 } };
    const inputs = new DigitalInputs([config], { logger });
    const changes: InputChange[] = [];
    inputs.on('change', (e) => changes.push(e));
    const state = () => inputs.state('ems')!;
    try {
      await inputs.start();
      await waitFor('connected', () => state().source.status === 'connected');
      // Connected, nothing published yet: no level, so the fail-safe holds.
      expect(state()).toMatchObject({ high: true, cause: 'fail-safe', signal: null });

      await publish('0');
      await waitFor('low', () => !state().high);
      expect(changes.at(-1)).toMatchObject({ id: 'ems', high: false, cause: 'signal' });

      await publish('ON');
      await waitFor('high', () => state().high);
      expect(state()).toMatchObject({ cause: 'signal', signal: true });

      const before = changes.length;
      await publish('banana');
      await waitFor('the unknown payload to be noted', () => notes.includes('unknown MQTT payload ignored'));
      expect(changes.length).toBe(before);
      expect(state()).toMatchObject({ high: true, signal: true });

      await publish('off');
      await waitFor('low again', () => !state().high);
      expect(changes.slice(before).map((c) => c.high)).toEqual([false]);

      // A second instance learns the retained level as soon as it subscribes.
      const late = new DigitalInputs([config]);
      await late.start();
      await waitFor('the retained level', () => late.state('ems')!.signal === false);
      expect(late.state('ems')).toMatchObject({ high: false, source: { status: 'connected', reason: null } });
      await late.stop();

      // Broker gone: error with a reason, and the input counts as high (fail-safe).
      await broker.stop();
      await waitFor('error', () => state().source.status === 'error');
      expect(state()).toMatchObject({ high: true, cause: 'fail-safe', signal: null });
      expect(state().source.reason).toMatch(/127\.0\.0\.1/);
      expect(changes.at(-1)).toMatchObject({ high: true, cause: 'fail-safe' });

      // Broker back (empty: no persistence): the client reconnects, and the next message counts.
      await broker.start();
      await waitFor('reconnected', () => state().source.status === 'connected', 10_000);
      expect(state().high).toBe(true);
      await publish('false');
      await waitFor('low after the restart', () => !state().high);
      expect(state()).toMatchObject({ cause: 'signal', source: { status: 'connected' } });
    } finally {
      await inputs.stop();
    }
    expect(state().source.status).toBe('stopped');
  });
});
