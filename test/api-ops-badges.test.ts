// Badges over real HTTP (B3, B4, W7): CRUD, seen badges and enrollment, CSV import and export.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SimStation } from '../src/sim/index.js';
import { startApiHarness, type ApiHarness } from './helpers/api-client.js';
import { testSite } from './helpers/harness.js';

const csv = (data: string) => ({ raw: { data, contentType: 'text/csv' } });

describe('badges API', () => {
  let h: ApiHarness;
  beforeAll(async () => { h = await startApiHarness(testSite(), { control: false }); });
  afterAll(async () => { await h?.cleanup(); });

  it('adds, reads, edits, sorts and deletes badges', async () => {
    const created = await h.user.post('/api/badges', { idTag: 'CARD-1', comment: 'Alice' });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ idTag: 'CARD-1', authorized: true, vip: false, comment: 'Alice', lastSeenAt: null });
    expect(created.body.registeredAt).toBeGreaterThan(0);
    expect((await h.user.post('/api/badges', { idTag: 'CARD-1' })).body).toMatchObject({ error: 'duplicate-badge' });
    expect((await h.user.post('/api/badges', { idTag: 'CARD-1' })).status).toBe(409);

    const edited = await h.user.patch('/api/badges/CARD-1', { vip: true, authorized: false });
    expect(edited.body).toMatchObject({ idTag: 'CARD-1', vip: true, authorized: false, comment: 'Alice' });
    expect((await h.user.get('/api/badges/CARD-1')).body).toMatchObject({ vip: true });

    const sorted = await h.user.get('/api/badges?sort=idTag&order=desc');
    expect(sorted.body.map((b: { idTag: string }) => b.idTag)).toEqual(['GOOD', 'CARD-1', 'BLOCKED']);

    expect((await h.user.delete('/api/badges/CARD-1')).status).toBe(200);
    expect((await h.user.get('/api/badges/CARD-1')).status).toBe(404);
    expect((await h.user.delete('/api/badges/CARD-1')).body).toMatchObject({ error: 'not-found' });
    expect((await h.user.patch('/api/badges/NOPE', { vip: true })).status).toBe(404);
  });

  it('answers 400 naming the field for bad bodies', async () => {
    const long = await h.user.post('/api/badges', { idTag: 'X'.repeat(21) });
    expect(long.status).toBe(400);
    expect(long.body.details[0].field).toBe('body.idTag');
    const comment = await h.user.post('/api/badges', { idTag: 'OK', comment: 'c'.repeat(51) });
    expect(comment.body.details[0].field).toBe('body.comment');
    const extra = await h.user.patch('/api/badges/GOOD', { colour: 'red' });
    expect(extra.status).toBe(400);
    expect(extra.body.details[0].field).toBe('body.colour');
    expect((await h.user.post('/api/badges', { idTag: '' })).status).toBe(400);
    expect((await h.user.get('/api/badges?sort=colour')).status).toBe(400);
  });

  it('lists an unknown badge presented at a station as seen, and enrolls it with one click', async () => {
    const sim = new SimStation({ id: 'CP-002', url: h.app.ocppUrl, tickIntervalMs: 0 });
    try {
      expect(await sim.start()).toBe('Accepted');
      await sim.plugIn(1);
      await sim.presentBadge(1, 'STRANGER');
    } finally {
      await sim.stop();
    }
    const seen = await h.user.get('/api/seen-badges');
    expect(seen.body).toEqual([expect.objectContaining({ idTag: 'STRANGER', lastStationId: 'CP-002', timesSeen: 1 })]);
    const enrolled = await h.user.post('/api/seen-badges/STRANGER/enroll', { comment: 'visitor' });
    expect(enrolled.status).toBe(201);
    expect(enrolled.body).toMatchObject({ idTag: 'STRANGER', authorized: true, comment: 'visitor', lastSeenAt: seen.body[0].lastSeenAt });
    expect((await h.user.get('/api/seen-badges')).body).toEqual([]);
    expect((await h.user.post('/api/seen-badges/STRANGER/enroll', {})).status).toBe(404);
    expect((await h.user.delete('/api/seen-badges/NOBODY')).status).toBe(404);
    await h.user.delete('/api/badges/STRANGER');
  });

  it('imports a station export, replacing the whole list', async () => {
    const r = await h.user.request('PUT', '/api/badges/csv', csv('04A1B2C3;Fleet car\n04D4E5F6;Van;x\nGOOD\n'));
    expect(r.status).toBe(200);
    expect(r.body).toEqual({ format: 'station-export', count: 3, removed: 1 });
    const list = (await h.user.get('/api/badges')).body;
    expect(list.map((b: { idTag: string }) => b.idTag)).toEqual(['04A1B2C3', '04D4E5F6', 'GOOD']);
    expect(list.every((b: { authorized: boolean }) => b.authorized)).toBe(true);
  });

  it('changes nothing when a line is malformed, and names the line', async () => {
    const before = (await h.user.get('/api/badges/csv')).text;
    const r = await h.user.request('PUT', '/api/badges/csv', csv('idTag,authorized,vip,comment\nNEW-1,true,false,a\nNEW-2,perhaps,false,b\nNEW-1,true,false,c\n'));
    expect(r.status).toBe(422);
    expect(r.body).toMatchObject({ error: 'csv-invalid', details: { errors: [{ line: 3 }, { line: 4 }] } });
    expect(r.body.message).toMatch(/line 3: authorized "perhaps"/);
    expect((await h.user.get('/api/badges/csv')).text).toBe(before);
    expect((await h.user.put('/api/badges/csv', { idTag: 'x' })).body).toMatchObject({ error: 'csv-expected' });
  });

  it('exports in its own format, and re-importing the export gives the identical list', async () => {
    await h.user.request('PUT', '/api/badges/csv', csv('idTag,authorized,vip,comment\nA1,true,true,"Dupont, J."\nB2,false,false,\n'));
    const exported = await h.user.get('/api/badges/csv');
    expect(exported.status).toBe(200);
    expect(exported.headers.get('content-type')).toMatch(/^text\/csv/);
    expect(exported.text.split('\n')[0]).toBe('idTag,authorized,vip,comment,registeredAt,lastSeenAt');
    const listBefore = (await h.user.get('/api/badges')).body;
    expect(listBefore).toHaveLength(2);
    const again = await h.admin.request('PUT', '/api/badges/csv', csv(exported.text));
    expect(again.body).toEqual({ format: 'fuseguard', count: 2, removed: 0 });
    expect((await h.user.get('/api/badges')).body).toEqual(listBefore);
    expect((await h.user.get('/api/badges/csv')).text).toBe(exported.text);
  });

  it('needs a login, and records changes in the audit log', async () => {
    expect((await h.anonymous.get('/api/badges')).status).toBe(401);
    const audit = await h.app.store.audit.list({ action: 'badge.import' });
    expect(audit[0]).toMatchObject({ actor: 'root', action: 'badge.import' });
    expect(JSON.parse(audit[0].details ?? '{}')).toMatchObject({ count: 2 });
  });
});
