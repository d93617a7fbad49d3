// Relay benchmark (issue 7, U2): N stations (default 200) send MeterValues in a session, first
// straight to a fake CPO, then through Fuseguard with the relay on (its default timings). Then the
// CPO goes down while each station ends its session and runs sessions whose timestamps cover
// BENCH_RELAY_OUTAGE_MIN simulated minutes (sent as fast as the stations can: the time is
// simulated, not waited), and the CPO comes back. Finally the same backlog is flushed by the
// stations themselves straight to the CPO, one CALL after the other, as a station's own offline
// queue would. Prints the station-seen round trip and the station→CPO delivery delay of a CALL
// (p50/p99, relayed vs direct), the replay time against the direct flush, and Fuseguard's RSS.
// Everything on 127.0.0.1, Fuseguard in a child process (tsx).
// Usage: node --import tsx bench/relay.bench.ts [N]. Environment: BENCH_RELAY_STEADY_S [15],
// BENCH_RELAY_OUTAGE_MIN (simulated minutes of sessions during the outage) [10],
// BENCH_RELAY_SAMPLE_S (simulated MeterValues interval) [60].
import { spawn, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { RPCClient } from '../src/ocpp/rpc.js';
import { FakeCpo, type CpoCall } from '../test/helpers/fake-cpo.js';
import { freePort, waitForHealth } from '../test/helpers/net.js';
import { tempDir } from '../test/helpers/temp-dir.js';
import { mb, pct, pctNum, rssKb } from './lib/measure.js';

type Client = InstanceType<typeof RPCClient>;

const n = Number(process.argv[2] ?? process.env.BENCH_RELAY_STATIONS ?? 200);
const steadyS = Number(process.env.BENCH_RELAY_STEADY_S ?? 15);
const outageMin = Number(process.env.BENCH_RELAY_OUTAGE_MIN ?? 10);
const sampleS = Number(process.env.BENCH_RELAY_SAMPLE_S ?? 60);
const METER_EVERY_MS = 2_000;
const POWER_W = 11_040; // 16 A on 3 phases at 230 V, as in meterValues()
// The outage lasts at least this long in real time, so the upstream links back off as in a real one.
const OUTAGE_MIN_REAL_MS = 8_000;
// Generous: the paced replay of a long backlog (a short sample interval) takes minutes.
const REPLAY_DEADLINE_MS = 600_000;
const TX_ACTIONS = ['StartTransaction', 'StopTransaction', 'MeterValues'];
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

  // 3. Outage: the CPO is down while every station ends its session and runs outageMin simulated
  // minutes of sessions. The simulated clock starts now (its later timestamps are ahead of the
  // real clock); the stations send as fast as Fuseguard answers.
  await cpo.stop();
  const downAt = Date.now();
  const before = cpo.calls.length;
  await sleep(2_000);
  const outageStart = Date.now();
  const simStartMs = outageStart;
  const expected = new Set<string>(); // identity+action+timestamp+value of every queued message
  await Promise.all(relayed.clients.map(async (client, i) => {
    const steps = backlog(i, simStartMs, relayed.energy[i]);
    steps.forEach((step) => expected.add(stepKey(`UP-${stationId(i)}`, step)));
    await sendBacklog(client, steps, relayed.txIds[i]);
  }));
  const queued = expected.size;
  const outageSendMs = Date.now() - outageStart;
  await sleep(Math.max(0, OUTAGE_MIN_REAL_MS - outageSendMs));
  const rssOutageKb = rssKb(server);

  // 4. The CPO comes back: the paced replay.
  const txCalls = () => cpo.calls.slice(before).filter(isTxMessage);
  await cpo.start();
  const backAt = Date.now();
  const deadline = backAt + REPLAY_DEADLINE_MS;
  while (txCalls().length < queued && Date.now() < deadline) await sleep(50);
  await sleep(1_000); // a late duplicate would come now
  const relayedAtCpo = txCalls();
  const delivered = relayedAtCpo.length;
  // From the CPO's receipt times (1 ms clock). Per station: the wait for its link to be back
  // (reconnection backoff, boot), then its drain (first to last message: pace, round trips, commits).
  const replayMs = (relayedAtCpo.at(-1)?.at ?? NaN) - backAt;
  const linkBackMs: number[] = [];
  const drainMs: number[] = [];
  const byStation = new Map<string, { firstAt: number; lastAt: number }>();
  for (const { identity, at } of relayedAtCpo) byStation.set(identity, { firstAt: byStation.get(identity)?.firstAt ?? at, lastAt: at });
  for (const { firstAt, lastAt } of byStation.values()) {
    linkBackMs.push(firstAt - backAt);
    drainMs.push(lastAt - firstAt);
  }
  await Promise.all(relayed.clients.map((c) => c.close({ force: true }).catch(() => undefined)));

  // Exactly once: every queued message arrived, none twice, nothing else.
  const seen = new Map<string, number>();
  for (const call of relayedAtCpo) seen.set(callKey(call), (seen.get(callKey(call)) ?? 0) + 1);
  const twice = [...seen.values()].filter((count) => count > 1).length;
  const missing = [...expected].filter((key) => !seen.has(key)).length;
  const unexpected = [...seen.keys()].filter((key) => !expected.has(key)).length;

  // 5. Direct flush: the stations held the same backlog themselves and send it straight to the
  // CPO, each one CALL at a time (no pacing, no reconnection backoff: a lower bound).
  const flushFrom = cpo.calls.length;
  const flushStart = Date.now();
  const flushMs: number[] = []; // per station: connect and send its backlog
  const flushClients = await Promise.all(direct.txIds.map(async (txId, i) => {
    const client = newClient(cpo.url, stationId(i));
    await client.connect();
    await sendBacklog(client, backlog(i, simStartMs, direct.energy[i]), txId);
    flushMs.push(Date.now() - flushStart);
    return client;
  }));
  const directFlushMs = Date.now() - flushStart;
  const directDelivered = cpo.calls.slice(flushFrom).filter(isTxMessage).length;
  await Promise.all(flushClients.map((c) => c.close({ force: true }).catch(() => undefined)));

  const counts = TX_ACTIONS.map((action) => `${relayedAtCpo.filter((c) => c.action === action).length} ${action}`).join(', ');
  const ratio = (p: number) => (pctNum(relayed.rtt, p) / pctNum(direct.rtt, p)).toFixed(2);
  const ratioOneWay = (p: number) => (pctNum(relayed.oneWay, p) / Math.max(1, pctNum(direct.oneWay, p))).toFixed(2);
  console.log(`\n${n} stations, MeterValues every ${METER_EVERY_MS / 1000} s each, ${steadyS} s steady`);
  console.log(`outage: ${outageMin} SIMULATED minutes of sessions per station (timestamps; MeterValues every ${sampleS} simulated s, sessions of 3-5 simulated min),`);
  console.log(`  sent in ${(outageSendMs / 1000).toFixed(1)} s of real time, CPO down ${secs(backAt - downAt)}: ${queued} transaction messages queued (${(queued / n).toFixed(1)} per station; delivered: ${counts})\n`);
  const added = (a: number[], b: number[], p: number) => (pctNum(a, p) - pctNum(b, p)).toFixed(1);
  console.log('| CALL | direct p50 | direct p99 | relayed p50 | relayed p99 | added p50 | added p99 | ratio p50 | ratio p99 |');
  console.log('|---|---:|---:|---:|---:|---:|---:|---:|---:|');
  console.log(`| station round trip (station's answer) | ${pct(direct.rtt, 50)} ms | ${pct(direct.rtt, 99)} ms | ${pct(relayed.rtt, 50)} ms | ${pct(relayed.rtt, 99)} ms | ${added(relayed.rtt, direct.rtt, 50)} ms | ${added(relayed.rtt, direct.rtt, 99)} ms | ${ratio(50)} | ${ratio(99)} |`);
  console.log(`| station → CPO delivery (send to CPO receipt, 1 ms clock) | ${pct(direct.oneWay, 50)} ms | ${pct(direct.oneWay, 99)} ms | ${pct(relayed.oneWay, 50)} ms | ${pct(relayed.oneWay, 99)} ms | ${added(relayed.oneWay, direct.oneWay, 50)} ms | ${added(relayed.oneWay, direct.oneWay, 99)} ms | ${ratioOneWay(50)} | ${ratioOneWay(99)} |`);
  console.log('\n| backlog: messages | delivered (relayed) | twice / missing / unexpected | direct flush (stations → CPO, all) | relayed replay (CPO back → all) | ratio to direct |');
  console.log('|---:|---:|---:|---:|---:|---:|');
  console.log(`| ${queued} | ${delivered} | ${twice} / ${missing} / ${unexpected} | ${secs(directFlushMs)} (${directDelivered} messages) | ${secs(replayMs)} | ${(replayMs / directFlushMs).toFixed(1)} |`);
  console.log('\n| per station | p50 | max |');
  console.log('|---|---:|---:|');
  console.log(`| direct flush (connect + backlog, one CALL at a time) | ${secs(pctNum(flushMs, 50))} | ${secs(Math.max(...flushMs))} |`);
  console.log(`| relayed: link back (CPO back → its first message) | ${secs(pctNum(linkBackMs, 50))} | ${secs(Math.max(...linkBackMs))} |`);
  console.log(`| relayed: drain (its first → last message) | ${secs(pctNum(drainMs, 50))} | ${secs(Math.max(...drainMs))} |`);
  console.log(`| ratio drain / direct flush | ${(pctNum(drainMs, 50) / pctNum(flushMs, 50)).toFixed(1)} | ${(Math.max(...drainMs) / Math.max(...flushMs)).toFixed(1)} |`);
  console.log('\nFuseguard RSS (a direct connection has no Fuseguard: no ratio):');
  console.log('| RSS idle | RSS steady (relayed) | RSS in outage | RSS peak | per station, steady − idle | per station, peak − idle |');
  console.log('|---:|---:|---:|---:|---:|---:|');
  console.log(`| ${mb(rssIdleKb)} | ${mb(rssSteadyKb)} | ${mb(rssOutageKb)} | ${mb(rssPeakKb)} | ${((rssSteadyKb - rssIdleKb) / n).toFixed(0)} kB | ${((rssPeakKb - rssIdleKb) / n).toFixed(0)} kB |`);
  if (delivered !== queued || twice > 0 || missing > 0 || unexpected > 0) {
    console.log(`replay incomplete or duplicated: ${delivered} of ${queued} delivered, ${twice} twice, ${missing} missing, ${unexpected} unexpected`);
    process.exitCode = 1;
  }
} finally {
  clearInterval(rssTimer);
  server.kill('SIGTERM');
  await new Promise((r) => server.once('exit', r));
  await cpo.stop();
  dir.cleanup();
}

