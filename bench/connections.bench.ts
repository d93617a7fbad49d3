// Connection benchmark (issue 2): N stations connect, boot, start a session, heartbeat every
// 30 s and send MeterValues every 10 s. Prints the server's RSS per station, its CPU % and the
// p99 latency of a CALL. Usage: node --import tsx bench/connections.bench.ts [N,N,...]
// Environment: BENCH_STATIONS (default 1000,5000), BENCH_STEADY_S (default 60).
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { RPCClient } from '../src/ocpp/rpc.js';
import { freePort, waitForHealth } from '../test/helpers/net.js';
import { tempDir } from '../test/helpers/temp-dir.js';
import { buildDist, cpuTicks, mb, pct, ROOT as root, rssKb, timed } from './lib/measure.js';

type Client = InstanceType<typeof RPCClient>;

const counts = (process.argv[2] ?? process.env.BENCH_STATIONS ?? '1000,5000').split(',').map(Number);
const steadyS = Number(process.env.BENCH_STEADY_S ?? 60);
/** Calls that failed during the steady state of the current run. */
let errors = 0;

buildDist();

const rows: string[] = [];
for (const n of counts) rows.push(await run(n));
console.log('\n| stations | RSS idle | RSS loaded | RSS loaded / N | RSS growth / N | server CPU (steady) | calls (steady) | p50 | p99 | p99 during boot storm |');
console.log('|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
for (const row of rows) console.log(row);

async function run(n: number): Promise<string> {
  const dir = tempDir('fuseguard-bench-');
  const siteFile = join(dir.path, 'site.json');
  writeFileSync(siteFile, JSON.stringify({
    settings: { unknownStations: 'reject', heartbeatIntervalS: 30 },
    zones: [{ name: 'Bench', maxCurrentA: 10_000, mode: 'static', authMode: 'lms-allow-all' }],
    stations: Array.from({ length: n }, (_, i) => ({ id: stationId(i), zone: 'Bench', connectors: [{ id: 1 }] })),
  }));
  const port = await freePort();
  const server = spawn(process.execPath, [join(root, 'dist/cli/main.js'), 'serve', '--data-dir', join(dir.path, 'data'), '--port', String(port), '--host', '127.0.0.1', '--site', siteFile], {
    env: { ...process.env, FUSEGUARD_LOG_LEVEL: 'warn' }, stdio: ['ignore', 'ignore', 'inherit'],
  });
  process.once('exit', () => server.kill('SIGKILL'));
  const clients: Client[] = [];
  const timers: NodeJS.Timeout[] = [];
  try {
    await waitForHealth(port);
    await sleep(5_000); // past the start-up garbage
    const rssIdleKb = rssKb(server);
    const url = `ws://127.0.0.1:${port}/ocpp`;
    console.log(`N=${n}: server up (RSS ${mb(rssIdleKb)}), connecting...`);

    // Boot storm: everyone connects at once (in waves of 200 sockets), as after an outage.
    const bootLatencies: number[] = [];
    for (let i = 0; i < n; i += 200) {
      await Promise.all(Array.from({ length: Math.min(200, n - i) }, async (_, k) => {
        const client = new RPCClient({ endpoint: url, identity: stationId(i + k), protocols: ['ocpp1.6'], reconnect: false, callTimeoutMs: 60_000 } as ConstructorParameters<typeof RPCClient>[0]);
        await client.connect();
        clients.push(client);
        await timed(bootLatencies, () => client.call('BootNotification', { chargePointVendor: 'Bench', chargePointModel: 'B1' }));
      }));
    }
    console.log(`N=${n}: ${clients.length} connected and booted, starting sessions...`);
    const txIds = await Promise.all(clients.map((c) => timed(bootLatencies, () => c.call('StartTransaction', { connectorId: 1, idTag: 'BENCH', meterStart: 0, timestamp: new Date().toISOString() }))
      .then((r) => (r as { transactionId: number }).transactionId)));

    // Steady state: MeterValues every 10 s and a heartbeat every 30 s, spread evenly.
    const latencies: number[] = [];
    clients.forEach((client, i) => {
      let energyWh = 0;
      const meter = () => { energyWh += 30; void timed(latencies, () => client.call('MeterValues', meterValues(txIds[i], energyWh))).catch(countError); };
      const beat = () => void timed(latencies, () => client.call('Heartbeat', {})).catch(countError);
      timers.push(setTimeout(() => timers.push(setInterval(meter, 10_000)), (i / n) * 10_000));
      timers.push(setTimeout(() => timers.push(setInterval(beat, 30_000)), (i / n) * 30_000));
    });
    console.log(`N=${n}: steady state for ${steadyS} s...`);
    await sleep(10_000); // let the schedule settle before measuring
    latencies.length = 0;
    errors = 0;
    const cpuStart = cpuTicks(server);
    const wallStart = Date.now();
    await sleep(steadyS * 1_000);
    const cpuPct = ((cpuTicks(server) - cpuStart) / 100) / ((Date.now() - wallStart) / 1000) * 100;
    const rssLoadedKb = rssKb(server);
    const perStationKb = (rssLoadedKb - rssIdleKb) / n;
    if (errors > 0) console.log(`N=${n}: ${errors} calls failed during the steady state`);
    const row = `| ${n} | ${mb(rssIdleKb)} | ${mb(rssLoadedKb)} | ${(rssLoadedKb / n).toFixed(1)} KB | ${perStationKb.toFixed(1)} KB | ${cpuPct.toFixed(1)} % | ${latencies.length} | ${pct(latencies, 50)} ms | ${pct(latencies, 99)} ms | ${pct(bootLatencies, 99)} ms |`;
    console.log(`N=${n}: ${row}`);
    return row;
  } finally {
    timers.forEach((t) => clearTimeout(t));
    errors = -Infinity; // calls cut by the shutdown below are not failures
    await Promise.all(clients.map((c) => c.close({ force: true }).catch(() => undefined)));
    server.kill('SIGTERM');
    await new Promise((r) => server.once('exit', r));
    dir.cleanup();
  }
}

function countError(): void {
  errors++;
}

function stationId(i: number): string {
  return `BENCH-${String(i).padStart(5, '0')}`;
}

function meterValues(transactionId: number, energyWh: number) {
  return { connectorId: 1, transactionId, meterValue: [{ timestamp: new Date().toISOString(), sampledValue: [
    { value: String(energyWh), unit: 'Wh', measurand: 'Energy.Active.Import.Register' },
    ...['L1', 'L2', 'L3'].map((phase) => ({ value: '16.0', unit: 'A', measurand: 'Current.Import', phase })),
    { value: '11040', unit: 'W', measurand: 'Power.Active.Import' },
  ] }] };
}
