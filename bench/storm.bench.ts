// Boot-storm benchmark (issue 15): N stations (one connector each, 50 zones under one root, all in
// the site file) connect in waves of 100 (each wave: connect, BootNotification, StatusNotification
// Available), then send MeterValues at a steady rate. The same load runs against the floor (a
// bare ocpp-rpc server, no logic), the durable floor (the same, answering MeterValues only once
// synced to disk) and then Fuseguard, each in a process of its own; the stations
// run in a process of their own (bench/storm/stations.ts), so the server under test has a core.
// Prints them all and the ratios of Fuseguard to each floor, the shape (boot cost per station with 2,000 configured
// stations against 200), Fuseguard's heap growth by type per station, and checks that every
// station holds its failsafe at the end. See docs/benchmarks.md.
// Usage: node --import tsx bench/storm.bench.ts [N]. Environment: BENCH_STORM_STATIONS [10000 run
// alone, 2000 within `npm run bench`], BENCH_STORM_RATE (MeterValues/s) [N / 5], BENCH_STORM_STEADY_S
// [30], BENCH_STORM_SHAPE (sizes, '' for none) [200,2000], BENCH_STORM_DURABLE_FLOOR [1], BENCH_STORM_HEAP [1],
// BENCH_STORM_CPU_PROF [0] (1: --cpu-prof on Fuseguard, top functions by self time in the storm,
// and the longest event-loop stalls of the steady phase with what took them), BENCH_STORM_KEEP_PROFILE
// (a path: the profile is copied there, for a closer look), BENCH_STORM_SURVIVORS [0] (1: where the
// objects allocated in the steady phase and not collected by its end were allocated: bench/storm/survivors.ts).
import { fork, type ChildProcess } from 'node:child_process';
import { copyFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { tempDir } from '../test/helpers/temp-dir.js';
import { buildDist, cpuSecondsSince, cpuTicks, mb, ROOT, rssKb } from './lib/measure.js';
import { longTasks, monotonicUs, selfTimes, totalTimes, type LongTask, type SelfTime } from './storm/cpu-profile.js';
import { heapByType, heapGrowth } from './storm/heap-snapshot.js';
import type { StormCommand, StormReport } from './storm/protocol.js';
import { cpuProfileIn, heapSnapshot, startFloor, startFuseguard, type Server } from './storm/servers.js';
import { sampleSurvivors, type SurvivorSite } from './storm/survivors.js';

const n = Number(process.argv[2] ?? process.env.BENCH_STORM_STATIONS ?? (process.env.BENCH_SUITE === 'all' ? 2_000 : 10_000));
const callsPerS = Number(process.env.BENCH_STORM_RATE ?? n / 5);
const steadyS = Number(process.env.BENCH_STORM_STEADY_S ?? 30);
const shapeSizes = (process.env.BENCH_STORM_SHAPE ?? '200,2000').split(',').filter(Boolean).map(Number);
const withHeap = process.env.BENCH_STORM_HEAP !== '0';
const withCpuProfile = process.env.BENCH_STORM_CPU_PROF === '1';
const withDurableFloor = process.env.BENCH_STORM_DURABLE_FLOOR !== '0';
const withSurvivors = process.env.BENCH_STORM_SURVIVORS === '1';
const WAVE = 100;
const SETTLE_MS = 5_000; // past the start-up garbage
const PROVISION_TIMEOUT_S = 900;

type Report<E extends StormReport['event']> = Extract<StormReport, { event: E }>;

interface Run {
  n: number;
  booted: Report<'booted'>;
  provisioned?: Report<'provisioned'>;
  stormCpuS: number;
  rssIdleKb: number;
  rssStormKb: number;
  rssLoadedKb?: number;
  /** The highest RSS seen from the storm to the end of the steady phase. */
  rssPeakKb: number;
  steady?: Report<'steady'> & { serverCpuPct: number };
  checked?: Report<'checked'>;
  heapTop?: Array<{ type: string; bytes: number; count: number }>;
  cpuTop?: SelfTime[];
  /** The storm: Fuseguard's own functions (dist/) by inclusive time. */
  cpuOwnTotal?: SelfTime[];
  /** The steady phase: self and inclusive times. */
  steadyCpuTop?: SelfTime[];
  steadyCpuTotal?: SelfTime[];
  /** The longest event-loop stalls of the steady phase. */
  steadyLongTasks?: LongTask[];
  /** Where what outlived the young generation in the steady phase was allocated. */
  survivors?: SurvivorSite[];
}

// Stopped (Ctrl-C, a timeout): exit through 'exit', which kills the servers and the stations.
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => process.exit(130));
buildDist();
const ids = (count: number) => Array.from({ length: count }, (_, i) => `STORM-${String(i).padStart(5, '0')}`);

