// Issue 13: the admin commands write the data folder from another process while the server runs;
// the server notices their commits (SQLite's data_version) and reloads, as after an API change.
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { pino } from 'pino';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { SimStation } from '../src/sim/index.js';
import { Store } from '../src/store/store.js';
import { startApiHarness, type ApiHarness } from './helpers/api-client.js';
import { testSite, waitFor } from './helpers/harness.js';
import { tempDir } from './helpers/temp-dir.js';

const main = new URL('../src/cli/main.ts', import.meta.url).pathname;
const run = promisify(execFile);
const PASSPHRASE = 'live config passphrase';
/** Runs `fuseguard` as its own process (the server keeps running meanwhile); rejects on a non-zero exit. */
const fuseguard = (...args: string[]) => run(process.execPath, ['--import', 'tsx', main, ...args], {
  encoding: 'utf8', env: { ...process.env, FUSEGUARD_BACKUP_PASSPHRASE: PASSPHRASE },
});
const RELOADED = 'configuration changed outside the server (CLI): reloaded';

describe('admin commands take effect in a running server (issue 13)', () => {
  let h: ApiHarness;
  const messages: string[] = [];
  const sims: SimStation[] = [];
  /** Reloads the server made because another process wrote the database. */
  const externalReloads = () => messages.filter((m) => m === RELOADED).length;
  const sim = (id: string, connectors = 1) => {
    const s = new SimStation({
      id, url: h.app.ocppUrl, connectors: Array.from({ length: connectors }, () => ({})),
      tickIntervalMs: 100, reconnectDelayMs: 100, maxReconnectDelayMs: 300,
    });
    sims.push(s);
    return s;
  };
  const setRowB = (maxCurrentA: number) => h.admin.put('/api/zones/Row%20B', { parent: 'Main', maxCurrentA, mode: 'static', authMode: 'lms-allow-all' });
  const connectorsOf = (stationId: string) => [...h.app.control!.state.connectors.values()].filter((c) => c.stationId === stationId);

  beforeAll(async () => {
    const logger = pino({ level: 'info' }, { write: (line: string) => { messages.push((JSON.parse(line) as { msg: string }).msg); } });
    h = await startApiHarness(testSite(), { logger, externalChangesPollMs: 100, control: { debounceMs: 20, liveProfileDurationS: 60 } });
  });
  afterEach(async () => {
    await Promise.all(sims.splice(0).map((s) => s.stop()));
  });
  afterAll(async () => { await h?.cleanup(); });

  it('a pending station admitted by `stations admit` is accepted at its next boot and managed, without a restart', async () => {
    const newcomer = sim('NEW-01', 2);
    const calls: string[] = [];
    newcomer.on('call', ({ method }) => calls.push(method));
    expect(await newcomer.start()).toBe('Pending');
    expect(connectorsOf('NEW-01')).toEqual([]);

    const admitted = await fuseguard('stations', 'admit', 'NEW-01', '--zone', 'Row B', '--data-dir', h.dataDir);
    expect(admitted.stdout).toContain('NEW-01 admitted into Row B');
    await waitFor(() => externalReloads() === 1, 'the server to reload the admission');

    // Its next boot (the Pending interval over on the station's clock) is accepted...
    newcomer.tick(30_000);
    await waitFor(() => newcomer.bootStatus === 'Accepted', 'the boot after the admission to be accepted');
    // ...and the running control loop counts its connectors and provisions it.
    await waitFor(() => connectorsOf('NEW-01').length === 2, "the station's connectors in the control state");
    expect(connectorsOf('NEW-01').map((c) => ({ connectorId: c.connectorId, zone: c.zone }))).toEqual([
      { connectorId: 1, zone: 'Row B' }, { connectorId: 2, zone: 'Row B' },
    ]);
    await waitFor(() => calls.includes('SetChargingProfile'), 'charging profiles sent to the admitted station');
    // The station's own writes (boot, statuses, logs) made no reload of their own.
    expect(externalReloads()).toBe(1);
  }, 60_000);

  it("the server's own commits (API, stations) and read-only commands cause no reload through the watch", async () => {
    /**
     * A marker committed by another connection, then seen in the running control loop: every
     * commit of another process before it has been noticed by then (the watch polls in order).
     */
    let heartbeat = 100;
    const marker = async () => {
      heartbeat += 1;
      const other = await Store.open(h.dataDir);
      try {
        await other.settings.set({ heartbeatIntervalS: heartbeat });
      } finally {
        await other.close();
      }
      await waitFor(() => h.app.control!.state.settings.heartbeatIntervalS === heartbeat, 'the marker in the control loop');
    };
    await marker();
    const before = externalReloads();
    // Read-only commands, and one that fails before writing.
    await fuseguard('stations', 'list', '--data-dir', h.dataDir);
    await fuseguard('badges', 'list', '--data-dir', h.dataDir);
    await expect(fuseguard('stations', 'admit', 'NOPE', '--zone', 'Row A', '--data-dir', h.dataDir)).rejects.toMatchObject({ code: 1 });
    // The server's own commits: a station connecting, booting and reporting; a change through
    // the API, which reloads by itself (once).
    const cp3 = sim('CP-003');
    expect(await cp3.start()).toBe('Accepted');
    expect((await setRowB(30)).status).toBe(200);
    expect(h.app.control!.state.zones.find((z) => z.name === 'Row B')?.maxCurrentA).toBe(30);
    await marker();
    expect(externalReloads()).toBe(before + 1);
    // A command that writes (its audit entry) is one reload.
    await fuseguard('backup', '--data-dir', h.dataDir, '--out', join(h.dataDir, '..', 'between.fgbackup'));
    await waitFor(() => externalReloads() === before + 2, 'the reload for the backup');
    await marker();
    expect(externalReloads()).toBe(before + 3);
    expect((await setRowB(32)).status).toBe(200);
  }, 120_000);

  it('`sessions force-stop` ends the session in the running control loop', async () => {
    const cp3 = sim('CP-003');
    expect(await cp3.start()).toBe('Accepted');
    await cp3.plugIn(1, { batteryWh: 60_000, maxCurrentA: 32, phases: 3 });
    const badge = await cp3.presentBadge(1, 'GOOD');
    await waitFor(() => cp3.transactionId(1) !== undefined, 'the transaction id');
    const transactionId = cp3.transactionId(1) as number;
    await waitFor(() => connectorsOf('CP-003')[0]?.session?.transactionId === transactionId, 'the session in the control state');
    expect(badge.started).toBe(true);
    // The station vanishes with its session open; the operator closes it from the command line.
    await cp3.goOffline();
    const before = externalReloads();
    const stopped = await fuseguard('sessions', 'force-stop', String(transactionId), '--data-dir', h.dataDir);
    expect(stopped.stdout).toContain(`transaction ${transactionId} stopped`);
    await waitFor(() => externalReloads() > before, 'the server to reload');
    await waitFor(() => connectorsOf('CP-003')[0]?.session === null, 'the session ended in the control state');
    expect((await h.admin.get(`/api/sessions/${transactionId}`)).body).toMatchObject({ stopReason: expect.any(String) });
  }, 60_000);

  it('`restore` and `factory-reset` with the server running: configuration reloaded, connections kept true', async () => {
    const backupFile = join(h.dataDir, '..', 'live.fgbackup');
    await fuseguard('backup', '--data-dir', h.dataDir, '--out', backupFile);
    const cp3 = sim('CP-003');
    expect(await cp3.start()).toBe('Accepted');
    expect((await setRowB(20)).status).toBe(200);
    const zoneMax = () => h.app.control!.state.zones.find((z) => z.name === 'Row B')?.maxCurrentA;
    expect(zoneMax()).toBe(20);

    await fuseguard('restore', backupFile, '--without-credentials', '--data-dir', h.dataDir);
    await waitFor(() => zoneMax() === 32, "the backup's zone maximum in the control loop");
    // The restored rows say every station is disconnected; the running server knows better.
    await waitFor(async () => (await h.app.store.stations.get('CP-003'))?.connected === 1, 'CP-003 marked connected again');
    expect(cp3.isOnline).toBe(true);

    const closed = new Promise((resolve) => cp3.once('disconnected', resolve));
    await fuseguard('factory-reset', '--yes', '--data-dir', h.dataDir);
    await waitFor(() => h.app.control!.state.zones.length === 0, 'the empty site in the control loop');
    // A station whose row is gone is let go, as the API's factory reset does.
    await closed;
    expect((await h.admin.get('/api/stations')).status).toBe(401); // browser sessions are gone too
  }, 120_000);
});

describe('the store notices commits of other connections only', () => {
  const dir = tempDir();
  afterAll(() => dir.cleanup());

  it('data_version moves with another connection, never with its own; the watch calls back once per poll', async () => {
    const dataDir = join(dir.path, 'data');
    const server = await Store.open(dataDir);
    const cli = await Store.open(dataDir);
    let changes = 0;
    const stop = server.watchExternalChanges(20, () => { changes += 1; }, { since: await server.dataVersion() });
    try {
      const start = await server.dataVersion();
      await server.settings.set({ heartbeatIntervalS: 120 });
      expect(await server.dataVersion()).toBe(start);
      await cli.settings.set({ heartbeatIntervalS: 60 });
      expect(await server.dataVersion()).not.toBe(start);
      await waitFor(() => changes === 1, 'the watch to call back');
      await cli.settings.set({ heartbeatIntervalS: 90 });
      await waitFor(() => changes === 2, 'the watch to call back again');
    } finally {
      await stop();
      await cli.close();
      await server.close();
    }
  });
});
