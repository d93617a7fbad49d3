// X3, X4, X5 and W8 on the host: `serve` reads the stored network settings and restarts itself
// in-process on POST /api/maintenance/restart; `backup`, `factory-reset` (server stopped) and
// `restore` work on the data folder, the passphrase coming from the environment or a file.
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Store } from '../src/store/store.js';
import { ApiClient, ADMIN } from './helpers/api-client.js';
import { testSite } from './helpers/harness.js';
import { freePort, waitForHealth } from './helpers/net.js';
import { tempDir } from './helpers/temp-dir.js';

const main = new URL('../src/cli/main.ts', import.meta.url).pathname;
const PASSPHRASE = 'host backup passphrase';
const fuseguard = (args: string[], env: Record<string, string> = {}, input?: string) =>
  spawnSync(process.execPath, ['--import', 'tsx', main, ...args], { encoding: 'utf8', env: { ...process.env, ...env }, input });

async function inStore<T>(dataDir: string, work: (store: Store) => Promise<T>): Promise<T> {
  const store = await Store.open(dataDir);
  try {
    return await work(store);
  } finally {
    await store.close();
  }
}

describe('maintenance on the host', () => {
  const dir = tempDir();
  const dataDir = join(dir.path, 'data');
  const siteFile = join(dir.path, 'site.json');
  afterAll(() => dir.cleanup());

  it('serve listens where the stored network settings say, and restarts in-process on request', async () => {
    writeFileSync(siteFile, JSON.stringify(testSite()));
    const [first, second] = [await freePort(), await freePort()];
    await inStore(dataDir, (store) => store.settings.set({ network: { host: '127.0.0.1', port: first } }));
    const server = spawn(process.execPath, ['--import', 'tsx', main, 'serve', '--data-dir', dataDir, '--site', siteFile], { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    server.stdout.on('data', (chunk: Buffer) => { output += chunk.toString(); });
    server.stderr.on('data', (chunk: Buffer) => { output += chunk.toString(); });
    try {
      await waitForHealth(first, 30_000);
      const admin = new ApiClient(`http://127.0.0.1:${first}`);
      expect((await admin.login('admin', 'ADMIN')).status).toBe(200);
      expect((await admin.put('/api/users/me/credentials', { currentPassword: 'ADMIN', login: ADMIN.login, password: ADMIN.password })).status).toBe(200);
      // A new port, stored for the next start; the restart takes it.
      await inStore(dataDir, (store) => store.settings.set({ network: { host: '127.0.0.1', port: second } }));
      const restart = await admin.post('/api/maintenance/restart');
      expect(restart.status, restart.text).toBe(202);
      await waitForHealth(second, 30_000);
      expect(server.exitCode).toBeNull(); // the same process
      expect(output).toContain('restarted');
      const again = new ApiClient(`http://127.0.0.1:${second}`);
      expect((await again.login(ADMIN.login, ADMIN.password)).status).toBe(200);
      expect((await again.get('/api/audit?action=maintenance.restart')).body.entries).toHaveLength(1);
      expect(await fetch(`http://127.0.0.1:${first}/healthz`).then(() => 'up', () => 'down')).toBe('down');
    } finally {
      server.kill('SIGTERM');
      await new Promise((r) => server.once('exit', r));
    }
  }, 90_000);

  it('backup, factory reset with the server stopped, and restore from the command line', async () => {
    const out = join(dir.path, 'site.fgbackup');
    const noPassphrase = fuseguard(['backup', '--data-dir', dataDir, '--out', out], { FUSEGUARD_BACKUP_PASSPHRASE: '' });
    expect(noPassphrase.status).toBe(1);
    expect(noPassphrase.stderr).toContain('FUSEGUARD_BACKUP_PASSPHRASE');
    const made = fuseguard(['backup', '--data-dir', dataDir, '--out', out], { FUSEGUARD_BACKUP_PASSPHRASE: PASSPHRASE });
    expect(made.status, made.stderr).toBe(0);
    expect(made.stdout).toContain('3 stations');
    expect(readFileSync(out).subarray(0, 8).toString()).toBe('FGBACKUP');

    expect(fuseguard(['factory-reset', '--data-dir', dataDir], {}, 'no\n')).toMatchObject({ status: 1, stderr: expect.stringContaining('not confirmed') });
    expect(await inStore(dataDir, (s) => s.stations.list())).toHaveLength(3);
    const reset = fuseguard(['factory-reset', '--data-dir', dataDir], {}, 'FACTORY RESET\n');
    expect(reset.status, reset.stderr).toBe(0);
    expect(reset.stdout).toContain('admin / ADMIN');
    await inStore(dataDir, async (store) => {
      expect(await store.stations.list()).toEqual([]);
      expect(await store.zones.list()).toEqual([]);
      expect(await store.badges.list()).toEqual([]);
      expect((await store.users.list()).map((u) => [u.login, u.must_change])).toEqual([['admin', 1]]);
      const settings = await store.settings.getAll();
      expect(settings.network).toBeUndefined();
      expect(settings.upstream).toEqual({ enabled: false });
    });

    const wrong = fuseguard(['restore', out, '--data-dir', dataDir], { FUSEGUARD_BACKUP_PASSPHRASE: 'not it at all' });
    expect(wrong.status).toBe(1);
    expect(wrong.stderr).toContain('passphrase is wrong');
    expect(await inStore(dataDir, (s) => s.stations.list())).toEqual([]);

    const passphraseFile = join(dir.path, 'passphrase.txt');
    writeFileSync(passphraseFile, `${PASSPHRASE}\n`, { mode: 0o600 });
    const restored = fuseguard(['restore', out, '--data-dir', dataDir, '--passphrase-file', passphraseFile]);
    expect(restored.status, restored.stderr).toBe(0);
    await inStore(dataDir, async (store) => {
      expect((await store.stations.list()).map((s) => s.id).sort()).toEqual(['CP-001', 'CP-002', 'CP-003']);
      expect((await store.users.list()).map((u) => u.login)).toEqual([ADMIN.login]);
      expect((await store.audit.list({ action: 'backup.restore' }))[0]).toMatchObject({ actor: 'command-line' });
    });
  }, 90_000);
});