console.log(`storm: N=${n}, waves of ${WAVE}, MeterValues at ${callsPerS.toFixed(0)} calls/s for ${steadyS} s`);
const floor = await measure('floor', n, { steady: true });
const durableFloor = withDurableFloor ? await measure('durable floor', n, { steady: true }) : undefined;
const fuseguard = await measure('fuseguard', n, { steady: true, heap: withHeap, cpuProfile: withCpuProfile, survivors: withSurvivors });
const shape = new Map<number, { floor: Run; fuseguard: Run }>();
for (const size of shapeSizes) {
  shape.set(size, size === n ? { floor, fuseguard } : { floor: await measure('floor', size), fuseguard: await measure('fuseguard', size) });
}
// The same boots as the smallest shape run, in the largest site: the cost of the site's size alone.
const [smallest, largest] = [Math.min(...shapeSizes), Math.max(...shapeSizes)];
const sameBootsLargeSite = shapeSizes.length > 1 && smallest !== largest ? await measure('fuseguard', largest, { booting: smallest }) : undefined;
const failures = print();
process.exit(failures > 0 ? 1 : 0);

/** `count` stations configured; the first `options.booting` of them (all by default) storm. */
async function measure(kind: Server['kind'], count: number, options: { steady?: boolean; heap?: boolean; cpuProfile?: boolean; survivors?: boolean; booting?: number } = {}): Promise<Run> {
  const dir = tempDir('fuseguard-storm-');
  process.once('exit', dir.cleanup);
  const stationIds = ids(count);
  const server = kind === 'fuseguard' ? await startFuseguard(dir.path, stationIds, { cpuProfile: options.cpuProfile, inspect: options.survivors }) : await startFloor(kind === 'durable floor' ? join(dir.path, 'floor.log') : undefined);
  const stations = fork(join(ROOT, 'bench/storm/stations.ts'), { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const killStations = (): boolean => stations.kill('SIGKILL');
  process.once('exit', killStations);
  try {
    await next(stations, 'ready');
    await sleep(SETTLE_MS);
    const rssIdleKb = rssKb(server.process);
    const heapBefore = options.heap ? await heapByType(await heapSnapshot(server, dir.path)) : undefined;
    console.log(`${kind} N=${count}${options.booting ? ` (${options.booting} booting)` : ''}: up (RSS ${mb(rssIdleKb)}), storm...`);

    let rssPeakKb = rssIdleKb;
    const peakTimer = setInterval(() => { rssPeakKb = Math.max(rssPeakKb, rssKb(server.process)); }, 250);
    const cpuStart = cpuTicks(server.process);
    const stormStartUs = monotonicUs();
    const booting = stationIds.slice(0, options.booting ?? count);
    let steadyStartUs = 0;
    let steadyEndUs = 0;
    command(stations, { cmd: 'storm', url: server.url, ids: booting, waveSize: WAVE, provisioned: kind === 'fuseguard', provisionTimeoutS: PROVISION_TIMEOUT_S });
    const booted = await next(stations, 'booted');
    console.log(`${kind} N=${count}: ${booted.booted} booted in ${secs(booted.bootedMs)}${booted.failed > 0 ? `, ${booted.failed} failed` : ''}`);
    const provisioned = kind === 'fuseguard' ? await next(stations, 'provisioned') : undefined;
    if (provisioned) console.log(`${kind} N=${count}: ${provisioned.provisioned} provisioned in ${secs(provisioned.provisionedMs)}; commands ${JSON.stringify(provisioned.commandsByAction)}`);
    const stormEndUs = monotonicUs();
    const stormCpuS = cpuSecondsSince(server.process, cpuStart);
    await sleep(SETTLE_MS);
    const run: Run = { n: booting.length, booted, provisioned, stormCpuS, rssIdleKb, rssStormKb: rssKb(server.process), rssPeakKb };

    if (options.steady) {
      command(stations, { cmd: 'steady', callsPerS, warmupS: 5, measureS: steadyS });
      await next(stations, 'measuring');
      const survivors = options.survivors && server.inspectPort ? await sampleSurvivors(server.inspectPort) : undefined;
      steadyStartUs = monotonicUs();
      const steadyCpuStart = cpuTicks(server.process);
      const wallStart = performance.now();
      const steady = await next(stations, 'steady');
      steadyEndUs = monotonicUs();
      if (survivors) run.survivors = await survivors.stop();
      const serverCpuPct = (cpuSecondsSince(server.process, steadyCpuStart) / ((performance.now() - wallStart) / 1000)) * 100;
      run.steady = { ...steady, serverCpuPct };
      run.rssLoadedKb = rssKb(server.process);
      console.log(`${kind} N=${count}: steady ${steady.callsPerS.toFixed(0)} calls/s, p50 ${steady.p50Ms.toFixed(1)} ms, p99 ${steady.p99Ms.toFixed(1)} ms, server CPU ${serverCpuPct.toFixed(0)} %; commands to the stations meanwhile ${JSON.stringify(steady.commandsByAction)}`);
    }
    clearInterval(peakTimer);
    run.rssPeakKb = rssPeakKb;
    if (kind === 'fuseguard') {
      command(stations, { cmd: 'check' });
      run.checked = await next(stations, 'checked');
    }
    if (heapBefore) {
      console.log(`${kind} N=${count}: heap snapshot...`);
      run.heapTop = heapGrowth(heapBefore, await heapByType(await heapSnapshot(server, dir.path)));
    }
    command(stations, { cmd: 'close' });
    await next(stations, 'closed');
    await server.stop();
    const profile = cpuProfileIn(dir.path);
    if (options.cpuProfile && profile) {
      run.cpuTop = selfTimes(profile, stormStartUs, stormEndUs);
      run.cpuOwnTotal = totalTimes(profile, stormStartUs, stormEndUs).filter((f) => / dist\//.test(f.fn));
      if (process.env.BENCH_STORM_KEEP_PROFILE) {
        copyFileSync(profile, process.env.BENCH_STORM_KEEP_PROFILE);
        writeFileSync(`${process.env.BENCH_STORM_KEEP_PROFILE}.window.json`, JSON.stringify({ stormStartUs, stormEndUs, steadyStartUs, steadyEndUs }));
        console.log(`${kind} N=${count}: CPU profile kept in ${process.env.BENCH_STORM_KEEP_PROFILE} (its windows in .window.json)`);
      }
      if (steadyEndUs > 0) {
        run.steadyCpuTop = selfTimes(profile, steadyStartUs, steadyEndUs);
        run.steadyCpuTotal = totalTimes(profile, steadyStartUs, steadyEndUs);
        run.steadyLongTasks = longTasks(profile, steadyStartUs, steadyEndUs);
      }
    }
    return run;
  } finally {
    process.off('exit', killStations);
    stations.kill('SIGKILL');
    await server.stop();
    process.off('exit', dir.cleanup);
    dir.cleanup();
  }
}

function command(child: ChildProcess, message: StormCommand): void {
  child.send(message);
}

/** The next report `event` of the station process. */
function next<E extends StormReport['event']>(child: ChildProcess, event: E): Promise<Report<E>> {
  return new Promise((resolve, reject) => {
    const onMessage = (message: StormReport): void => {
      if (message.event !== event) return;
      child.off('message', onMessage);
      child.off('exit', onExit);
      resolve(message as Report<E>);
    };
    const onExit = (code: number | null): void => reject(new Error(`the station process exited (${code}) before '${event}'`));
    child.on('message', onMessage);
    child.once('exit', onExit);
  });
}

/** Prints the tables; returns how many checks failed. */
function print(): number {
  const perStationKb = (run: Run) => ((run.rssLoadedKb ?? run.rssStormKb) - run.rssIdleKb) / run.n;
  const peakKb = (run: Run) => (run.rssPeakKb - run.rssIdleKb) / run.n;
  // Each row: the figure of a run, its formatting, and whether a ratio to the floors means anything.
  type Row = [string, (run: Run) => number | string | undefined, ((value: number) => string)?];
  const steadyMs = (key: 'p50Ms' | 'p99Ms') => (run: Run) => run.steady?.[key];
  const rows: Row[] = [
    [`connect + boot all ${n}`, (r) => r.booted.bootedMs, secs],
    ['provisioned (failsafe on every station) vs floor\'s boot', (r) => r.provisioned?.provisionedMs ?? (r === fuseguard ? NaN : r.booted.bootedMs), secs],
    ['p99 BootNotification in the storm', (r) => r.booted.bootP99Ms, ms],
    ['server CPU in the storm (s of one core)', (r) => r.stormCpuS, (v) => `${v.toFixed(1)} s`],
    ['memory per station (RSS after steady − idle) / N', perStationKb, kib],
    ['peak memory per station (highest RSS − idle) / N', peakKb, kib],
    ['RSS idle → after storm → after steady', rssPath],
    [`MeterValues achieved (target ${callsPerS.toFixed(0)}/s)`, perS],
    ['p50 CALL (MeterValues)', steadyMs('p50Ms'), ms],
    ['p99 CALL (MeterValues)', steadyMs('p99Ms'), ms],
    ['commands to the stations in the steady window (a renewal wave?)', (r) => Object.entries(r.steady?.commandsByAction ?? {}).map(([a, k]) => `${k} ${a}`).join(', ') || 'none'],
    ['server CPU steady (% of one core)', (r) => r.steady?.serverCpuPct, pctOf],
    ['stations\' process CPU steady (% of one core)', (r) => pctOf(r.steady?.clientCpuPct)],
  ];
  const floors: Array<[string, Run]> = [['floor (bare ocpp-rpc)', floor], ...(durableFloor ? [['durable floor (syncs each MeterValues)', durableFloor] as [string, Run]] : [])];
  const cell = (run: Run, [, figure, format]: Row): string => {
    const value = figure(run);
    return typeof value === 'number' ? (format ? format(value) : String(value)) : value ?? '-';
  };
  console.log(`\nBoot storm, N=${n} stations in 50 zones, waves of ${WAVE}, MeterValues at ${callsPerS.toFixed(0)} calls/s for ${steadyS} s\n`);
  console.log(`| | ${floors.map(([name]) => name).join(' | ')} | Fuseguard | ${floors.map(([name]) => `Fuseguard / ${name.replace(/ \(.*/, '')}`).join(' | ')} |`);
  console.log(`|---|${'---:|'.repeat(floors.length * 2 + 1)}`);
  for (const row of rows) {
    const ratios = floors.map(([, run]) => {
      const [a, b] = [row[1](fuseguard), row[1](run)];
      return row[2] && typeof a === 'number' && typeof b === 'number' ? ratio(a, b) : '';
    });
    console.log(`| ${[row[0], ...floors.map(([, run]) => cell(run, row)), cell(fuseguard, row), ...ratios].join(' | ')} |`);
  }

  let failures = 0;
  for (const [name, run] of [['floor', floor], ['durable floor', durableFloor], ['fuseguard', fuseguard]] as const) {
    if (!run) continue;
    if (run.booted.failed > 0) { failures++; console.log(`FAIL: ${run.booted.failed} stations of ${name} did not connect and boot`); }
  }
  const checked = fuseguard.checked;
  if (!checked || checked.failsafeHeld !== n || checked.connected !== n) failures++;
  console.log(`\nFailsafe at the end: ${checked?.failsafeHeld ?? 0} of ${n} stations hold one (${checked?.failsafeAboveZero ?? 0} above 0 A), ${checked?.connected ?? 0} still connected${failures > 0 ? ' — FAIL' : ''}`);

  const seconds = fuseguard.steady?.seconds ?? [];
  if (seconds.length > 0) {
    // Where the slow calls were: a wave, a round, a collection? The five worst seconds by p99, with
    // the commands (renewals) the stations received in each, and the floor's worst for scale.
    const worst = [...seconds].filter((b) => b.calls > 0).sort((a, b) => b.p99Ms - a.p99Ms).slice(0, 5);
    const worstOf = (run: Run | undefined) => Math.max(...(run?.steady?.seconds ?? []).filter((b) => b.calls > 0).map((b) => b.p99Ms));
    const wave = seconds.filter((b) => b.commands > 0);
    console.log(`\nFuseguard's steady phase, its five worst seconds by p99 (the floor's worst second: p99 ${ms(worstOf(floor))}${durableFloor ? `, the durable floor's ${ms(worstOf(durableFloor))}` : ''}); commands to the stations in ${wave.length} of its ${seconds.length} seconds${wave.length > 0 ? ` (${wave[0].atS}-${wave[wave.length - 1].atS} s)` : ''}\n`);
    console.log('| second | calls | p99 | slowest | commands received | stations\' own longest stall |');
    console.log('|---:|---:|---:|---:|---:|---:|');
    for (const b of worst) console.log(`| ${b.atS} | ${b.calls} | ${ms(b.p99Ms)} | ${ms(b.maxMs)} | ${b.commands} | ${ms(b.stationsStallMs)} |`);
  }

  if (shape.size > 0) {
    console.log('\nShape: boot cost per station (time until all booted, for Fuseguard also until all provisioned, / N)\n');
    console.log('| configured = booted stations | floor boot / N | Fuseguard boot / N | Fuseguard provisioned / N |');
    console.log('|---:|---:|---:|---:|');
    for (const [size, runs] of shape) {
      console.log(`| ${size} | ${ms(runs.floor.booted.bootedMs / size, 2)} | ${ms(runs.fuseguard.booted.bootedMs / size, 2)} | ${ms((runs.fuseguard.provisioned?.provisionedMs ?? NaN) / size, 2)} |`);
    }
    const [small, large] = [Math.min(...shape.keys()), Math.max(...shape.keys())];
    if (small !== large) {
      const per = (size: number, of: (r: { floor: Run; fuseguard: Run }) => number) => of(shape.get(size) as { floor: Run; fuseguard: Run }) / size;
      const boot = (r: { fuseguard: Run }) => r.fuseguard.booted.bootedMs;
      const provisioned = (r: { fuseguard: Run }) => r.fuseguard.provisioned?.provisionedMs ?? NaN;
      const floorBoot = (r: { floor: Run }) => r.floor.booted.bootedMs;
      console.log(`\nPer-station cost ${large} / ${small}: Fuseguard boot ${ratio(per(large, boot), per(small, boot))}, provisioned ${ratio(per(large, provisioned), per(small, provisioned))}; floor boot ${ratio(per(large, floorBoot), per(small, floorBoot))} (goal: Fuseguard ≤ 2×)`);
    }
    if (sameBootsLargeSite) {
      const smallRun = (shape.get(small) as { fuseguard: Run }).fuseguard;
      console.log(`The same ${small} boots with ${large} stations configured instead of ${small}: Fuseguard boot ${secs(sameBootsLargeSite.booted.bootedMs)} vs ${secs(smallRun.booted.bootedMs)} (${ratio(sameBootsLargeSite.booted.bootedMs, smallRun.booted.bootedMs)}), provisioned ${secs(sameBootsLargeSite.provisioned?.provisionedMs ?? NaN)} vs ${secs(smallRun.provisioned?.provisionedMs ?? NaN)} (${ratio(sameBootsLargeSite.provisioned?.provisionedMs, smallRun.provisioned?.provisionedMs)})`);
    }
  }

  if (fuseguard.heapTop) {
    console.log(`\nFuseguard heap growth by type, idle → after the storm and steady phase, per station (N=${n}; self sizes)\n`);
    console.log('| type | bytes / station | objects / station |');
    console.log('|---|---:|---:|');
    const total = fuseguard.heapTop.reduce((sum, t) => sum + t.bytes, 0);
    for (const t of fuseguard.heapTop.slice(0, 15)) console.log(`| ${t.type} | ${(t.bytes / n).toFixed(0)} | ${(t.count / n).toFixed(1)} |`);
    console.log(`| all types | ${(total / n).toFixed(0)} | |`);
  }
  if (fuseguard.cpuTop) {
    console.log(`\nFuseguard CPU profile during the storm (start of the first wave → every station provisioned), top 15 by self time\n`);
    console.log('| function | self | share of busy time |');
    console.log('|---|---:|---:|');
    for (const f of fuseguard.cpuTop.slice(0, 15)) console.log(`| ${f.fn.replace(/\|/g, '\\|')} | ${(f.ms / 1000).toFixed(2)} s | ${(f.share * 100).toFixed(1)} % |`);
  }
  if (fuseguard.cpuOwnTotal) {
    console.log(`\nFuseguard CPU profile during the storm, its own functions (dist/), top 25 by inclusive time (itself and what it calls)\n`);
    console.log('| function | time | share of busy time |');
    console.log('|---|---:|---:|');
    for (const f of fuseguard.cpuOwnTotal.slice(0, 25)) console.log(`| ${f.fn.replace(/\|/g, '\\|')} | ${(f.ms / 1000).toFixed(2)} s | ${(f.share * 100).toFixed(1)} % |`);
  }
  for (const [title, top] of [['self time', fuseguard.steadyCpuTop], ['inclusive time (itself and what it calls)', fuseguard.steadyCpuTotal]] as const) {
    if (!top) continue;
    console.log(`\nFuseguard CPU profile during the steady phase, top ${process.env.BENCH_STORM_CPU_TOP ?? 20} by ${title}\n`);
    console.log('| function | time | share of busy time |');
    console.log('|---|---:|---:|');
    for (const f of top.slice(0, Number(process.env.BENCH_STORM_CPU_TOP ?? 20))) console.log(`| ${f.fn.replace(/\|/g, '\\|')} | ${(f.ms / 1000).toFixed(2)} s | ${(f.share * 100).toFixed(1)} % |`);
  }
  if (fuseguard.steadyLongTasks) {
    console.log('\nFuseguard: the longest stretches without idle time in the steady phase (what the slowest calls waited for), with what took them\n');
    console.log('| stall | what took it (inclusive) |');
    console.log('|---:|---|');
    for (const t of fuseguard.steadyLongTasks) console.log(`| ${t.ms.toFixed(1)} ms | ${t.top.map((f) => `${f.fn.replace(/\|/g, '\\|')} ${f.ms.toFixed(1)} ms`).join('; ')} |`);
  }
  if (fuseguard.survivors) {
    const totalMb = fuseguard.survivors.reduce((sum, s) => sum + s.bytes, 0) / 1e6;
    console.log(`\nFuseguard: allocated in the steady phase and not collected by its end (promoted or live; sampled, ${totalMb.toFixed(1)} MB, ${(totalMb / steadyS).toFixed(1)} MB/s), top 20 by allocation site < its caller\n`);
    console.log('| MB | allocated in |');
    console.log('|---:|---|');
    for (const s of fuseguard.survivors.slice(0, 20)) console.log(`| ${(s.bytes / 1e6).toFixed(1)} | ${s.site.replace(/\|/g, '\\|')} |`);
  }
  return failures;
}

function ratio(a: number | undefined, b: number | undefined): string {
  return a === undefined || b === undefined || !Number.isFinite(a / b) ? '-' : `${(a / b).toFixed(1)}×`;
}

function secs(valueMs: number): string {
  return Number.isFinite(valueMs) ? `${(valueMs / 1000).toFixed(1)} s` : '-';
}

function ms(value: number | undefined, digits = 1): string {
  return value === undefined || !Number.isFinite(value) ? '-' : `${value.toFixed(digits)} ms`;
}

function kib(kb: number): string {
  return `${kb.toFixed(1)} KiB`;
}

function pctOf(value: number | undefined): string {
  return value === undefined ? '-' : `${value.toFixed(0)} %`;
}

function perS(run: Run): string {
  return run.steady ? `${run.steady.callsPerS.toFixed(0)}/s${run.steady.errors > 0 ? ` (${run.steady.errors} failed)` : ''}` : '-';
}

function rssPath(run: Run): string {
  return [run.rssIdleKb, run.rssStormKb, run.rssLoadedKb].filter((kb): kb is number => kb !== undefined).map(mb).join(' → ');
}
