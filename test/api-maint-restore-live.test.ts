// Issue 14, row 14: a restore while stations are connected. A station the restored site does not
// hold, or whose admission or password the backup changes, is let go (it reconnects under the
// restored rules); the others stay. Transaction ids never go backwards: a session started after
// the restore never gets an id given out before it (the relay's id map and the CPO rely on it).
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { type ApiClient, startApiHarness, type ApiHarness } from './helpers/api-client.js';
import { bootRaw, connectRaw, iso, testSite, waitFor, type RawStation } from './helpers/harness.js';

const PASSPHRASE = 'a long backup passphrase';
const main = new URL('../src/cli/main.ts', import.meta.url).pathname;
/** `fuseguard ...` as its own process, while the server runs. */
const fuseguard = (...args: string[]) => promisify(execFile)(process.execPath, ['--import', 'tsx', main, ...args], {
  encoding: 'utf8', env: { ...process.env, FUSEGUARD_BACKUP_PASSPHRASE: PASSPHRASE },
});

async function backup(client: ApiClient): Promise<Uint8Array> {
  const response = await fetch(`${client.baseUrl}/api/maintenance/backup`, {
    method: 'POST', headers: { 'content-type': 'application/json', cookie: client.cookie ?? '', 'x-csrf-token': client.csrfToken ?? '' },
    body: JSON.stringify({ passphrase: PASSPHRASE }),
  });
  expect(response.status).toBe(200);
  return new Uint8Array(await response.arrayBuffer());
}

/** A raw station that records when its connection closes. */
async function station(h: ApiHarness, id: string, password?: string): Promise<RawStation & { closed: boolean }> {
  const cp = await connectRaw(h.app.ocppUrl, id, password ? { password } : {}) as RawStation & { closed: boolean };
  cp.closed = false;
  cp.on('close', () => { cp.closed = true; });
  return cp;
}

async function startSession(cp: RawStation, meterStart: number): Promise<number> {
  const conf = await cp.call('StartTransaction', { connectorId: 1, idTag: 'GOOD', meterStart, timestamp: iso(Date.now()) }) as { transactionId: number };
  return conf.transactionId;
}

describe('restore with stations connected (issue 14, row 14)', () => {
  let h: ApiHarness;
  const stations: RawStation[] = [];
  afterEach(async () => {
    for (const cp of stations.splice(0)) await cp.close({ force: true }).catch(() => undefined);
    await h?.cleanup();
  });

  /** Since the backup: CP-002 given a password, connected with it; CP-003 connected as it was. */
  async function securedAndKept() {
    expect((await h.admin.patch('/api/stations/CP-002', { password: 'a-new-secret' })).status).toBe(200);
    const secured = await station(h, 'CP-002', 'a-new-secret');
    const kept = await station(h, 'CP-003');
    stations.push(secured, kept);
    await bootRaw(secured);
    await bootRaw(kept);
    return { secured, kept };
  }

  it('lets go the stations the backup removes or changes, keeps the others, and never reuses a transaction id', async () => {
    h = await startApiHarness(testSite());
    const file = await backup(h.admin);

    // Since the backup: a station admitted, another given a password, and sessions on a third.
    const added = await station(h, 'CP-NEW');
    stations.push(added);
    await waitFor(async () => (await h.admin.get('/api/stations/pending')).body.some((s: { id: string }) => s.id === 'CP-NEW'), 'CP-NEW pending');
    expect((await h.admin.post('/api/stations/CP-NEW/admit', { zone: 'Row A' })).status).toBe(200);
    await bootRaw(added);
    const { secured, kept } = await securedAndKept();
    const first = await startSession(kept, 1_000);
    await kept.call('StopTransaction', { transactionId: first, meterStop: 2_000, timestamp: iso(Date.now()) });
    const open = await startSession(kept, 2_000);
    expect(open).toBeGreaterThan(first);

    const restored = await h.admin.request('POST', '/api/maintenance/restore', { raw: { data: file, contentType: 'application/octet-stream' }, headers: { 'x-backup-passphrase': PASSPHRASE } });
    expect(restored.status, restored.text).toBe(200);

    await waitFor(() => added.closed, 'the station the backup does not hold to be disconnected');
    await waitFor(() => secured.closed, 'the station whose password the backup changes to be disconnected');
    await new Promise((r) => setTimeout(r, 300));
    expect(kept.closed).toBe(false);
    expect(h.app.stationServer.connectedIds()).toEqual(['CP-003']);
    expect((await h.app.store.stations.get('CP-003'))?.connected).toBe(1);

    // The station that stayed starts a session again: a new id, above every id given out before.
    await kept.call('StopTransaction', { transactionId: open, meterStop: 3_000, timestamp: iso(Date.now()) });
    const after = await startSession(kept, 3_000);
    expect(after).toBeGreaterThan(open);

    // The changed station comes back under the restored rules: no password any more.
    const back = await station(h, 'CP-002');
    stations.push(back);
    expect((await back.call('BootNotification', { chargePointVendor: 'Test', chargePointModel: 'Raw' }) as { status: string }).status).toBe('Accepted');
  }, 60_000);

  it('from the command line: a station whose password the backup does not have is let go, one admitted since stays', async () => {
    h = await startApiHarness(testSite(), { externalChangesPollMs: 100 });
    const file = join(h.dataDir, '..', 'before.fgbackup');
    await fuseguard('backup', '--data-dir', h.dataDir, '--out', file);
    const { secured, kept } = await securedAndKept();

    await fuseguard('restore', file, '--without-credentials', '--data-dir', h.dataDir);
    await waitFor(() => secured.closed, 'the station admitted with a password the backup does not have to be disconnected');
    await waitFor(async () => (await h.app.store.stations.get('CP-003'))?.connected === 1, 'CP-003 marked connected again');
    expect(kept.closed).toBe(false);
  }, 60_000);
});
