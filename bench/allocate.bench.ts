// A10: allocate() for 100, 1,000 and 10,000 connectors in 50 zones of 3 levels.
// Prints the median of many runs and the ratio 10k/1k (n log n growth would be about 13).
// Run: node --import tsx bench/allocate.bench.ts

import { spawnSync } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { allocate, PHASE_WIRINGS, type ConnectorInput, type SiteSnapshot, type ZoneInput } from '../src/domain/index.js';

const NOW = Date.parse('2025-01-06T08:00:00Z');

/** Deterministic pseudo-random numbers (mulberry32), so every run measures the same site. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** 5 top-level zones × 3 sub-zones × 2 sub-sub-zones = 50 zones; stations in the 30 leaves. */
function site(connectorCount: number): SiteSnapshot {
  const rnd = random(connectorCount);
  const leaves: string[] = [];
  const zones: ZoneInput[] = [];
  // About 11 A per connector at the top, tighter further down: sharing and some shortage everywhere.
  const perLeaf = connectorCount / 30;
  for (let t = 0; t < 5; t++) {
    zones.push({ name: `T${t}`, parent: null, maxCurrentA: Math.max(32, Math.round(perLeaf * 6 * 11)), mode: 'static' });
    for (let s = 0; s < 3; s++) {
      zones.push({ name: `T${t}S${s}`, parent: `T${t}`, maxCurrentA: Math.max(32, Math.round(perLeaf * 2 * 13)), mode: 'static' });
      for (let l = 0; l < 2; l++) {
        const name = `T${t}S${s}L${l}`;
        leaves.push(name);
        zones.push({ name, parent: `T${t}S${s}`, maxCurrentA: Math.max(32, Math.round(perLeaf * 14)), mode: 'static' });
      }
    }
  }
  const connectors: ConnectorInput[] = [];
  for (let i = 0; i < connectorCount; i++) {
    const dc = rnd() < 0.05;
    connectors.push({
      id: `CB${i}/1`, stationId: `CB${i}`, zone: leaves[i % leaves.length],
      kind: dc ? 'DC' : 'AC', wiring: dc ? 'L1L2L3' : PHASE_WIRINGS[Math.floor(rnd() * PHASE_WIRINGS.length)],
      maxCurrentA: [16, 32, 32, 32, 63][Math.floor(rnd() * 5)], maxPowerW: dc ? 50_000 : undefined,
      minCurrentA: rnd() < 0.1 ? 10 : undefined, vip: rnd() < 0.05,
      stationConnected: rnd() > 0.01,
      session: rnd() < 0.9 ? { startedAt: NOW - Math.floor(rnd() * 8 * 3_600_000), energyWh: Math.floor(rnd() * 40_000), vip: rnd() < 0.02 } : null,
      measured: rnd() < 0.7 ? { currentsA: [rnd() * 32, rnd() * 32, rnd() * 32], at: NOW } : null,
    });
  }
  return { zones, connectors };
}

interface Figures {
  medianMs: number;
  fastestDecileMs: number;
}

/** The control loop's steady state: the snapshot carries the state of the previous round. */
function measure(connectorCount: number, runs: number): Figures {
  const snapshot = site(connectorCount);
  let state = allocate(snapshot, NOW - 5000).state;
  const times: number[] = [];
  for (let r = 0; r < runs + 10; r++) {
    const input = { ...snapshot, state };
    const start = performance.now();
    const result = allocate(input, NOW);
    const elapsed = performance.now() - start;
    state = result.state;
    if (r >= 10) times.push(elapsed);
  }
  times.sort((a, b) => a - b);
  return { medianMs: times[Math.floor(times.length / 2)], fastestDecileMs: times[Math.floor(times.length / 10)] };
}

const sizes: [number, number][] = [[100, 2000], [1000, 500], [10_000, 301]];

// Each size runs in a process of its own, as on a real site (one size per process): measured one
// after another in one process, the larger site inherits the JIT and heap state of the smaller.
const only = Number(process.argv[2]);
if (only > 0) {
  const runs = sizes.find(([count]) => count === only)?.[1] ?? 100;
  process.stdout.write(JSON.stringify(measure(only, runs)));
} else {
  const results = new Map<number, Figures>();
  console.log('allocate(): 50 zones in 3 levels, median of many runs, one process per size (A10)');
  for (const [count, runs] of sizes) {
    const child = spawnSync(process.execPath, [...process.execArgv, fileURLToPath(import.meta.url), String(count)], { encoding: 'utf8' });
    if (child.status !== 0) throw new Error(`benchmark of ${count} connectors failed: ${child.stderr}`);
    const figures = JSON.parse(child.stdout) as Figures;
    results.set(count, figures);
    console.log(`  ${String(count).padStart(6)} connectors: ${figures.medianMs.toFixed(3)} ms median, ${figures.fastestDecileMs.toFixed(3)} ms fastest decile (${runs} runs)`);
  }
  const ratio = (results.get(10_000)?.medianMs ?? 0) / (results.get(1000)?.medianMs ?? 1);
  console.log(`  ratio 10k/1k (medians): ${ratio.toFixed(1)}  (n log n would be about 13; goal: 10k well under 10 ms)`);
}
