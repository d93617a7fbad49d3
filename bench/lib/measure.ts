// What the benches read off a server process (Linux /proc) and how they print it.
import { execFileSync, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';

/** The repository root. */
export const ROOT = new URL('../..', import.meta.url).pathname;

/** Builds dist/ (the CLI the benches start in a process of its own). */
export function buildDist(): void {
  execFileSync('npx', ['tsc', '-p', 'tsconfig.build.json'], { cwd: ROOT, stdio: 'inherit' });
}

/** Resident memory of the process in KiB; 0 once it has gone. */
export function rssKb(child: ChildProcess): number {
  try {
    const status = readFileSync(`/proc/${child.pid}/status`, 'utf8');
    return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1]);
  } catch {
    return 0;
  }
}

/** utime + stime of the process, in clock ticks (100 per second on Linux). */
export function cpuTicks(child: ChildProcess): number {
  const fields = readFileSync(`/proc/${child.pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return Number(fields[11]) + Number(fields[12]);
}

/** CPU seconds the process used since `startTicks` (from cpuTicks). */
export function cpuSecondsSince(child: ChildProcess, startTicks: number): number {
  return (cpuTicks(child) - startTicks) / 100;
}

/** Runs `call` and pushes its duration (ms) into `into`. */
export async function timed<T>(into: number[], call: () => Promise<T>): Promise<T> {
  const start = performance.now();
  const result = await call();
  into.push(performance.now() - start);
  return result;
}

/** The p-th percentile of `values`, NaN when there are none. */
export function pctNum(values: readonly number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

/** The p-th percentile with one decimal, '-' when there are none. */
export function pct(values: readonly number[], p: number): string {
  return values.length === 0 ? '-' : pctNum(values, p).toFixed(1);
}

export function mb(kb: number): string {
  return `${(kb / 1024).toFixed(0)} MB`;
}
