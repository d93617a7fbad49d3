// Durability (R1, O7): kill -9 during a session loses nothing acknowledged; a station's
// offline queue is accepted in order with its own timestamps. Real processes, real sockets.
import { spawn, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { SimStation } from '../src/sim/index.js';
import { Store } from '../src/store/store.js';
import { startHarness, testSite, waitFor } from './helpers/harness.js';
import { freePort, waitForHealth } from './helpers/net.js';
import { tempDir } from './helpers/temp-dir.js';

const root = new URL('..', import.meta.url).pathname;

function startServer(dataDir: string, siteFile: string, port: number): ChildProcess {
  return spawn(process.execPath, ['--import', 'tsx', join(root, 'src/cli/main.ts'), 'serve', '--data-dir', dataDir, '--site', siteFile, '--port', String(port), '--host', '127.0.0.1'], {
    env: { ...process.env, FUSEGUARD_LOG_LEVEL: 'warn' }, stdio: ['ignore', 'ignore', 'inherit'],
  });
}

async function untilHealthy(port: number): Promise<void> {
  await waitForHealth(port, 20_000);
}

describe('crash recovery (R1, O7)', () => {
  const cleanups: (() => Promise<void> | void)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  it('SIGKILL during a session: the station reconnects and stops it; one complete record, same id', async () => {
    const dir = tempDir();
    cleanups.push(() => dir.cleanup());
    const siteFile = join(dir.path, 'site.json');
    writeFileSync(siteFile, JSON.stringify({ ...testSite(), settings: { meterValueSampleIntervalS: 1 } }));
    const dataDir = join(dir.path, 'data');
    const port = await freePort();
    let server = startServer(dataDir, siteFile, port);
    cleanups.push(() => { server.kill('SIGKILL'); });
    await untilHealthy(port);

    const station = new SimStation({ id: 'CP-002', url: `ws://127.0.0.1:${port}/ocpp`, meterValueIntervalS: 1, tickIntervalMs: 200, reconnectDelayMs: 100, maxReconnectDelayMs: 300 });
    cleanups.push(() => station.stop());
    expect(await station.start()).toBe('Accepted');
    await station.plugIn(1, { batteryWh: 50_000, maxCurrentA: 16, phases: 3 });
    const started = await station.presentBadge(1, 'GOOD');
    const transactionId = started.transactionId ?? -1;
    expect(transactionId).toBeGreaterThan(0);
    // 15 s as for the reconnect: the server runs through tsx, slow to warm up while the suite loads both cores.
    await waitFor(() => station.connectorState(1).energyWh > 0, 'energy flowing', 15_000);

    server.kill('SIGKILL');
    await new Promise((r) => server.once('exit', r));
    await waitFor(() => !station.isOnline, 'station notices the loss');
    await new Promise((r) => setTimeout(r, 1_500)); // meter values pile up in the station's queue
    server = startServer(dataDir, siteFile, port);
    await untilHealthy(port);
    await waitFor(() => station.isOnline, 'station reconnects', 15_000);
    await station.unplug(1);
    await station.whenIdle();
    const energyWh = station.connectorState(1).energyWh;

    server.kill('SIGTERM');
    await new Promise((r) => server.once('exit', r));
    const store = await Store.open(dataDir);
    cleanups.push(() => store.close());
    const all = await store.transactions.list();
    expect(all).toHaveLength(1);
    expect(all[0]).toMatchObject({ id: transactionId, station_id: 'CP-002', id_tag: 'GOOD', stop_reason: 'EVDisconnected' });
    expect(all[0].stop_at).not.toBeNull();
    expect(all[0].energy_wh).toBe((all[0].meter_stop_wh ?? 0) - all[0].meter_start_wh);
    expect(all[0].energy_wh).toBeGreaterThan(0);
    expect(Math.abs((all[0].energy_wh ?? 0) - energyWh)).toBeLessThanOrEqual(1);
    const sampleTimes = (await store.transactions.samples(transactionId)).filter((s) => s.measurand === 'Energy.Active.Import.Register').map((s) => s.at);
    expect(sampleTimes.length).toBeGreaterThan(2);
    expect([...sampleTimes].sort((a, b) => a - b)).toEqual(sampleTimes);
  });

  it('accepts a session a station ran while offline, in order and with its own timestamps', async () => {
    const h = await startHarness(testSite());
    cleanups.push(() => h.cleanup());
    const station = new SimStation({ id: 'CP-003', url: h.app.ocppUrl, meterValueIntervalS: 1, tickIntervalMs: 100, reconnectDelayMs: 50 });
    cleanups.push(() => station.stop());
    await station.start();
    await station.goOffline();
    const offlineFrom = Date.now();
    await station.plugIn(1, { batteryWh: 50_000, maxCurrentA: 32, phases: 3 });
    const local = await station.presentBadge(1, 'OFFLINE-CARD');
    expect(local).toMatchObject({ started: true, local: true });
    await waitFor(() => station.connectorState(1).energyWh > 0, 'charging offline');
    await new Promise((r) => setTimeout(r, 2_500)); // a few meter values queue up
    await station.unplug(1);
    const offlineTo = Date.now();
    expect(await h.app.store.transactions.list()).toHaveLength(0);

    await station.goOnline();
    await station.whenIdle();
    const [tx] = await h.app.store.transactions.list();
    expect(tx).toMatchObject({ station_id: 'CP-003', id_tag: 'OFFLINE-CARD', auth_status: 'Accepted', stop_reason: 'EVDisconnected' });
    expect(tx.start_at).toBeGreaterThanOrEqual(offlineFrom - 1_000);
    expect(tx.stop_at).toBeLessThanOrEqual(offlineTo + 1_000);
    expect(tx.created_at).toBeGreaterThan(offlineTo - 1_000);
    const samples = await h.app.store.transactions.samples(tx.id);
    expect(samples.length).toBeGreaterThan(0);
    for (const s of samples) {
      expect(s.at).toBeGreaterThanOrEqual(tx.start_at);
      expect(s.at).toBeLessThanOrEqual(tx.stop_at ?? 0);
    }
    expect(tx.energy_wh).toBeGreaterThan(0);
  });
});

describe('failsafe after a crash (D5)', () => {
  it('SIGKILL: stations fall back to their failsafe once the live profile runs out; after a restart live setpoints return', async () => {
    const dir = tempDir();
    const siteFile = join(dir.path, 'site.json');
    writeFileSync(siteFile, JSON.stringify({
      settings: { liveProfileDurationS: 10, meterValueSampleIntervalS: 1 },
      zones: [{ name: 'Z', maxCurrentA: 40, mode: 'static', authMode: 'lms-allow-all' }],
      stations: ['A', 'B'].map((id) => ({ id, zone: 'Z', connectors: [{ id: 1 }] })),
    }));
    const dataDir = join(dir.path, 'data');
    const port = await freePort();
    let server = startServer(dataDir, siteFile, port);
    const sims = ['A', 'B'].map((id) => new SimStation({ id, url: `ws://127.0.0.1:${port}/ocpp`, tickIntervalMs: 200, reconnectDelayMs: 200, maxReconnectDelayMs: 500 }));
    try {
      await untilHealthy(port);
      for (const sim of sims) await sim.start();
      await sims[0].plugIn(1);
      await sims[0].presentBadge(1, 'CAR');
      await waitFor(() => sims[0].getLimitA(1) === 32, 'the car gets its maximum', 10_000);
      expect(sims[1].getLimitA(1)).toBe(0); // idle, held at 0 A

      server.kill('SIGKILL');
      await new Promise((r) => server.once('exit', r));
      const killedAt = Date.now();
      await waitFor(() => sims.every((s) => s.getLimitA(1) === 6), 'every station at its failsafe (6 A)', 15_000);
      expect(Date.now() - killedAt).toBeLessThanOrEqual(11_000);

      server = startServer(dataDir, siteFile, port);
      await untilHealthy(port);
      await waitFor(() => sims[0].getLimitA(1) === 32 && sims[1].getLimitA(1) === 0, 'live setpoints again', 20_000);
    } finally {
      await Promise.all(sims.map((s) => s.stop()));
      server.kill('SIGKILL');
      dir.cleanup();
    }
  }, 60_000);
});
