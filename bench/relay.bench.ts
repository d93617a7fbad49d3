// Relay benchmark (issue 7, U2): N stations (default 200) send MeterValues in a session, first
// straight to a fake CPO, then through Fuseguard with the relay on (its default timings). Then the
// CPO goes down while each station runs more sessions, and comes back. Prints the station-seen
// round trip and the station→CPO delivery delay of a CALL (p50/p99, relayed vs direct), the replay
// time and Fuseguard's RSS. Everything on 127.0.0.1, Fuseguard in a child process (tsx).
// Usage: node --import tsx bench/relay.bench.ts [N]. Environment: BENCH_RELAY_STEADY_S [15],
// BENCH_RELAY_SESSIONS (per station during the outage) [3].
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { RPCClient } from '../src/ocpp/rpc.js';
import { FakeCpo } from '../test/helpers/fake-cpo.js';
import { freePort, waitForHealth } from '../test/helpers/net.js';
import { tempDir } from '../test/helpers/temp-dir.js';

type Client = InstanceType<typeof RPCClient>;

const n = Number(process.argv[2] ?? process.env.BENCH_RELAY_STATIONS ?? 200);
const steadyS = Number(process.env.BENCH_RELAY_STEADY_S ?? 15);
const outageSessions = Number(process.env.BENCH_RELAY_SESSIONS ?? 3);
const METER_EVERY_MS = 2_000;
const root = new URL('..', import.meta.url).pathname;

const cpo = new FakeCpo();
await cpo.start();

// 1. Direct: the stations talk to the CPO themselves.
const direct = await steady(cpo.url, (i) => stationId(i));
console.log(`direct: ${direct.rtt.length} calls`);

