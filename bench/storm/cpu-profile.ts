// Self time by function from a V8 .cpuprofile (node --cpu-prof), within a time window. Profile
// timestamps are µs of the monotonic clock that process.hrtime reads in any process on the machine,
// so the bench can cut out the window of its storm.
import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { ROOT } from '../lib/measure.js';

interface CpuProfile {
  nodes: Array<{ id: number; callFrame: { functionName: string; url: string; lineNumber: number }; children?: number[] }>;
  startTime: number;
  samples: number[];
  timeDeltas: number[];
}

export interface SelfTime {
  fn: string;
  ms: number;
  /** Share of the time the process was busy (idle excluded). */
  share: number;
}

/** Monotonic µs now, on the clock of .cpuprofile timestamps. */
export const monotonicUs = (): number => Number(process.hrtime.bigint() / 1000n);

export function selfTimes(file: string, fromUs: number, toUs: number): SelfTime[] {
  return profileTimes(JSON.parse(readFileSync(file, 'utf8')) as CpuProfile, fromUs, toUs, false);
}

/** Inclusive time by function (itself and what it calls; a function counted once per sample). */
export function totalTimes(file: string, fromUs: number, toUs: number): SelfTime[] {
  return profileTimes(JSON.parse(readFileSync(file, 'utf8')) as CpuProfile, fromUs, toUs, true);
}

function profileTimes(profile: CpuProfile, fromUs: number, toUs: number, inclusive: boolean): SelfTime[] {
  const names = new Map(profile.nodes.map((n) => [n.id, describe(n.callFrame)]));
  const parentOf = new Map<number, number>();
  for (const n of profile.nodes) for (const child of n.children ?? []) parentOf.set(child, n.id);
  const byFn = new Map<string, number>();
  let at = profile.startTime;
  let busyUs = 0;
  profile.samples.forEach((id, i) => {
    const deltaUs = profile.timeDeltas[i] ?? 0;
    at += deltaUs;
    if (at < fromUs || at > toUs) return;
    const fn = names.get(id) ?? '?';
    if (fn === '(idle)') return;
    busyUs += deltaUs;
    const counted = new Set<string>([fn]);
    for (let up = inclusive ? parentOf.get(id) : undefined; up !== undefined; up = parentOf.get(up)) counted.add(names.get(up) ?? '?');
    for (const name of counted) byFn.set(name, (byFn.get(name) ?? 0) + deltaUs);
  });
  return [...byFn].map(([fn, us]) => ({ fn, ms: us / 1000, share: busyUs > 0 ? us / busyUs : 0 })).filter((t) => t.fn !== '(root)').sort((a, b) => b.ms - a.ms);
}

function describe({ functionName, url, lineNumber }: CpuProfile['nodes'][number]['callFrame']): string {
  if (url === '') return functionName || '(anonymous)';
  const where = url.startsWith('file://') ? relative(ROOT, new URL(url).pathname) : url;
  return `${functionName || '(anonymous)'} ${where}:${lineNumber + 1}`;
}

export interface LongTask {
  ms: number;
  /** What took it: inclusive time of the process's own functions (dist/), then GC, largest first. */
  top: { fn: string; ms: number }[];
}

/**
 * The longest stretches in which the process never went idle (event-loop stalls as the stations'
 * calls feel them), each with what took it: what makes the p99 of a steady phase.
 */
export function longTasks(file: string, fromUs: number, toUs: number, count = 10): LongTask[] {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const names = new Map(profile.nodes.map((n) => [n.id, describe(n.callFrame)]));
  const parentOf = new Map<number, number>();
  for (const n of profile.nodes) for (const child of n.children ?? []) parentOf.set(child, n.id);
  const tasks: { us: number; byFn: Map<string, number> }[] = [];
  let current: { us: number; byFn: Map<string, number> } | null = null;
  let at = profile.startTime;
  profile.samples.forEach((id, i) => {
    const deltaUs = profile.timeDeltas[i] ?? 0;
    at += deltaUs;
    if (at < fromUs || at > toUs) return;
    const fn = names.get(id) ?? '?';
    if (fn === '(idle)') { if (current) tasks.push(current); current = null; return; }
    current ??= { us: 0, byFn: new Map() };
    current.us += deltaUs;
    const counted = new Set<string>();
    for (let up: number | undefined = id; up !== undefined; up = parentOf.get(up)) {
      const name = names.get(up) ?? '?';
      if (name.includes(' dist/') || name === '(garbage collector)') counted.add(name);
    }
    for (const name of counted) current.byFn.set(name, (current.byFn.get(name) ?? 0) + deltaUs);
  });
  if (current) tasks.push(current);
  return tasks.sort((a, b) => b.us - a.us).slice(0, count).map((t) => ({
    ms: t.us / 1000,
    top: [...t.byFn].sort((a, b) => b[1] - a[1]).slice(0, 4).map(([fn, us]) => ({ fn, ms: us / 1000 })),
  }));
}
