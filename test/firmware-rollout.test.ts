// Issue 16, item 7: a firmware rollout end to end, over real WebSockets and HTTP. Simulated stations
// download the file from Fuseguard through their signed URL, report Downloading → Downloaded →
// Installing → Installed, reboot and boot with the new version; one whose download fails and one
// whose installation fails are shown as failed and not sent the update again. Never more than
// `maxConcurrent` stations update at once.
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FirmwareFiles } from '../src/firmware/firmware-files.js';
import { signedDownloadUrl } from '../src/firmware/firmware-url.js';
import { SimStation, type SimStationOptions } from '../src/sim/index.js';
import { startApiHarness, type ApiHarness } from './helpers/api-client.js';
import { waitFor } from './helpers/harness.js';

const MODEL = 'FG-AC22';
const NEW_VERSION = 'fw-2.0';
const FILE = Buffer.from(Array.from({ length: 300_000 }, (_, i) => (i * 7919) % 256));

interface RolloutView { stationId: string; status: string; ocppStatus: string | null; error: string | null; stationFirmwareVersion: string | null }

describe('firmware rollout (issue 16, item 7)', () => {
  let h: ApiHarness;
  const sims: SimStation[] = [];
  const updateCalls = new Map<string, number>();

  const station = (id: string, firmwareUpdate: SimStationOptions['firmwareUpdate'], model = MODEL): SimStation => {
    const s = new SimStation({
      id, url: h.app.ocppUrl, model, firmwareVersion: 'fw-1.0', tickIntervalMs: 50, reconnectDelayMs: 100, maxReconnectDelayMs: 300, rebootDelayMs: 200,
      firmwareUpdate: { stepMs: 200, ...firmwareUpdate },
    });
    s.on('call', (ev) => {
      if (ev.method === 'UpdateFirmware') updateCalls.set(id, (updateCalls.get(id) ?? 0) + 1);
    });
    sims.push(s);
    return s;
  };

  beforeAll(async () => {
    h = await startApiHarness({
      zones: [{ name: 'Main', maxCurrentA: 100, mode: 'static', children: [{ name: 'Row A', maxCurrentA: 63, mode: 'static' }] }],
      stations: ['OK-1', 'OK-2', 'OK-3', 'BAD-DL', 'BAD-INST', 'OTHER', 'LATE'].map((id) => ({ id, zone: id === 'OTHER' || id === 'LATE' ? 'Main' : 'Row A', connectors: [{ id: 1 }] })),
    });
    station('OK-1', { installsVersion: NEW_VERSION });
    station('OK-2', { installsVersion: NEW_VERSION });
    station('OK-3', { installsVersion: NEW_VERSION });
    station('BAD-DL', { installsVersion: NEW_VERSION, failWith: 'DownloadFailed' });
    station('BAD-INST', { installsVersion: NEW_VERSION, failWith: 'InstallationFailed' });
    station('OTHER', { installsVersion: NEW_VERSION }, 'Other-Model');
    station('LATE', { installsVersion: NEW_VERSION, installedAfterReboot: true }, 'Late-Model');
    await Promise.all(sims.map((s) => s.start()));
    await waitFor(() => sims.every((s) => h.app.stationServer.isRegistered(s.id)), 'every station registered');
  }, 30_000);

  afterAll(async () => {
    await Promise.all(sims.map((s) => s.stop()));
    await h?.cleanup();
  });

  it('updates every station of a model, at most maxConcurrent at once; failures are shown and not retried', async () => {
    expect((await h.admin.put('/api/firmware/settings', { maxConcurrent: 2, baseUrl: null, urlValidityH: 1, stallTimeoutMin: 60 })).status).toBe(200);
    const upload = await h.admin.request('POST', `/api/firmware/files?name=fg-ac22-2.0.bin&version=${NEW_VERSION}`, { raw: { data: FILE, contentType: 'application/octet-stream' } });
    expect(upload.status, upload.text).toBe(201);
    const file = upload.body as { id: string; sha256: string; sizeBytes: number };
    expect(file.sha256).toBe(createHash('sha256').update(FILE).digest('hex'));
    expect(file.sizeBytes).toBe(FILE.length);

    const rollout = await h.admin.post('/api/firmware/rollouts', { firmwareId: file.id, model: MODEL });
    expect(rollout.status, rollout.text).toBe(200);
    expect(rollout.body).toEqual({ queued: ['BAD-DL', 'BAD-INST', 'OK-1', 'OK-2', 'OK-3'], skipped: [] });

    // Watch the states as the UI does, and how many are in progress at each look.
    let mostAtOnce = 0;
    const seen = new Map<string, Set<string>>();
    let rows: RolloutView[] = [];
    await waitFor(async () => {
      rows = (await h.admin.get<RolloutView[]>('/api/firmware/rollouts')).body;
      for (const r of rows) {
        if (!seen.has(r.stationId)) seen.set(r.stationId, new Set());
        seen.get(r.stationId)?.add(r.status);
      }
      mostAtOnce = Math.max(mostAtOnce, rows.filter((r) => ['sent', 'downloading', 'downloaded', 'installing', 'installed'].includes(r.status)).length);
      return rows.length === 5 && rows.every((r) => r.status === 'done' || r.status === 'failed');
    }, 'every update finished', 30_000);

    expect(mostAtOnce).toBeGreaterThan(0);
    expect(mostAtOnce).toBeLessThanOrEqual(2);
    const byId = new Map(rows.map((r) => [r.stationId, r]));
    for (const id of ['OK-1', 'OK-2', 'OK-3']) {
      expect(byId.get(id)).toMatchObject({ status: 'done', ocppStatus: 'Installed', error: null, stationFirmwareVersion: NEW_VERSION });
      const sim = sims.find((s) => s.id === id);
      // It really downloaded the file over HTTP, whole, and booted with the new version.
      expect(sim?.firmwareDownloads).toEqual([expect.objectContaining({ httpStatus: 200, bytes: FILE.length, sha256: file.sha256 })]);
      expect(sim?.firmwareVersion).toBe(NEW_VERSION);
    }
    expect(byId.get('BAD-DL')).toMatchObject({ status: 'failed', ocppStatus: 'DownloadFailed', stationFirmwareVersion: 'fw-1.0' });
    expect(byId.get('BAD-DL')?.error).toMatch(/DownloadFailed/);
    expect(byId.get('BAD-INST')).toMatchObject({ status: 'failed', ocppStatus: 'InstallationFailed', stationFirmwareVersion: 'fw-1.0' });
    expect(byId.get('BAD-INST')?.error).toMatch(/InstallationFailed/);
    // The station of another model was left alone.
    expect(byId.has('OTHER')).toBe(false);
    expect(updateCalls.get('OTHER')).toBeUndefined();

    // Not retried blindly: another rollout makes the service look again; each station got UpdateFirmware once.
    const again = await h.admin.post('/api/firmware/rollouts', { firmwareId: file.id, stationIds: ['OTHER'] });
    expect(again.body).toEqual({ queued: ['OTHER'], skipped: [] });
    await waitFor(async () => (await h.admin.get<RolloutView[]>('/api/firmware/rollouts')).body.some((r) => r.stationId === 'OTHER' && r.status === 'done'), 'OTHER updated', 15_000);
    expect(Object.fromEntries(updateCalls)).toEqual({ 'OK-1': 1, 'OK-2': 1, 'OK-3': 1, 'BAD-DL': 1, 'BAD-INST': 1, OTHER: 1 });
    const stations = (await h.admin.get<{ id: string; firmwareVersion: string | null }[]>('/api/stations')).body;
    expect(stations.find((s) => s.id === 'OK-1')?.firmwareVersion).toBe(NEW_VERSION);

    // A file that stations were updated with can go once nobody waits for it.
    expect((await h.admin.delete(`/api/firmware/files/${file.id}`)).status).toBe(200);
    expect((await h.admin.get('/api/firmware/files')).body).toEqual([]);
  }, 60_000);

  it('marks done a station that rebooted before it reported Installed, with no version to look for (found by a review)', async () => {
    const upload = await h.admin.request('POST', `/api/firmware/files?name=late-2.0.bin`, { raw: { data: FILE, contentType: 'application/octet-stream' } });
    expect(upload.status, upload.text).toBe(201);
    const rollout = await h.admin.post('/api/firmware/rollouts', { firmwareId: (upload.body as { id: string }).id, stationIds: ['LATE'] });
    expect(rollout.body).toEqual({ queued: ['LATE'], skipped: [] });
    await waitFor(async () => (await h.admin.get<RolloutView[]>('/api/firmware/rollouts')).body.some((r) => r.stationId === 'LATE' && r.status === 'done'), 'LATE done', 15_000);
    expect(sims.find((s) => s.id === 'LATE')?.firmwareVersion).toBe(NEW_VERSION);
  }, 30_000);

  it('serves a file only through a valid, unexpired URL for its own station', async () => {
    const upload = await h.admin.request('POST', '/api/firmware/files?name=x.bin', { raw: { data: Buffer.from('firmware'), contentType: 'application/octet-stream' } });
    const id = (upload.body as { id: string }).id;
    // The secret in the data folder, as Fuseguard signs with it.
    const key = await new FirmwareFiles(h.dataDir).urlSecret();
    const future = Math.floor(Date.now() / 1000) + 600;
    const good = signedDownloadUrl(h.baseUrl, key, { firmwareId: id, stationId: 'OK-1', expiresS: future });
    const ok = await fetch(good);
    expect(ok.status).toBe(200);
    expect(Buffer.from(await ok.arrayBuffer()).toString()).toBe('firmware');
    // Another station's path with this signature, a changed expiry, an expired URL: refused.
    expect((await fetch(good.replace('/OK-1?', '/OK-2?'))).status).toBe(403);
    expect((await fetch(good.replace(`expires=${future}`, `expires=${future + 1}`))).status).toBe(403);
    const expired = signedDownloadUrl(h.baseUrl, key, { firmwareId: id, stationId: 'OK-1', expiresS: Math.floor(Date.now() / 1000) - 1 });
    const refused = await fetch(expired);
    expect(refused.status).toBe(403);
    expect(((await refused.json()) as { error: string }).error).toBe('expired');
    // Without the signature: refused by the schema, never served.
    expect((await fetch(good.split('?')[0])).status).toBeGreaterThanOrEqual(400);
  });

  it('checks a rollout request: targets, file, zone; skips stations already updating', async () => {
    expect((await h.admin.post('/api/firmware/rollouts', { firmwareId: '0123456789abcdef', stationIds: ['OK-1'] })).status).toBe(404);
    const upload = await h.admin.request('POST', '/api/firmware/files?name=y.bin', { raw: { data: Buffer.from('y'), contentType: 'application/octet-stream' } });
    const id = (upload.body as { id: string }).id;
    expect((await h.admin.post('/api/firmware/rollouts', { firmwareId: id })).status).toBe(400);
    expect((await h.admin.post('/api/firmware/rollouts', { firmwareId: id, zone: 'Nowhere' })).status).toBe(404);
    expect((await h.user.get('/api/firmware/rollouts')).status).toBe(403);
    const settings = { maxConcurrent: 3, baseUrl: 'ftp://10.0.0.2', urlValidityH: 24, stallTimeoutMin: 60 };
    expect((await h.admin.put('/api/firmware/settings', settings)).status).toBe(400);
    expect((await h.admin.put('/api/firmware/settings', { ...settings, maxConcurrent: 0, baseUrl: null })).status).toBe(400);
    expect((await h.admin.put('/api/firmware/settings', { ...settings, baseUrl: 'https://proxy.example/fuseguard' })).body).toEqual({ ...settings, baseUrl: 'https://proxy.example/fuseguard' });
    expect((await h.admin.request('POST', '/api/firmware/files?name=z.bin', { raw: { data: new Uint8Array(0), contentType: 'application/octet-stream' } })).status).toBe(400);
  });
});