interface BacklogStep { action: 'StartTransaction' | 'StopTransaction' | 'MeterValues'; timestamp: string; energyWh: number }

/**
 * One station's messages during the outage, on a simulated clock of sampleS ticks from simStartMs:
 * its running session stops at tick 0; then sessions of 3-5 simulated minutes (by station, so
 * they do not all line up), one tick apart, with MeterValues at every tick inside a session,
 * until outageMin simulated minutes; the last session stops at the end.
 */
function backlog(i: number, simStartMs: number, energyStartWh: number): BacklogStep[] {
  const endTick = Math.floor((outageMin * 60) / sampleS);
  const sessionTicks = Math.max(1, Math.round(((3 + (i % 3)) * 60) / sampleS));
  const whPerTick = Math.round((POWER_W * sampleS) / 3_600);
  const at = (tick: number) => new Date(simStartMs + tick * sampleS * 1_000).toISOString();
  let energyWh = energyStartWh;
  const steps: BacklogStep[] = [{ action: 'StopTransaction', timestamp: at(0), energyWh }];
  for (let startTick = 1; startTick < endTick; startTick += sessionTicks + 1) {
    const stopTick = Math.min(startTick + sessionTicks, endTick);
    steps.push({ action: 'StartTransaction', timestamp: at(startTick), energyWh });
    for (let tick = startTick + 1; tick < stopTick; tick++) {
      energyWh += whPerTick;
      steps.push({ action: 'MeterValues', timestamp: at(tick), energyWh });
    }
    energyWh += whPerTick; // the last tick of charging, in meterStop
    steps.push({ action: 'StopTransaction', timestamp: at(stopTick), energyWh });
  }
  return steps;
}