// 2. Relayed: the same stations through Fuseguard.
const dir = tempDir('fuseguard-bench-relay-');
const siteFile = join(dir.path, 'site.json');
writeFileSync(siteFile, JSON.stringify({
  settings: { unknownStations: 'reject', heartbeatIntervalS: 300, upstream: { enabled: true, url: cpo.url } },
  zones: [{ name: 'Bench', maxCurrentA: 100_000, mode: 'static', authMode: 'lms-allow-all' }],
  stations: Array.from({ length: n }, (_, i) => ({ id: stationId(i), zone: 'Bench', boxIdentity: `UP-${stationId(i)}`, connectors: [{ id: 1 }] })),
}));
const port = await freePort();
const server: ChildProcess = spawn(process.execPath, ['--import', 'tsx', join(root, 'src/cli/main.ts'), 'serve', '--data-dir', join(dir.path, 'data'), '--port', String(port), '--host', '127.0.0.1', '--site', siteFile], {
  env: { ...process.env, FUSEGUARD_LOG_LEVEL: 'error' }, stdio: ['ignore', 'ignore', 'inherit'],
});
process.once('exit', () => server.kill('SIGKILL'));
let rssPeakKb = 0;
const rssTimer = setInterval(() => { rssPeakKb = Math.max(rssPeakKb, rssKb(server)); }, 200);
try {
  await waitForHealth(port);
  await sleep(3_000);
  const rssIdleKb = rssKb(server);
  const relayed = await steady(`ws://127.0.0.1:${port}/ocpp`, (i) => `UP-${stationId(i)}`, true);
  const rssSteadyKb = rssKb(server);
  console.log(`relayed: ${relayed.rtt.length} calls`);

  // 3. Outage: the CPO is down while every station ends its session and runs more.
  await cpo.stop();
  const before = cpo.calls.length;
  await sleep(2_000);
  const outageStart = Date.now();
  let queued = 0;
  await Promise.all(relayed.clients.map(async (client, i) => {
    let energyWh = relayed.energy[i];
    await client.call('StopTransaction', { transactionId: relayed.txIds[i], meterStop: energyWh, timestamp: new Date().toISOString(), reason: 'EVDisconnected' });
    queued++;
    for (let s = 0; s < outageSessions; s++) {
      const start = await client.call('StartTransaction', { connectorId: 1, idTag: 'BENCH', meterStart: energyWh, timestamp: new Date().toISOString() }) as { transactionId: number };
      queued++;
      for (let m = 0; m < 4; m++) {
        energyWh += 30;
        await client.call('MeterValues', meterValues(start.transactionId, energyWh, new Date().toISOString()));
        queued++;
      }
      await client.call('StopTransaction', { transactionId: start.transactionId, meterStop: energyWh, timestamp: new Date().toISOString(), reason: 'EVDisconnected' });
      queued++;
    }
  }));
  const outageMs = Date.now() - outageStart;
  await sleep(Math.max(0, 8_000 - outageMs)); // an outage of some seconds: the links back off
  const rssOutageKb = rssKb(server);

  // 4. The CPO comes back: the paced replay.
  const txCount = () => cpo.calls.slice(before).filter((c) => ['StartTransaction', 'StopTransaction'].includes(c.action) || (c.action === 'MeterValues' && c.params.transactionId !== undefined)).length;
  await cpo.start();
  const backAt = Date.now();
  let firstAt = 0;
  const deadline = backAt + 60_000;
  while (txCount() < queued && Date.now() < deadline) {
    if (!firstAt && txCount() > 0) firstAt = Date.now();
    await sleep(50);
  }
  const replayMs = Date.now() - backAt;
  const delivered = txCount();
  await Promise.all(relayed.clients.map((c) => c.close({ force: true }).catch(() => undefined)));

  const ratio = (p: number) => (pctNum(relayed.rtt, p) / pctNum(direct.rtt, p)).toFixed(2);
  const ratioOneWay = (p: number) => (pctNum(relayed.oneWay, p) / Math.max(1, pctNum(direct.oneWay, p))).toFixed(2);
  console.log(`\n${n} stations, MeterValues every ${METER_EVERY_MS / 1000} s each, ${steadyS} s steady; outage: ${queued} transaction messages queued (${outageSessions} sessions per station)\n`);
  const added = (a: number[], b: number[], p: number) => (pctNum(a, p) - pctNum(b, p)).toFixed(1);
  console.log('| CALL | direct p50 | direct p99 | relayed p50 | relayed p99 | added p50 | added p99 | ratio p50 | ratio p99 |');
  console.log('|---|---:|---:|---:|---:|---:|---:|---:|---:|');
  console.log(`| station round trip (station's answer) | ${pct(direct.rtt, 50)} ms | ${pct(direct.rtt, 99)} ms | ${pct(relayed.rtt, 50)} ms | ${pct(relayed.rtt, 99)} ms | ${added(relayed.rtt, direct.rtt, 50)} ms | ${added(relayed.rtt, direct.rtt, 99)} ms | ${ratio(50)} | ${ratio(99)} |`);
  console.log(`| station → CPO delivery (send to CPO receipt, 1 ms clock) | ${pct(direct.oneWay, 50)} ms | ${pct(direct.oneWay, 99)} ms | ${pct(relayed.oneWay, 50)} ms | ${pct(relayed.oneWay, 99)} ms | ${added(relayed.oneWay, direct.oneWay, 50)} ms | ${added(relayed.oneWay, direct.oneWay, 99)} ms | ${ratioOneWay(50)} | ${ratioOneWay(99)} |`);
  console.log('\n| replay: messages | delivered | first after CPO back | all after CPO back | RSS idle | RSS steady (relayed) | RSS in outage | RSS peak |');
  console.log('|---:|---:|---:|---:|---:|---:|---:|---:|');
  console.log(`| ${queued} | ${delivered} | ${firstAt ? firstAt - backAt : '-'} ms | ${replayMs} ms | ${mb(rssIdleKb)} | ${mb(rssSteadyKb)} | ${mb(rssOutageKb)} | ${mb(rssPeakKb)} |`);
  if (delivered !== queued) {
    console.log(`replay incomplete or duplicated: ${delivered} of ${queued}`);
    process.exitCode = 1;
  }
} finally {
  clearInterval(rssTimer);
  server.kill('SIGTERM');
  await new Promise((r) => server.once('exit', r));
  await cpo.stop();
  dir.cleanup();
}

interface SteadyResult { rtt: number[]; oneWay: number[]; clients: Client[]; txIds: number[]; energy: number[] }

