// The two servers of bench/storm.bench.ts, each in a process of its own: the floor (a bare
// ocpp-rpc server) and Fuseguard (the built CLI, `serve` with a site file).
import { fork, spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { SiteFile } from '../../src/site/site-schema.js';
import { freePort, waitForHealth } from '../../test/helpers/net.js';
import { ROOT } from '../lib/measure.js';

export const ZONES = 50;

export interface Server {
  kind: 'floor' | 'durable floor' | 'fuseguard';
  process: ChildProcess;
  url: string;
  port: number;
  /** The inspector's port (Fuseguard started with `inspect`). */
  inspectPort?: number;
  /** Stops the server and waits for its exit (a clean exit: --cpu-prof writes its profile then). */
  stop(): Promise<void>;
}

/** N stations, one connector each, spread over 50 zones under one root; allow-all, unknown stations rejected. */
export function stormSite(ids: readonly string[]): SiteFile {
  const zone = (z: number) => `Z${String(z + 1).padStart(2, '0')}`;
  const perZone = Math.ceil(ids.length / ZONES);
  return {
    // BENCH_STORM_LIVE_S: the live profiles' duration (renewals every half of it); the product's default otherwise.
    settings: { unknownStations: 'reject', ...(process.env.BENCH_STORM_LIVE_S ? { liveProfileDurationS: Number(process.env.BENCH_STORM_LIVE_S) } : {}) },
    zones: [{
      name: 'Site', maxCurrentA: ids.length * 16, mode: 'static', authMode: 'lms-allow-all',
      children: Array.from({ length: ZONES }, (_, z) => ({ name: zone(z), maxCurrentA: perZone * 16, mode: 'static' as const })),
    }],
    stations: ids.map((id, i) => ({ id, zone: zone(i % ZONES), connectors: [{ id: 1 }] })),
  };
}

/** The floor; with `logFile`, the durable floor (each MeterValues answered once on disk there). */
export async function startFloor(logFile?: string): Promise<Server> {
  const port = await freePort();
  const child = fork(join(ROOT, 'bench/storm/floor-server.ts'), [String(port), ...(logFile ? [logFile] : [])], { execArgv: ['--import', 'tsx', '--expose-gc'], stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
  await new Promise<void>((resolve, reject) => {
    child.once('message', () => resolve());
    child.once('exit', (code) => reject(new Error(`floor server exited (${code})`)));
  });
  return server(logFile ? 'durable floor' : 'floor', child, port);
}

/**
 * Fuseguard as `fuseguard serve` runs it, in `dir` (where --heapsnapshot-signal and --cpu-prof
 * write). SIGUSR2 makes it write a heap snapshot.
 */
export async function startFuseguard(dir: string, ids: readonly string[], { cpuProfile = false, inspect = false } = {}): Promise<Server> {
  const siteFile = join(dir, 'site.json');
  writeFileSync(siteFile, JSON.stringify(stormSite(ids)));
  const port = await freePort();
  const inspectPort = inspect ? await freePort() : undefined;
  const flags = ['--heapsnapshot-signal=SIGUSR2', ...(cpuProfile ? ['--cpu-prof', `--cpu-prof-dir=${dir}`] : []), ...(inspectPort ? [`--inspect=127.0.0.1:${inspectPort}`] : [])];
  const child = spawn(process.execPath, [...flags, join(ROOT, 'dist/cli/main.js'), 'serve', '--data-dir', join(dir, 'data'), '--port', String(port), '--host', '127.0.0.1', '--site', siteFile], {
    cwd: dir, env: { ...process.env, FUSEGUARD_LOG_LEVEL: 'warn' }, stdio: ['ignore', 'ignore', 'inherit'],
  });
  await waitForHealth(port, 300_000);
  return { ...server('fuseguard', child, port), inspectPort };
}

function server(kind: Server['kind'], child: ChildProcess, port: number): Server {
  const kill = (): boolean => child.kill('SIGKILL');
  process.once('exit', kill);
  return {
    kind, process: child, port, url: `ws://127.0.0.1:${port}/ocpp`,
    async stop() {
      process.off('exit', kill);
      if (child.exitCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await Promise.race([exited, sleep(60_000).then(() => child.kill('SIGKILL'))]);
      await exited;
    },
  };
}

/** Makes Fuseguard write a heap snapshot into `dir` (SIGUSR2) and returns its path once written. */
export async function heapSnapshot(server: Server, dir: string): Promise<string> {
  const existing = new Set(snapshots(dir));
  server.process.kill('SIGUSR2');
  let file: string | undefined;
  while (!(file = snapshots(dir).find((f) => !existing.has(f)))) await sleep(100);
  // V8 writes it synchronously on the main thread: once Fuseguard answers again, it is complete.
  await waitForHealth(server.port, 600_000);
  const path = join(dir, file);
  if (statSync(path).size === 0) throw new Error(`${path} is empty`);
  return path;
}

const snapshots = (dir: string): string[] => readdirSync(dir).filter((f) => f.endsWith('.heapsnapshot'));

export function cpuProfileIn(dir: string): string | undefined {
  const file = readdirSync(dir).find((f) => f.endsWith('.cpuprofile'));
  return file && join(dir, file);
}
