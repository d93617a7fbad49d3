// `fuseguard demo` (the README's first command) shows simulated sessions (R2).
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Store } from '../src/store/store.js';
import { freePort } from './helpers/net.js';
import { tempDir } from './helpers/temp-dir.js';
import { waitFor } from './helpers/harness.js';

describe('fuseguard demo', () => {
  it('starts simulated stations whose cars charge, and records their sessions', async () => {
    const dir = tempDir();
    const dataDir = join(dir.path, 'demo');
    const port = await freePort();
    const demo = spawn(process.execPath, ['--import', 'tsx', new URL('../src/cli/main.ts', import.meta.url).pathname, 'demo', '--data-dir', dataDir, '--port', String(port), '--stations', '3', '--arrivals-per-hour', '3600'], { stdio: ['ignore', 'pipe', 'inherit'] });
    let output = '';
    demo.stdout.on('data', (chunk: Buffer) => { output += chunk.toString(); });
    try {
      await waitFor(() => /3 simulated stations connected/.test(output), 'the demo to connect its stations', 30_000);
      await waitFor(() => /session \d+ started with badge DEMO-\d{4}/.test(output), 'a demo session', 30_000);
    } finally {
      demo.kill('SIGINT');
      await new Promise((r) => demo.once('exit', r));
    }
    const store = await Store.open(dataDir);
    try {
      expect((await store.transactions.list()).length).toBeGreaterThan(0);
      expect((await store.stations.list()).map((s) => s.id)).toEqual(['SIM-001', 'SIM-002', 'SIM-003']);
    } finally {
      await store.close();
      dir.cleanup();
    }
  });
});