/** Connects N stations to `url`, starts a session on each, then MeterValues every 2 s for steadyS. */
async function steady(url: string, cpoIdentity: (i: number) => string, keep = false): Promise<SteadyResult> {
  const clients: Client[] = [];
  for (let i = 0; i < n; i += 50) {
    await Promise.all(Array.from({ length: Math.min(50, n - i) }, async (_, k) => {
      const client = new RPCClient({ endpoint: url, identity: stationId(i + k), protocols: ['ocpp1.6'], reconnect: false, callTimeoutMs: 60_000 } as ConstructorParameters<typeof RPCClient>[0]);
      // Fuseguard's own commands (SetChargingProfile, ChangeConfiguration...) are accepted.
      client.handle(async () => ({ status: 'Accepted' }));
      await client.connect();
      clients[i + k] = client;
      await client.call('BootNotification', { chargePointVendor: 'Bench', chargePointModel: 'B1' });
    }));
  }
  if (keep) {
    const deadline = Date.now() + 30_000;
    while (cpo.clients.size < n && Date.now() < deadline) await sleep(100);
    console.log(`relayed: ${cpo.clients.size} upstream links`);
  }
  const txIds = await Promise.all(clients.map((c) => c.call('StartTransaction', { connectorId: 1, idTag: 'BENCH', meterStart: 0, timestamp: new Date().toISOString() })
    .then((r) => (r as { transactionId: number }).transactionId)));
  const energy = clients.map(() => 0);
  const rtt: number[] = [];
  const sentAt = new Map<string, number>();
  const timers: NodeJS.Timeout[] = [];
  let measuring = false;
  clients.forEach((client, i) => {
    const meter = () => {
      energy[i] += 30;
      const stamp = new Date().toISOString();
      const key = `${cpoIdentity(i)} ${stamp} ${energy[i]}`;
      const start = performance.now();
      if (measuring) sentAt.set(key, Date.now());
      void client.call('MeterValues', meterValues(txIds[i], energy[i], stamp)).then(() => { if (measuring) rtt.push(performance.now() - start); }, () => undefined);
    };
    timers.push(setTimeout(() => timers.push(setInterval(meter, METER_EVERY_MS)), (i / n) * METER_EVERY_MS));
  });
  await sleep(3_000); // let the schedule settle
  const from = cpo.calls.length;
  measuring = true;
  await sleep(steadyS * 1_000);
  measuring = false;
  timers.forEach((t) => clearTimeout(t));
  await sleep(1_000); // the last relayed calls arrive
  const oneWay: number[] = [];
  for (const c of cpo.calls.slice(from)) {
    if (c.action !== 'MeterValues') continue;
    const mv = (c.params.meterValue as { timestamp: string; sampledValue: { value: string }[] }[])[0];
    const at = sentAt.get(`${c.identity} ${mv.timestamp} ${mv.sampledValue[0].value}`);
    if (at !== undefined) oneWay.push(c.at - at);
  }
  if (!keep) await Promise.all(clients.map((c) => c.close({ force: true }).catch(() => undefined)));
  return { rtt, oneWay, clients, txIds, energy };
}

function stationId(i: number): string {
  return `RB-${String(i).padStart(4, '0')}`;
}

function meterValues(transactionId: number, energyWh: number, timestamp: string) {
  return { connectorId: 1, transactionId, meterValue: [{ timestamp, sampledValue: [
    { value: String(energyWh), unit: 'Wh', measurand: 'Energy.Active.Import.Register' },
    ...['L1', 'L2', 'L3'].map((phase) => ({ value: '16.0', unit: 'A', measurand: 'Current.Import', phase })),
    { value: '11040', unit: 'W', measurand: 'Power.Active.Import' },
  ] }] };
}

function pctNum(values: number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

function pct(values: number[], p: number): string {
  return pctNum(values, p).toFixed(1);
}

function mb(kb: number): string {
  return `${(kb / 1024).toFixed(0)} MB`;
}

function rssKb(child: ChildProcess): number {
  try {
    const status = readFileSync(`/proc/${child.pid}/status`, 'utf8');
    return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1]);
  } catch {
    return 0;
  }
}
