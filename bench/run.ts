// npm run bench: runs every bench/*.bench.ts in its own process, one after the other;
// `npm run bench <part of a name>` runs only those. BENCH_SUITE=all tells a bench it runs among all
// (bench/storm.bench.ts then takes a modest N).
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';

const only = process.argv[2];
const files = readdirSync(new URL('.', import.meta.url)).filter((f) => f.endsWith('.bench.ts') && (!only || f.includes(only))).sort();
let failed = 0;
for (const file of files) {
  console.log(`\n=== ${file} ===`);
  const result = spawnSync(process.execPath, ['--import', 'tsx', new URL(file, import.meta.url).pathname], { stdio: 'inherit', env: { BENCH_SUITE: only ? 'one' : 'all', ...process.env } });
  if (result.status !== 0) failed++;
}
process.exit(failed > 0 ? 1 : 0);
