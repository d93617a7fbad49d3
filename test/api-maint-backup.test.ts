// X3, X4 over real HTTP: backup, restore (round trip, without credentials, dry run), refusal of
// a wrong passphrase and of a flipped byte with the state untouched, and factory reset.
import { afterEach, describe, expect, it } from 'vitest';
import { ApiClient, ADMIN, USER, startApiHarness, type ApiHarness } from './helpers/api-client.js';
import { testSite } from './helpers/harness.js';
import { SimStation } from '../src/sim/index.js';
import { readBackupContents } from '../src/maintenance/site-data.js';

const PASSPHRASE = 'a long backup passphrase';

/** Everything a backup holds, minus what depends on the moment (connection flags). */
async function siteState(h: ApiHarness) {
  const { tables } = await readBackupContents(h.app.store.db, 0, 'x');
  return { ...tables, stations: tables.stations.map((s) => ({ ...s, connected: 0 })) };
}

async function backup(client: ApiClient, passphrase = PASSPHRASE): Promise<Uint8Array> {
  const response = await fetch(`${client.baseUrl}/api/maintenance/backup`, {
    method: 'POST', headers: { 'content-type': 'application/json', cookie: client.cookie ?? '', 'x-csrf-token': client.csrfToken ?? '' },
    body: JSON.stringify({ passphrase }),
  });
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toBe('application/octet-stream');
  expect(response.headers.get('content-disposition')).toMatch(/attachment; filename="fuseguard-backup-.*\.fgbackup"/);
  return new Uint8Array(await response.arrayBuffer());
}

const restore = (client: ApiClient, file: Uint8Array, query = '', passphrase = PASSPHRASE) =>
  client.request('POST', `/api/maintenance/restore${query}`, { raw: { data: file, contentType: 'application/octet-stream' }, headers: { 'x-backup-passphrase': passphrase } });

describe('backup and restore (X3)', () => {
  let h: ApiHarness;
  afterEach(async () => { await h?.cleanup(); });

  async function siteWithSession(): Promise<void> {
    h = await startApiHarness(testSite());
    const station = new SimStation({ id: 'CP-003', url: h.app.ocppUrl, meterValueIntervalS: 1, tickIntervalMs: 200 });
    try {
      expect(await station.start()).toBe('Accepted');
      await station.plugIn(1);
      await station.presentBadge(1, 'WALK-IN');
      await new Promise((r) => setTimeout(r, 1500));
      await station.unplug(1);
      await station.whenIdle();
    } finally {
      await station.stop();
    }
    await h.app.store.settings.set({ network: { port: 8443, host: '127.0.0.1' }, meters: [] });
  }

  it('round trip: a factory reset then a restore brings back an equal state', async () => {
    await siteWithSession();
    const before = await siteState(h);
    expect(before.transactions.length).toBe(1);
    expect(before.meter_samples.length).toBeGreaterThan(0);
    const file = await backup(h.admin);

    expect((await h.admin.post('/api/maintenance/factory-reset', { confirm: 'FACTORY RESET' })).status).toBe(200);
    expect((await siteState(h)).stations).toEqual([]);
    // After the reset: the factory login, replaced first (S2), then the restore.
    const fresh = h.client();
    expect((await fresh.login('admin', 'ADMIN')).status).toBe(200);
    expect((await fresh.put('/api/users/me/credentials', { currentPassword: 'ADMIN', login: 'interim', password: 'Int3rim!pass' })).status).toBe(200);
    const dry = await restore(fresh, file, '?dryRun=true');
    expect(dry.status, dry.text).toBe(200);
    expect(dry.body).toMatchObject({ dryRun: true, backup: { counts: { stations: 3, zones: 3, transactions: 1, users: 2 } }, replaced: { stations: 0, users: 1 } });
    expect((await siteState(h)).stations).toEqual([]);

    const restored = await restore(fresh, file);
    expect(restored.status, restored.text).toBe(200);
    expect(restored.body).toMatchObject({ ok: true, withoutCredentials: false, backup: { counts: { stations: 3 } } });
    expect(await siteState(h)).toEqual(before);
    // The restored credentials work; the interim session has ended.
    expect((await fresh.get('/api/auth/me')).status).toBe(401);
    const admin = h.client();
    expect((await admin.login(ADMIN.login, ADMIN.password)).status).toBe(200);
    expect((await admin.get('/api/audit?action=backup.restore')).body.entries[0]).toMatchObject({ actor: 'interim', action: 'backup.restore' });
    // The running parts reloaded: the control loop knows the restored stations again.
    expect(h.app.control?.state.connectors.size).toBeGreaterThan(0);
  }, 60_000);

  it('a wrong passphrase, a flipped byte or another file are refused with a clear message and change nothing', async () => {
    h = await startApiHarness(testSite());
    const file = await backup(h.admin);
    await h.app.store.badges.upsert({ id_tag: 'AFTER', authorized: 1, vip: 0, comment: '' }, 1);
    const before = await siteState(h);

    const wrong = await restore(h.admin, file, '', 'not the passphrase');
    expect(wrong.status).toBe(422);
    expect(wrong.body).toMatchObject({ error: 'wrong-passphrase', message: expect.stringContaining('passphrase is wrong') });

    for (const at of [file.length - 1, Math.floor(file.length / 2), 70]) {
      const damaged = new Uint8Array(file);
      damaged[at] ^= 0x01;
      const refused = await restore(h.admin, damaged);
      expect(refused.status, `byte ${at}`).toBe(422);
      expect(refused.body, `byte ${at}`).toMatchObject({ error: 'backup-damaged', message: expect.stringContaining('damaged or was altered') });
    }
    const other = await restore(h.admin, new TextEncoder().encode('id,name\n1,2\n'));
    expect(other.body).toMatchObject({ error: 'not-a-backup' });
    const noHeader = await h.admin.request('POST', '/api/maintenance/restore', { raw: { data: file, contentType: 'application/octet-stream' } });
    expect(noHeader.status).toBe(400);
    expect(await siteState(h)).toEqual(before);
    expect((await h.admin.get('/api/auth/me')).status).toBe(200);
  }, 60_000);

  it('without credentials: the users stay, the rest comes from the backup', async () => {
    h = await startApiHarness(testSite());
    const file = await backup(h.admin);
    expect((await h.admin.post('/api/users', { login: 'later', password: 'L4ter!pass', role: 'user', adminPassword: ADMIN.password })).status).toBe(201);
    await h.app.store.settings.set({ unknownStations: 'reject' });
    const response = await restore(h.admin, file, '?withoutCredentials=true');
    expect(response.status, response.text).toBe(200);
    expect(response.body).toMatchObject({ withoutCredentials: true, replaced: { users: 0 }, warning: expect.stringContaining('users') });
    const users = (await h.admin.get('/api/users')).body.map((u: { login: string }) => u.login).sort();
    expect(users).toEqual([ADMIN.login, 'later', USER.login].sort());
    expect((await h.app.store.settings.getAll()).unknownStations).toBe('pending');
    expect((await h.user.get('/api/auth/me')).status).toBe(200);
  }, 60_000);

  it('a short passphrase is refused', async () => {
    h = await startApiHarness();
    const response = await h.admin.post('/api/maintenance/backup', { passphrase: 'short' });
    expect(response.status).toBe(400);
  });
});

