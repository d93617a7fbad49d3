// S1–S3 over real HTTP: the factory admin, the password policy, lockout, idle timeout, CSRF,
// API tokens, user management rules, and errors that name the field.
import { afterEach, describe, expect, it } from 'vitest';
import { ADMIN, ApiClient, startApiHarness, USER, type ApiHarness } from './helpers/api-client.js';
import { startHarness, type Harness } from './helpers/harness.js';

describe('API security', () => {
  let h: Harness | ApiHarness | undefined;
  afterEach(async () => { await h?.cleanup(); h = undefined; });

  it('the factory admin can do nothing but replace its login and password (S2)', async () => {
    h = await startHarness();
    const client = new ApiClient(`http://127.0.0.1:${h.app.port}`);
    const login = await client.login('admin', 'ADMIN');
    expect(login.body).toMatchObject({ login: 'admin', role: 'admin', mustChangeCredentials: true });
    expect((await client.get('/api/users')).body).toMatchObject({ error: 'credentials-change-required' });
    expect((await client.post('/api/tokens', { name: 'x', role: 'admin' })).status).toBe(403);

    const keepLogin = await client.put('/api/users/me/credentials', { currentPassword: 'ADMIN', password: 'G00d!pass' });
    expect(keepLogin.status).toBe(422);
    expect(keepLogin.body).toMatchObject({ error: 'login-policy' });
    const stillAdmin = await client.put('/api/users/me/credentials', { currentPassword: 'ADMIN', login: 'ADMIN', password: 'G00d!pass' });
    expect(stillAdmin.body).toMatchObject({ error: 'login-policy' });
    const weak = await client.put('/api/users/me/credentials', { currentPassword: 'ADMIN', login: 'chief', password: 'weakpass' });
    expect(weak.status).toBe(422);
    expect(weak.body).toMatchObject({ error: 'password-policy', details: { field: 'body.password', problems: ['an upper-case letter', 'a digit', 'a special character'] } });
    const wrongCurrent = await client.put('/api/users/me/credentials', { currentPassword: 'nope', login: 'chief', password: 'G00d!pass' });
    expect(wrongCurrent.status).toBe(403);

    const replaced = await client.put('/api/users/me/credentials', { currentPassword: 'ADMIN', login: 'chief', password: 'G00d!pass' });
    expect(replaced.status).toBe(200);
    expect(replaced.body).toMatchObject({ login: 'chief', role: 'admin', mustChangeCredentials: false });
    expect((await client.get('/api/users')).status).toBe(200); // the same session goes on, now unrestricted
    expect((await new ApiClient(client.baseUrl).login('admin', 'ADMIN')).status).toBe(401);
    expect((await new ApiClient(client.baseUrl).login('chief', 'G00d!pass')).status).toBe(200);
  });

  it('locks a login out after the configured failures, for the configured time (S2)', async () => {
    h = await startApiHarness({ settings: { loginLockoutAttempts: 3, loginLockoutS: 1 } });
    const client = (h as ApiHarness).client();
    for (let i = 0; i < 3; i++) expect((await client.login(USER.login, 'wrong')).status).toBe(401);
    const locked = await client.login(USER.login, USER.password);
    expect(locked.status).toBe(429);
    expect(locked.body).toMatchObject({ error: 'locked-out' });
    expect(Number(locked.headers.get('retry-after'))).toBeGreaterThan(0);
    await new Promise((r) => setTimeout(r, 1_100));
    expect((await client.login(USER.login, USER.password)).status).toBe(200);
  });

  it('behind a proxy, locks out the address the proxy appended, whatever the client wrote before it (issue 14)', async () => {
    h = await startApiHarness({ settings: { loginLockoutAttempts: 3, loginLockoutS: 60, network: { trustProxy: true } } });
    const client = (h as ApiHarness).client();
    const from = (spoofed: string) => ({ headers: { 'x-forwarded-for': `${spoofed}, 203.0.113.5` } });
    // Three logins, three failures each under its own name: only the address can lock them out.
    for (let i = 0; i < 3; i++) expect((await client.post('/api/auth/login', { login: `nobody${i}`, password: 'Wrong!pass1' }, from(`192.0.2.${i}`))).status).toBe(401);
    expect((await client.post('/api/auth/login', { login: USER.login, password: USER.password }, from('192.0.2.200'))).status).toBe(429);
    const other = await client.post('/api/auth/login', { login: USER.login, password: USER.password }, { headers: { 'x-forwarded-for': '198.51.100.1' } });
    expect(other.status, other.text).toBe(200);
  });

  it('ends a session after the idle timeout, and keeps an active one (S2)', async () => {
    let offsetMs = 0;
    h = await startApiHarness(undefined, { now: () => Date.now() + offsetMs });
    const { user } = h as ApiHarness;
    offsetMs += 5_999_000; // just under 6000 s of idleness
    expect((await user.get('/api/auth/me')).status).toBe(200);
    offsetMs += 5_999_000; // idle again, counted from the last request
    expect((await user.get('/api/auth/me')).status).toBe(200);
    offsetMs += 6_001_000;
    const expired = await user.get('/api/auth/me');
    expect(expired.status).toBe(401);
    expect(expired.body).toMatchObject({ error: 'session-expired' });
    expect((await user.get('/api/auth/me')).status).toBe(401); // the session is gone
  });

  it('refuses a state change without the session CSRF token, and changes nothing (S2)', async () => {
    h = await startApiHarness();
    const { admin } = h as ApiHarness;
    const body = { login: 'intruder', password: 'G00d!pass', role: 'admin', adminPassword: ADMIN.password };
    const missing = await admin.post('/api/users', body, { noCsrf: true });
    expect(missing.status).toBe(403);
    expect(missing.body).toMatchObject({ error: 'csrf' });
    const wrong = await admin.post('/api/users', body, { noCsrf: true, headers: { 'x-csrf-token': 'forged' } });
    expect(wrong.status).toBe(403);
    const users = (await admin.get('/api/users')).body as { login: string }[];
    expect(users.map((u) => u.login)).not.toContain('intruder');
  });

  it('API tokens carry a role, are shown once, need no CSRF, and stop working when revoked (W1)', async () => {
    h = await startApiHarness();
    const { admin, baseUrl } = h as ApiHarness;
    const created = await admin.post('/api/tokens', { name: 'prometheus', role: 'user' });
    expect(created.status).toBe(201);
    const token = created.body.token as string;
    expect(token).toMatch(/^fgt_/);
    const list = await admin.get('/api/tokens');
    expect(list.text).not.toContain(token);
    expect(list.body[0]).not.toHaveProperty('token');

    const integration = new ApiClient(baseUrl);
    integration.token = token;
    expect((await integration.get('/api/auth/me')).body).toMatchObject({ login: 'token:prometheus', role: 'user', via: 'token' });
    expect((await integration.get('/api/users')).status).toBe(403); // a user token on an admin route
    const adminToken = (await admin.post('/api/tokens', { name: 'script', role: 'admin' })).body.token as string;
    const script = new ApiClient(baseUrl);
    script.token = adminToken;
    const made = await script.post('/api/users', { login: 'bot', password: 'G00d!pass', role: 'user', adminPassword: 'x' });
    expect(made.status).toBe(403); // a token has no password to confirm with (S3)
    expect((await script.post('/api/tokens', { name: 'another', role: 'user' })).status).toBe(201); // no CSRF needed

    expect((await admin.delete(`/api/tokens/${created.body.id}`)).status).toBe(200);
    const revoked = await integration.get('/api/auth/me');
    expect(revoked.status).toBe(401);
    expect(revoked.body).toMatchObject({ error: 'invalid-token' });
    const audit = await h.app.store.audit.list();
    expect(audit.map((a) => a.action)).toEqual(expect.arrayContaining(['token.create', 'token.revoke']));
    expect(JSON.stringify(audit)).not.toContain(token);
  });

  it('manages users: own password to add, last admin kept, duplicates and bad bodies named (S3)', async () => {
    h = await startApiHarness();
    const { admin, user } = h as ApiHarness;
    const wrongOwn = await admin.post('/api/users', { login: 'ann', password: 'G00d!pass', role: 'user', adminPassword: 'wrong' });
    expect(wrongOwn.status).toBe(403);
    expect(wrongOwn.body).toMatchObject({ error: 'wrong-password' });
    const duplicate = await admin.post('/api/users', { login: USER.login, password: 'G00d!pass', role: 'user', adminPassword: ADMIN.password });
    expect(duplicate.status).toBe(409);
    expect(duplicate.body).toMatchObject({ error: 'duplicate-login' });
    const missing = await admin.post('/api/users', { login: 'ann', role: 'user', adminPassword: ADMIN.password });
    expect(missing.status).toBe(400);
    expect(missing.body).toMatchObject({ error: 'invalid-request', details: [{ field: 'body.password', message: 'is required' }] });
    const extra = await admin.post('/api/users', { login: 'ann', password: 'G00d!pass', role: 'user', adminPassword: ADMIN.password, isRoot: true });
    expect(extra.body).toMatchObject({ details: [{ field: 'body.isRoot', message: 'is not a known field' }] });
    const badRole = await admin.post('/api/users', { login: 'ann', password: 'G00d!pass', role: 'god', adminPassword: ADMIN.password });
    expect(badRole.status).toBe(400);
    expect(badRole.body.message).toContain('body.role');

    const lastAdmin = await admin.delete(`/api/users/${ADMIN.login}`, { body: { adminPassword: ADMIN.password } });
    expect(lastAdmin.status).toBe(409);
    expect(lastAdmin.body).toMatchObject({ error: 'last-admin' });
    expect((await admin.delete('/api/users/nobody', { body: { adminPassword: ADMIN.password } })).status).toBe(404);

    // A password set by the admin ends the user's sessions.
    expect((await admin.put(`/api/users/${USER.login}/password`, { password: 'N3w!passw0rd', adminPassword: ADMIN.password })).status).toBe(200);
    expect((await user.get('/api/auth/me')).status).toBe(401);
    expect((await user.login(USER.login, 'N3w!passw0rd')).status).toBe(200);
  });

  it('sets the session cookie HttpOnly and SameSite=Strict, and logout ends the session (S2)', async () => {
    h = await startApiHarness();
    const response = await fetch(`${(h as ApiHarness).baseUrl}/api/auth/login`, {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(USER),
    });
    const cookie = response.headers.getSetCookie().find((c) => c.startsWith('fg_session=')) ?? '';
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Strict/i);
    expect(cookie).not.toMatch(/Secure/i); // plain HTTP here; under TLS it is Secure
    const { user } = h as ApiHarness;
    expect((await user.post('/api/auth/logout')).status).toBe(200);
    expect((await user.get('/api/auth/me')).status).toBe(401);
  });
});
