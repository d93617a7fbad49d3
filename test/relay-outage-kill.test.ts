// No session lost across a crash during a CPO outage (U2, issue 7): the CPO is down, 20 sessions
// run on 5 stations, Fuseguard (a child process) is killed with SIGKILL halfway and started
// again, then the CPO comes back. The CPO gets every transaction message exactly once, in order
// per station, with its own ids, and its energy per session is the stations' own.
// The child runs with the relay's default timings (first reconnect ≈1 s, paced replay 100 ms).
import { spawn, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { SimStation } from '../src/sim/index.js';
import type { SiteFile } from '../src/site/site-schema.js';
import { Store } from '../src/store/store.js';
import { FakeCpo } from './helpers/fake-cpo.js';
import { waitFor } from './helpers/harness.js';
import { freePort, waitForHealth } from './helpers/net.js';
import { tempDir } from './helpers/temp-dir.js';

const root = new URL('..', import.meta.url).pathname;
const STATIONS = ['K-1', 'K-2', 'K-3', 'K-4', 'K-5'];
const SESSIONS_PER_STATION = 4; // 20 in all
const TX_ACTIONS = ['StartTransaction', 'StopTransaction', 'MeterValues'];
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function startServer(dataDir: string, siteFile: string, port: number): ChildProcess {
  return spawn(process.execPath, ['--import', 'tsx', join(root, 'src/cli/main.ts'), 'serve', '--data-dir', dataDir, '--site', siteFile, '--port', String(port), '--host', '127.0.0.1'], {
    env: { ...process.env, FUSEGUARD_LOG_LEVEL: 'warn' }, stdio: ['ignore', 'ignore', 'inherit'],
  });
}

function killSite(cpoUrl: string): SiteFile {
  return {
    settings: {
      unknownStations: 'pending', meterValueSampleIntervalS: 1,
      upstream: { enabled: true, url: cpoUrl, webSocketPingIntervalS: 5 },
    },
    zones: [{ name: 'Main', maxCurrentA: 100, mode: 'static', authMode: 'lms-allow-all' }],
    stations: STATIONS.map((id, i) => ({ id, zone: 'Main', boxIdentity: `CPO-K${i + 1}`, connectors: [{ id: 1 }] })),
  };
}

interface OwnSession { idTag: string; meterStart: number; meterStop?: number }

describe('relay to a CPO: SIGKILL during an outage (U2, issue 7)', () => {
  const cleanups: (() => Promise<void> | void)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  it('20 sessions on 5 stations, killed halfway: the CPO gets each message exactly once, in order, ids mapped, energies equal', async () => {
    const cpo = new FakeCpo();
    const cpoIds = new Map<string, number>(); // idTag → the CPO's transaction id
    cpo.responders.set('StartTransaction', (p) => {
      const transactionId = cpo.nextTransactionId++;
      cpoIds.set(String(p.idTag), transactionId);
      return { transactionId, idTagInfo: { status: 'Accepted' } };
    });
    await cpo.start();
    cleanups.push(() => cpo.stop());

    const dir = tempDir();
    cleanups.push(() => dir.cleanup());
    const siteFile = join(dir.path, 'site.json');
    writeFileSync(siteFile, JSON.stringify(killSite(cpo.url)));
    const dataDir = join(dir.path, 'data');
    const port = await freePort();
    let server = startServer(dataDir, siteFile, port);
    cleanups.push(() => { server.kill('SIGKILL'); });
    await waitForHealth(port, 20_000);

    const sims = STATIONS.map((id) => new SimStation({
      id, url: `ws://127.0.0.1:${port}/ocpp`, meterValueIntervalS: 1, tickIntervalMs: 100,
      reconnectDelayMs: 100, maxReconnectDelayMs: 400, config: { AllowOfflineTxForUnknownId: 'true' },
    }));
    cleanups.push(() => Promise.all(sims.map((s) => s.stop())).then(() => undefined));
    for (const sim of sims) expect(await sim.start()).toBe('Accepted');
    await waitFor(() => STATIONS.every((_, i) => cpo.clients.has(`CPO-K${i + 1}`)), 'upstream links up', 15_000);

    // The CPO goes down.
    await cpo.stop();
    const t0 = Date.now();

    // The stations' own view of each session, from their meter registers.
    const own = new Map<string, OwnSession[]>(STATIONS.map((id) => [id, []]));
    for (const sim of sims) {
      sim.on('transaction', (e) => {
        const sessions = own.get(sim.id) ?? [];
        const energyWh = Math.floor(sim.connectorState(1).energyWh);
        if (e.type === 'started') sessions.push({ idTag: e.idTag, meterStart: energyWh });
        if (e.type === 'stopped') {
          const s = sessions.find((x) => x.idTag === e.idTag);
          if (s) s.meterStop = energyWh;
        }
      });
    }

    let thirdStarted = 0;
    let releaseThird: () => void = () => undefined;
    const killed = new Promise<void>((r) => { releaseThird = r; });
    const run = async (sim: SimStation) => {
      for (let k = 1; k <= SESSIONS_PER_STATION; k++) {
        await sim.plugIn(1, { batteryWh: 80_000, maxCurrentA: 16, phases: 3 });
        const started = await sim.presentBadge(1, `${sim.id}/${k}`);
        expect(started.started).toBe(true);
        const from = sim.connectorState(1).energyWh;
        await waitFor(() => sim.connectorState(1).energyWh >= from + 2, `${sim.id}/${k} charging`, 15_000);
        await sleep(1_000);
        if (k === 3) {
          thirdStarted++;
          await killed; // the third session runs through the crash and ends while Fuseguard is down
        }
        await sim.unplug(1);
        await sleep(200);
      }
    };
    const runners = sims.map(run);

    // Halfway: every station has ten sessions done between them and a third one running.
    await waitFor(() => thirdStarted === sims.length, 'third sessions running', 20_000);
    server.kill('SIGKILL');
    await new Promise((r) => server.once('exit', r));
    await waitFor(() => sims.every((s) => !s.isOnline), 'stations notice the loss', 10_000);
    await sleep(1_000); // meter values pile up in the stations' own queues
    releaseThird();
    await sleep(300);
    server = startServer(dataDir, siteFile, port);
    await waitForHealth(port, 20_000);
    await Promise.all(runners);
    await waitFor(() => sims.every((s) => s.isOnline && s.pendingMessages.length === 0), 'stations drained their queues', 20_000);
    await Promise.all(sims.map((s) => s.whenIdle()));
    const outageMs = Date.now() - t0;

    // The CPO comes back, on the same port.
    await cpo.start();
    const backAt = Date.now();
    await waitFor(() => cpo.of('StopTransaction').length >= STATIONS.length * SESSIONS_PER_STATION, 'every StopTransaction at the CPO', 45_000);
    const replayMs = Date.now() - backAt;
    await sleep(1_500); // anything sent twice would show now
    server.kill('SIGTERM');
    await new Promise((r) => server.once('exit', r));
    console.log(`outage ${outageMs} ms, replay after the CPO came back ${replayMs} ms`);

    const store = await Store.open(dataDir);
    cleanups.push(() => store.close());
    expect((await store.relayOutbox.queuedCounts()).size).toBe(0);
    expect((await store.relayOutbox.list()).filter((r) => r.state === 'failed')).toEqual([]);
    const fuseguardTx = await store.transactions.list();
    expect(fuseguardTx).toHaveLength(STATIONS.length * SESSIONS_PER_STATION);

    for (const [i, stationId] of STATIONS.entries()) {
      const identity = `CPO-K${i + 1}`;
      const tx = cpo.calls.filter((c) => c.identity === identity && TX_ACTIONS.includes(c.action) && (c.action !== 'MeterValues' || c.params.transactionId !== undefined));
      // No duplicates (the at-least-once boundary of docs/relay.md would show here).
      expect(new Set(tx.map((c) => JSON.stringify([c.action, c.params]))).size, `${stationId}: a message came twice`).toBe(tx.length);
      const starts = tx.filter((c) => c.action === 'StartTransaction');
      const stops = tx.filter((c) => c.action === 'StopTransaction');
      const tags = Array.from({ length: SESSIONS_PER_STATION }, (_, k) => `${stationId}/${k + 1}`);
      expect(starts.map((c) => c.params.idTag)).toEqual(tags);
      expect(stops.map((c) => c.params.idTag)).toEqual(tags);
      expect(stops.map((c) => c.params.transactionId)).toEqual(tags.map((t) => cpoIds.get(t)));

      const sessions = own.get(stationId) ?? [];
      expect(sessions.map((s) => s.idTag)).toEqual(tags);
      let previousStopAt = -1;
      for (const [k, tag] of tags.entries()) {
        const cpoId = cpoIds.get(tag) as number;
        const startAt = tx.indexOf(starts[k]);
        const stopAt = tx.indexOf(stops[k]);
        expect(startAt).toBeGreaterThan(previousStopAt); // sessions in the station's order
        const mine = tx.filter((c) => c.action !== 'StartTransaction' && c.params.transactionId === cpoId);
        expect(mine.at(-1)).toBe(stops[k]);
        expect(mine.length).toBeGreaterThan(1); // meter values too
        for (const c of mine) {
          expect(tx.indexOf(c)).toBeGreaterThan(startAt);
          expect(tx.indexOf(c)).toBeLessThanOrEqual(stopAt);
        }
        const times = mine.filter((c) => c.action === 'MeterValues').map((c) => Date.parse((c.params.meterValue as { timestamp: string }[])[0].timestamp));
        expect([...times].sort((a, b) => a - b)).toEqual(times);
        previousStopAt = stopAt;

        // The CPO's energy is the station's own, and Fuseguard's own id maps to the CPO's.
        const cpoEnergy = (stops[k].params.meterStop as number) - (starts[k].params.meterStart as number);
        expect(sessions[k].meterStop).toBeDefined();
        expect(cpoEnergy).toBe((sessions[k].meterStop ?? 0) - sessions[k].meterStart);
        expect(cpoEnergy, `${tag} energy`).toBeGreaterThan(0);
        const local = fuseguardTx.find((t) => t.station_id === stationId && t.id_tag === tag);
        expect(local?.energy_wh).toBe(cpoEnergy);
        expect(await store.relayOutbox.cpoTransactionId(local?.id ?? -1)).toBe(cpoId);
      }
      // Every transaction id the CPO saw from this station is one it gave out for this station.
      const given = new Set(tags.map((t) => cpoIds.get(t)));
      for (const c of tx.filter((x) => x.action !== 'StartTransaction')) expect(given.has(c.params.transactionId as number)).toBe(true);
    }
  }, 120_000);
});
