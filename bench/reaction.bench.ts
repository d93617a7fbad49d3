// Reaction benchmark (issue 4): 500 three-phase connectors in 20 zones, every one charging. One
// zone is dynamic behind a Modbus TCP meter; its reading is raised past the limit, and the time
// until every affected station holds its reduced profile is measured. Prints p50/p99 over many
// steps and the control loop's CPU cost per second at steady state.
// Environment: BENCH_STEPS (default 40), BENCH_POLLING_MS (default 500).
import { pino } from 'pino';
import { startFuseguard } from '../src/app/fuseguard.js';
import { SimMeter, SimStation } from '../src/sim/index.js';
import type { SiteFile } from '../src/site/site-schema.js';
import { waitFor } from '../test/helpers/harness.js';
import { tempDir } from '../test/helpers/temp-dir.js';

const steps = Number(process.env.BENCH_STEPS ?? 40);
const pollingMs = Number(process.env.BENCH_POLLING_MS ?? 500);
const ZONES = 20;
const STATIONS = 250; // two connectors each: 500 connectors
const BASE_LOAD_A = 20;

const dir = tempDir('fuseguard-reaction-');
const meter = await SimMeter.start({ currentsA: [BASE_LOAD_A, BASE_LOAD_A, BASE_LOAD_A] });
const zoneOf = (i: number) => `Z${String(i % ZONES).padStart(2, '0')}`;
const site: SiteFile = {
  settings: { meterPollingMs: pollingMs, meterValueSampleIntervalS: 10 },
  meters: [{ name: 'M', protocol: 'tcp', host: '127.0.0.1', port: meter.port, unitId: 1, model: 'pm5320-iem3x5x-powertag', reporting: false }],
  zones: [{
    name: 'Site', maxCurrentA: 5_000, mode: 'static', authMode: 'lms-allow-all',
    children: Array.from({ length: ZONES }, (_, z) => (z === 0
      ? { name: zoneOf(z), maxCurrentA: 400, mode: 'dynamic' as const, meter: 'M', fallbackCurrentA: 0 }
      : { name: zoneOf(z), maxCurrentA: 250, mode: 'static' as const })),
  }],
  stations: Array.from({ length: STATIONS }, (_, i) => ({ id: `R${String(i).padStart(3, '0')}`, zone: zoneOf(i), connectors: [{ id: 1 }, { id: 2 }] })),
};
const { writeFileSync } = await import('node:fs');
const siteFile = `${dir.path}/site.json`;
writeFileSync(siteFile, JSON.stringify(site));
const app = await startFuseguard({ dataDir: `${dir.path}/data`, port: 0, host: '127.0.0.1', siteFile, logger: pino({ level: 'warn' }) });

const sims = site.stations!.map((s) => new SimStation({ id: s.id, url: app.ocppUrl, connectors: [{}, {}], tickIntervalMs: 1_000, meterValueIntervalS: 10 }));
for (let i = 0; i < sims.length; i += 50) await Promise.all(sims.slice(i, i + 50).map((s) => s.start()));
for (const sim of sims) {
  for (const c of [1, 2]) {
    await sim.plugIn(c, { batteryWh: 500_000, maxCurrentA: 32, phases: 3 });
    await sim.presentBadge(c, 'BENCH');
  }
}
const affected = sims.filter((_, i) => zoneOf(i) === zoneOf(0));
const limitsOf = (list: SimStation[]) => list.flatMap((s) => [s.getLimitA(1), s.getLimitA(2)]);
// The dynamic zone's connectors share 400 A minus the building load. A jump of that load to
// 250 A leaves 150 A: every one of them must come down (or be suspended).
await waitFor(() => limitsOf(affected).every((a) => a > 0), 'every affected car charging', 60_000);
await app.control?.settled();

const reactionsMs: number[] = [];
const highA = 250;
for (let step = 0; step < steps; step++) {
  const before = limitsOf(affected);
  const t0 = performance.now();
  meter.setCurrentsA([highA, highA, highA]);
  await waitFor(() => limitsOf(affected).every((a, i) => a < before[i]), `step ${step}: every affected station reduced`, 10_000);
  reactionsMs.push(performance.now() - t0);
  meter.setCurrentsA([BASE_LOAD_A, BASE_LOAD_A, BASE_LOAD_A]);
  await waitFor(() => limitsOf(affected).every((a, i) => a >= before[i]), `step ${step}: back up`, 10_000);
  await new Promise((r) => setTimeout(r, Math.random() * pollingMs)); // the next jump falls anywhere in a poll period
}

// Steady state: nothing changes for 20 s; the loop still runs on its tick and on MeterValues.
const stats = app.control!.stats;
const [rounds0, allocate0, round0, t0] = [stats.rounds, stats.allocateMs, stats.roundMs, performance.now()];
const cpu0 = process.cpuUsage();
await new Promise((r) => setTimeout(r, 20_000));
const seconds = (performance.now() - t0) / 1000;
const allocateMsPerS = (stats.allocateMs - allocate0) / seconds;
const roundMsPerS = (stats.roundMs - round0) / seconds;
const cpu = process.cpuUsage(cpu0);
const processCpuPct = ((cpu.user + cpu.system) / 1000 / seconds / 10);

const sorted = [...reactionsMs].sort((a, b) => a - b);
const pct = (p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))].toFixed(0);
console.log(`reaction to a meter jump, ${affected.length * 2} connectors affected of ${STATIONS * 2}, ${ZONES} zones, polling ${pollingMs} ms, ${steps} steps:`);
console.log(`  p50 ${pct(50)} ms   p99 ${pct(99)} ms   max ${sorted[sorted.length - 1].toFixed(0)} ms   (goal: p99 under ${pollingMs + 100} ms)`);
console.log(`  steady state, 20 s: ${stats.rounds - rounds0} rounds; allocate() ${allocateMsPerS.toFixed(1)} ms per second; whole rounds incl. waiting for station answers ${roundMsPerS.toFixed(1)} ms per second`);
console.log(`  the whole process (Fuseguard and the 250 simulated stations together): ${processCpuPct.toFixed(1)} % of one core`);

await Promise.all(sims.map((s) => s.stop()));
await app.close();
await meter.stop();
dir.cleanup();
process.exit(0);
