// S3 (issue 16, item 4): the users page says when each user was last seen, and deleting a user
// takes the admin's own password, as adding one and setting a password do.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN, startApiHarness, USER, type ApiHarness } from './helpers/api-client.js';

describe('users: last access and a confirmed delete (S3)', () => {
  let h: ApiHarness;
  beforeAll(async () => { h = await startApiHarness(); });
  afterAll(async () => { await h?.cleanup(); });

  const listed = async (login: string) => ((await h.admin.get('/api/users')).body as { login: string; lastAccessAt: number | null }[]).find((u) => u.login === login);

  it('shows when each user was last seen: never before a login, the login time after', async () => {
    expect((await h.admin.post('/api/users', { login: 'night-shift', password: 'N1ght!shift', role: 'user', adminPassword: ADMIN.password })).status).toBe(201);
    expect((await listed('night-shift'))?.lastAccessAt).toBeNull();
    const before = Date.now();
    expect((await h.client().login('night-shift', 'N1ght!shift')).status).toBe(200);
    const seen = (await listed('night-shift'))?.lastAccessAt;
    expect(seen).toBeGreaterThanOrEqual(before);
    expect(seen).toBeLessThanOrEqual(Date.now());
    expect((await listed(USER.login))?.lastAccessAt).toBeGreaterThan(0); // the harness logged it in
  });

  it('deletes a user only with the admin\'s own password, and changes nothing otherwise', async () => {
    expect((await h.admin.post('/api/users', { login: 'leaver', password: 'L3aver!pass', role: 'user', adminPassword: ADMIN.password })).status).toBe(201);
    const bare = await h.admin.delete('/api/users/leaver');
    expect(bare.status).toBe(400); // no body: the password is asked for
    expect(bare.body).toMatchObject({ error: 'invalid-request' });
    const empty = await h.admin.delete('/api/users/leaver', { body: {} });
    expect(empty.body).toMatchObject({ details: [{ field: 'body.adminPassword', message: 'is required' }] });
    const wrong = await h.admin.delete('/api/users/leaver', { body: { adminPassword: 'Wr0ng!pass' } });
    expect(wrong.status).toBe(403);
    expect(wrong.body).toMatchObject({ error: 'wrong-password' });
    expect(await listed('leaver')).toBeDefined();
    const done = await h.admin.delete('/api/users/leaver', { body: { adminPassword: ADMIN.password } });
    expect(done.status).toBe(200);
    expect(await listed('leaver')).toBeUndefined();
    const audit = await h.admin.get('/api/audit?action=user.delete');
    expect(audit.body.entries.some((e: { target: string }) => e.target === 'leaver')).toBe(true);
  });
});