describe('factory reset from the API (X4)', () => {
  let h: ApiHarness;
  afterEach(async () => { await h?.cleanup(); });

  it('needs the typed confirmation, then empties the site, keeps the factory admin only and turns the relay off', async () => {
    h = await startApiHarness(testSite());
    await h.app.store.settings.set({ network: { port: 9000 }, upstream: { enabled: true, url: 'wss://cpo.example/ocpp' }, meters: [], unknownStations: 'reject' });
    const token = await h.admin.post('/api/tokens', { name: 'prom', role: 'user' });
    expect(token.status).toBe(201);
    expect((await h.admin.post('/api/maintenance/factory-reset', { confirm: 'yes' })).status).toBe(400);
    expect((await h.admin.post('/api/maintenance/factory-reset', {})).status).toBe(400);
    expect((await siteState(h)).stations.length).toBe(3);

    const response = await h.admin.post('/api/maintenance/factory-reset', { confirm: 'FACTORY RESET' });
    expect(response.status, response.text).toBe(200);
    expect(response.body).toMatchObject({ deleted: { stations: 3, zones: 3, badges: 2, users: 2 } });
    const state = await siteState(h);
    expect({ stations: state.stations, connectors: state.connectors, zones: state.zones, badges: state.badges, transactions: state.transactions }).toEqual({ stations: [], connectors: [], zones: [], badges: [], transactions: [] });
    expect(state.users.map((u) => ({ login: u.login, role: u.role, must_change: u.must_change }))).toEqual([{ login: 'admin', role: 'admin', must_change: 1 }]);
    const settings = await h.app.store.settings.getAll();
    expect(settings.network).toBeUndefined();
    expect(settings.meters).toBeUndefined();
    expect(settings.upstream).toEqual({ enabled: false, url: 'wss://cpo.example/ocpp' });
    expect(await h.app.store.users.listTokens()).toEqual([]);
    // Every session and token is gone; the factory login works and must be replaced.
    expect((await h.admin.get('/api/auth/me')).status).toBe(401);
    const bearer = h.client();
    bearer.token = token.body.token;
    expect((await bearer.get('/api/logs')).status).toBe(401);
    const factory = h.client();
    expect((await factory.login('admin', 'ADMIN')).status).toBe(200);
    expect((await factory.get('/api/logs')).status).toBe(403);
  }, 30_000);
});
