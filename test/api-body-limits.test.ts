// Issue 14, row 4: request bodies are bounded per content type, and the backup upload's large
// limit applies to the restore route only, after authentication: a large body anywhere else is
// refused (413) without being read, and an anonymous upload to restore gets 401 before it is read.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JSON_BODY_LIMIT_BYTES, TEXT_BODY_LIMIT_BYTES } from '../src/api/body-limits.js';
import { startApiHarness, type ApiClient, type ApiHarness } from './helpers/api-client.js';
import { testSite } from './helpers/harness.js';
import { streamUpload } from './helpers/http-upload.js';

const MB = 1024 * 1024;
/** Far less than what was sent: the server stopped reading early (sockets buffer a few MiB). */
const READ_EARLY_BYTES = 12 * MB;

describe('request body limits (issue 14, row 4)', () => {
  let h: ApiHarness;
  beforeAll(async () => { h = await startApiHarness(testSite(), { control: false }); });
  afterAll(async () => { await h?.cleanup(); });
  const port = () => h.app.port;
  const sessionHeaders = (client: ApiClient) => ({ cookie: client.cookie ?? '', 'x-csrf-token': client.csrfToken ?? '' });

  it('50 MB of application/octet-stream to the anonymous login: 413 without reading it (was read up to 256 MiB)', async () => {
    const streamed = await streamUpload({ port: port(), path: '/api/auth/login', contentType: 'application/octet-stream', totalBytes: 50 * MB });
    expect(streamed.status).toBe(413);
    expect(streamed.bytesSent).toBeLessThan(READ_EARLY_BYTES);
    const declared = await streamUpload({ port: port(), path: '/api/auth/login', contentType: 'application/octet-stream', totalBytes: 50 * MB, declareLength: true });
    expect(declared.status).toBe(413);
    expect(declared.bytesSent).toBeLessThan(READ_EARLY_BYTES);
  });

  it('JSON and CSV beyond their limits: 413, also for a logged-in caller', async () => {
    const json = await streamUpload({ port: port(), path: '/api/auth/login', contentType: 'application/json', totalBytes: 50 * MB });
    expect(json.status).toBe(413);
    expect(json.bytesSent).toBeLessThan(READ_EARLY_BYTES);
    const tooBigJson = await h.admin.post('/api/badges', { idTag: 'X', comment: 'y'.repeat(JSON_BODY_LIMIT_BYTES) });
    expect(tooBigJson.status).toBe(413);
    const csv = await streamUpload({
      port: port(), method: 'PUT', path: '/api/badges/csv', contentType: 'text/csv', totalBytes: TEXT_BODY_LIMIT_BYTES + MB, headers: sessionHeaders(h.user),
    });
    expect(csv.status).toBe(413);
  });

  it('a badge import of 10,000 badges with long comments (over 1 MiB) goes through', async () => {
    const lines = Array.from({ length: 10_000 }, (_, i) => `B${String(i).padStart(12, '0')},true,false,"${'c'.repeat(48)}",2025-01-15T08:00:00.000Z,2025-01-20T17:31:02.000Z`);
    const csv = ['idTag,authorized,vip,comment,registeredAt,lastSeenAt', ...lines].join('\n');
    expect(csv.length).toBeGreaterThan(MB);
    const r = await h.user.request('PUT', '/api/badges/csv', { raw: { data: csv, contentType: 'text/csv' } });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ count: 10_000 });
  });

  it('an upload to restore: 401 for anyone, 403 for a user, before the 10 MB are read; an admin may send more than the small limits', async () => {
    const anonymous = await streamUpload({
      port: port(), path: '/api/maintenance/restore', contentType: 'application/octet-stream', totalBytes: 10 * MB, declareLength: true, headers: { 'x-backup-passphrase': 'whatever1' },
    });
    expect(anonymous.status).toBe(401);
    expect(anonymous.bytesSent).toBeLessThan(10 * MB);
    const user = await streamUpload({
      port: port(), path: '/api/maintenance/restore', contentType: 'application/octet-stream', totalBytes: 10 * MB, declareLength: true,
      headers: { ...sessionHeaders(h.user), 'x-backup-passphrase': 'whatever1' },
    });
    expect(user.status).toBe(403);
    expect(user.bytesSent).toBeLessThan(10 * MB);
    // 2 MiB of anything: read (the upload limit), then refused as not a backup.
    const admin = await h.admin.request('POST', '/api/maintenance/restore?dryRun=true', {
      raw: { data: new Uint8Array(2 * MB), contentType: 'application/octet-stream' }, headers: { 'x-backup-passphrase': 'whatever1' },
    });
    expect(admin.status).toBe(422);
    expect(admin.body).toMatchObject({ error: 'not-a-backup' });
  });
});
