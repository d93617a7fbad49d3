// The `fuseguard` command line, run as a user would (a real process on a real data folder).
import { spawn, spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SimStation } from '../src/sim/index.js';
import { freePort, waitForHealth } from './helpers/net.js';
import { testSite } from './helpers/harness.js';
import { tempDir } from './helpers/temp-dir.js';

const main = new URL('../src/cli/main.ts', import.meta.url).pathname;
const fuseguard = (...args: string[]) => spawnSync(process.execPath, ['--import', 'tsx', main, ...args], { encoding: 'utf8' });

describe('fuseguard CLI', () => {
  const dir = tempDir();
  const dataDir = join(dir.path, 'data');
  const siteFile = join(dir.path, 'site.json');
  beforeAll(() => writeFileSync(siteFile, JSON.stringify(testSite())));
  afterAll(() => dir.cleanup());

  it('--help describes every command', () => {
    const { stdout, status } = fuseguard('--help');
    expect(status).toBe(0);
    for (const command of ['serve', 'demo', 'site validate', 'site export', 'stations list', 'stations admit', 'sessions list', 'sessions force-stop', 'badges list', 'badges seen', 'simulate']) {
      expect(stdout).toContain(`  ${command} `);
    }
  });

  it('site validate accepts a good file and lists every bad field of a bad one with exit code 1', () => {
    expect(fuseguard('site', 'validate', siteFile)).toMatchObject({ status: 0, stdout: expect.stringContaining('is valid: 3 zones, 3 stations, 2 badges') });
    const bad = join(dir.path, 'bad.json');
    writeFileSync(bad, JSON.stringify({ zones: [{ name: 'Z', maxCurrentA: -1, mode: 'static' }], stations: [{ id: 'A B', zone: 'Z', connectors: [] }] }));
    const result = fuseguard('site', 'validate', bad);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('/zones/0/maxCurrentA: must be > 0');
    expect(result.stderr).toContain('/stations/0/id: must be 1 to 48 characters: letters');
  });

  it('serve refuses a bad site file, names the field and applies nothing', () => {
    const bad = join(dir.path, 'bad-tree.json');
    writeFileSync(bad, JSON.stringify({ zones: [{ name: 'Z', maxCurrentA: 10, mode: 'static', children: [{ name: 'Y', maxCurrentA: 20, mode: 'static' }] }] }));
    const result = fuseguard('serve', '--data-dir', join(dir.path, 'untouched'), '--site', bad, '--port', '0');
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('/zones/0/children/0: zone "Y": maxCurrentA 20 A exceeds its parent "Z" (10 A)');
  });

  it('serve admits the stations of the site file; admin commands and export work on its data folder', async () => {
    const port = await freePort();
    const server = spawn(process.execPath, ['--import', 'tsx', main, 'serve', '--data-dir', dataDir, '--site', siteFile, '--port', String(port), '--host', '127.0.0.1'], { stdio: 'ignore' });
    const station = new SimStation({ id: 'CP-003', url: `ws://127.0.0.1:${port}/ocpp`, reconnectDelayMs: 100 });
    const stranger = new SimStation({ id: 'NEW-9', url: `ws://127.0.0.1:${port}/ocpp`, reconnectDelayMs: 100 });
    try {
      await waitForHealth(port, 20_000);
      expect(await station.start()).toBe('Accepted');
      expect(await stranger.start()).toBe('Pending');
      await station.plugIn(1);
      const { transactionId } = await station.presentBadge(1, 'WALK-IN');
      await station.unplug(1);
      await station.whenIdle();

      expect(fuseguard('stations', 'list', '--data-dir', dataDir).stdout).toMatch(/NEW-9.*pending/);
      expect(fuseguard('stations', 'admit', 'NEW-9', '--zone', 'Nowhere', '--data-dir', dataDir)).toMatchObject({ status: 1, stderr: expect.stringContaining('zone "Nowhere" does not exist') });
      expect(fuseguard('stations', 'admit', 'NEW-9', '--zone', 'Row B', '--data-dir', dataDir)).toMatchObject({ status: 0 });
      expect(fuseguard('sessions', 'list', '--data-dir', dataDir).stdout).toContain('WALK-IN');
      expect(fuseguard('badges', 'seen', '--data-dir', dataDir).stdout).toContain('WALK-IN');
      expect(fuseguard('sessions', 'force-stop', String(transactionId), '--data-dir', dataDir)).toMatchObject({ status: 1, stderr: expect.stringContaining('is not open') });

      const exported = join(dir.path, 'exported.json');
      expect(fuseguard('site', 'export', '--data-dir', dataDir, '--out', exported).status).toBe(0);
      expect(fuseguard('site', 'validate', exported)).toMatchObject({ status: 0, stdout: expect.stringContaining('4 stations') });
    } finally {
      await station.stop();
      await stranger.stop();
      server.kill('SIGTERM');
      await new Promise((r) => server.once('exit', r));
    }
  }, 90_000); // eight CLI processes, each starting TypeScript
});
