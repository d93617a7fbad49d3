// W6 with S2/S3 (issue 16, item 11): a live-events stream outlives its request, so it checks its
// caller again every IDENTITY_CHECK_MS and ends with an `end` event once the caller would no longer
// be let in: its user deleted, its session idle past the timeout or logged out, its token revoked.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IDENTITY_CHECK_MS } from '../src/api/routes/events.js';
import { sha256 } from '../src/api/auth/identity.js';
import { ADMIN, ApiClient, startApiHarness, type ApiHarness } from './helpers/api-client.js';
import { waitFor } from './helpers/harness.js';

/** Opens the stream with the client's credentials; `ended` resolves with the whole text once the server ends it. */
async function open(client: ApiClient) {
  const headers: Record<string, string> = {};
  if (client.cookie) headers.cookie = client.cookie;
  if (client.token) headers.authorization = `Bearer ${client.token}`;
  const controller = new AbortController();
  const response = await fetch(`${client.baseUrl}/api/events?types=station`, { headers, signal: controller.signal });
  expect(response.status).toBe(200);
  let text = '';
  let serverEnded = false;
  const ended = (async () => {
    const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) { serverEnded = true; return text; }
        text += value;
      }
    } catch { return text; /* aborted by the test */ }
  })();
  return { ended, text: () => text, serverEnded: () => serverEnded, abort: () => controller.abort() };
}

const endReason = (text: string) => {
  const block = /event: end\ndata: (.*)\n/.exec(text);
  return block ? (JSON.parse(block[1]) as { reason: string }).reason : null;
};

describe('a live-events stream ends with its caller (W6, S2, S3)', () => {
  let h: ApiHarness;
  let n = 0;
  beforeAll(async () => { h = await startApiHarness(); });
  afterAll(async () => { await h?.cleanup(); });

  /** A user of its own, logged in. */
  const newUser = async () => {
    const login = `watcher${++n}`;
    const password = 'W4tcher!pass';
    expect((await h.admin.post('/api/users', { login, password, role: 'user', adminPassword: ADMIN.password })).status).toBeLessThan(300);
    const client = h.client();
    expect((await client.login(login, password)).status).toBe(200);
    return { login, client };
  };

  it('stays open while the caller is still let in', async () => {
    const { client } = await newUser();
    const stream = await open(client);
    await new Promise((resolve) => setTimeout(resolve, IDENTITY_CHECK_MS * 2 + 500));
    expect(stream.serverEnded()).toBe(false);
    expect(endReason(stream.text())).toBeNull();
    stream.abort();
    await stream.ended;
  });

  it('ends when its user is deleted', async () => {
    const { login, client } = await newUser();
    const stream = await open(client);
    expect((await h.admin.delete(`/api/users/${login}`, { body: { adminPassword: ADMIN.password } })).status).toBe(200);
    const text = await stream.ended;
    expect(stream.serverEnded()).toBe(true);
    expect(endReason(text)).toMatch(/session ended|deleted/);
  });

  it('ends when its session has been idle past the timeout, or logged out', async () => {
    const idle = await newUser();
    const stream = await open(idle.client);
    // The session last seen two timeouts ago (the default timeout is 6000 s).
    const idHash = sha256(idle.client.cookie!.split('=')[1]);
    await h.app.store.users.touchSession(idHash, idle.login, Date.now() - 2 * 6_000_000);
    expect(endReason(await stream.ended)).toMatch(/without activity/);

    const leaving = await newUser();
    const second = await open(leaving.client);
    expect((await leaving.client.post('/api/auth/logout')).status).toBeLessThan(300);
    expect(endReason(await second.ended)).toMatch(/session ended/);
  });

  it('ends when its API token is revoked', async () => {
    const created = await h.admin.post('/api/tokens', { name: 'wall-display', role: 'user' });
    expect(created.status).toBe(201);
    const client = h.client();
    client.token = created.body.token;
    const stream = await open(client);
    await waitFor(() => stream.text().includes('Fuseguard live events'), 'the stream open');
    expect((await h.admin.delete(`/api/tokens/${created.body.id}`)).status).toBeLessThan(300);
    expect(endReason(await stream.ended)).toMatch(/revoked/);
  });
});
