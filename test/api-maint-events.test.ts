// W6 over real HTTP: a client reads /api/events while a SimStation connects, changes status and
// charges; the events arrive within a second, and the listeners go when the client does.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApiHarness, type ApiClient, type ApiHarness } from './helpers/api-client.js';
import { testSite, waitFor } from './helpers/harness.js';
import { SimStation } from '../src/sim/index.js';

interface LiveEvent { type: string; data: any; receivedAt: number }

/** Opens the stream with the client's session and collects its events. */
async function subscribe(client: ApiClient, query = '') {
  const controller = new AbortController();
  const response = await fetch(`${client.baseUrl}/api/events${query}`, { headers: { cookie: client.cookie ?? '' }, signal: controller.signal });
  const events: LiveEvent[] = [];
  const comments: string[] = [];
  const done = (async () => {
    const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
    let buffer = '';
    try {
      for (;;) {
        const { value, done: end } = await reader.read();
        if (end) return;
        buffer += value;
        let cut: number;
        while ((cut = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, cut);
          buffer = buffer.slice(cut + 2);
          const type = /^event: (.*)$/m.exec(block)?.[1];
          const data = /^data: (.*)$/m.exec(block)?.[1];
          if (type && data) events.push({ type, data: JSON.parse(data), receivedAt: Date.now() });
          for (const line of block.split('\n')) if (line.startsWith(':')) comments.push(line);
        }
      }
    } catch { /* aborted */ }
  })();
  return { response, events, comments, close: async () => { controller.abort(); await done; }, done };
}

describe('live events (W6)', () => {
  let h: ApiHarness;
  beforeAll(async () => {
    const site = testSite();
    h = await startApiHarness({ ...site, settings: { ...site.settings, meterValueSampleIntervalS: 1 } }, { control: { debounceMs: 20, tickMs: 60_000 } });
  });
  afterAll(async () => { await h?.cleanup(); });

  it('streams station, connector, session and allocation changes as they happen', async () => {
    const listenersBefore = h.app.events.listenerCount('connector.status');
    const stream = await subscribe(h.user);
    expect(stream.response.status).toBe(200);
    expect(stream.response.headers.get('content-type')).toContain('text/event-stream');
    const station = new SimStation({ id: 'CP-003', url: h.app.ocppUrl, meterValueIntervalS: 1, tickIntervalMs: 200 });
    try {
      await waitFor(() => h.app.events.listenerCount('connector.status') > listenersBefore, 'the stream listening');
      expect(await station.start()).toBe('Accepted');
      await waitFor(() => stream.events.some((e) => e.type === 'station' && e.data.change === 'connected' && e.data.stationId === 'CP-003'), 'station connected event');

      const changedAt = Date.now();
      await station.plugIn(1);
      await waitFor(() => stream.events.some((e) => e.type === 'connector' && e.data.stationId === 'CP-003' && e.data.connectorId === 1 && e.data.status === 'Preparing'), 'connector Preparing event', 2_000);
      const preparing = stream.events.find((e) => e.type === 'connector' && e.data.status === 'Preparing')!;
      expect(preparing.receivedAt - changedAt).toBeLessThan(1_000);

      const { transactionId } = await station.presentBadge(1, 'WALK-IN');
      await waitFor(() => stream.events.some((e) => e.type === 'session' && e.data.change === 'started' && e.data.transactionId === transactionId), 'session started event');
      await waitFor(() => stream.events.some((e) => e.type === 'session' && e.data.change === 'meter-values'), 'meter values event', 5_000);
      await waitFor(() => stream.events.some((e) => e.type === 'allocation' && e.data.setpoints.some((s: { currentA: number }) => s.currentA > 0)), 'allocation event');
      const allocation = stream.events.filter((e) => e.type === 'allocation').at(-1)!.data;
      expect(allocation.setpoints.find((s: { connector: string }) => s.connector.startsWith('CP-003'))).toMatchObject({ zone: 'Row B', reason: { code: expect.any(String) } });
      expect(allocation.zones.find((z: { zone: string }) => z.zone === 'Main')).toMatchObject({ limitA: [63, 63, 63], allocatedA: expect.any(Array), measuredA: expect.any(Array) });

      // Meter values are throttled: at most about one per second per connector.
      const meterValues = stream.events.filter((e) => e.type === 'session' && e.data.change === 'meter-values');
      for (let i = 1; i < meterValues.length; i++) expect(meterValues[i].receivedAt - meterValues[i - 1].receivedAt).toBeGreaterThan(800);

      await station.unplug(1);
      await waitFor(() => stream.events.some((e) => e.type === 'session' && e.data.change === 'stopped' && e.data.transactionId === transactionId), 'session stopped event');
    } finally {
      await station.stop();
    }
    await waitFor(() => stream.events.some((e) => e.type === 'station' && e.data.change === 'disconnected'), 'station disconnected event');
    await stream.close();
    await waitFor(() => h.app.events.listenerCount('connector.status') === listenersBefore, 'listeners removed after the client left');
  }, 30_000);

  it('ends open streams when the server closes', async () => {
    const own = await startApiHarness();
    const stream = await subscribe(own.user);
    await waitFor(() => own.app.events.listenerCount('station.connected') > 0, 'the stream listening');
    const started = Date.now();
    await own.cleanup();
    await stream.done;
    expect(Date.now() - started).toBeLessThan(3_000);
  }, 20_000);

  it('filters by type, ends after maxDurationS, and refuses anonymous clients', async () => {
    const stream = await subscribe(h.admin, '?types=station&maxDurationS=1');
    const started = Date.now();
    const station = new SimStation({ id: 'CP-001', url: h.app.ocppUrl, password: 'secret-key-001', tickIntervalMs: 0 });
    try {
      await station.start();
      await station.plugIn(1);
    } finally {
      await station.stop();
    }
    await stream.done;
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(stream.events.length).toBeGreaterThan(0);
    expect(stream.events.every((e) => e.type === 'station')).toBe(true);
    expect((await h.anonymous.get('/api/events')).status).toBe(401);
    expect((await h.user.get('/api/events?types=nonsense')).status).toBe(400);
  }, 20_000);
});