/** Sends a backlog one CALL at a time; a StartTransaction's answer gives the next transaction id. */
async function sendBacklog(client: Client, steps: BacklogStep[], runningTxId: number): Promise<void> {
  let txId = runningTxId;
  for (const { action, timestamp, energyWh } of steps) {
    if (action === 'StartTransaction') {
      const answer = await client.call(action, { connectorId: 1, idTag: 'BENCH', meterStart: energyWh, timestamp }) as { transactionId: number };
      txId = answer.transactionId;
    } else if (action === 'StopTransaction') {
      await client.call(action, { transactionId: txId, meterStop: energyWh, timestamp, reason: 'EVDisconnected' });
    } else {
      await client.call(action, meterValues(txId, energyWh, timestamp));
    }
  }
}

function stepKey(identity: string, step: BacklogStep): string {
  return `${identity} ${step.action} ${step.timestamp} ${step.energyWh}`;
}

/** The same key, from what the CPO got. */
function callKey({ identity, action, params }: CpoCall): string {
  if (action === 'StartTransaction') return `${identity} ${action} ${String(params.timestamp)} ${String(params.meterStart)}`;
  if (action === 'StopTransaction') return `${identity} ${action} ${String(params.timestamp)} ${String(params.meterStop)}`;
  const mv = (params.meterValue as { timestamp: string; sampledValue: { value: string }[] }[])[0];
  return `${identity} ${action} ${mv.timestamp} ${mv.sampledValue[0].value}`;
}

/** A transaction message: what goes through Fuseguard's outbox. */
function isTxMessage(call: CpoCall): boolean {
  return TX_ACTIONS.includes(call.action) && (call.action !== 'MeterValues' || call.params.transactionId !== undefined);
}

function newClient(url: string, identity: string): Client {
  const client = new RPCClient({ endpoint: url, identity, protocols: ['ocpp1.6'], reconnect: false, callTimeoutMs: 60_000 } as ConstructorParameters<typeof RPCClient>[0]);
  // Fuseguard's own commands (SetChargingProfile, ChangeConfiguration...) are accepted.
  client.handle(async () => ({ status: 'Accepted' }));
  return client;
}

interface SteadyResult { rtt: number[]; oneWay: number[]; clients: Client[]; txIds: number[]; energy: number[] }

/** Connects N stations to `url`, starts a session on each, then MeterValues every 2 s for steadyS. */
async function steady(url: string, cpoIdentity: (i: number) => string, keep = false): Promise<SteadyResult> {
  const clients: Client[] = [];
  for (let i = 0; i < n; i += 50) {
    await Promise.all(Array.from({ length: Math.min(50, n - i) }, async (_, k) => {
      const client = newClient(url, stationId(i + k));
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

function secs(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}

