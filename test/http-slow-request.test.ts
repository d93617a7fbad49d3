// Issue 14: a client that trickles a request (a body that never ends) holds its socket only until
// the request timeout; Fastify leaves Node's own timeout off unless told.
import { connect } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from './helpers/harness.js';

describe('slow HTTP requests (issue 14)', () => {
  let h: Harness;
  afterEach(async () => { await h?.cleanup(); });

  it('closes a request whose body does not arrive within the request timeout', async () => {
    h = await startHarness(undefined, { control: false, httpRequestTimeoutMs: 1_000 });
    const socket = connect(h.app.port, '127.0.0.1');
    await new Promise((resolve) => socket.once('connect', resolve));
    let answer = '';
    socket.on('data', (chunk) => { answer += chunk.toString(); });
    const closed = new Promise((resolve) => socket.once('close', resolve));
    socket.write('POST /api/auth/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"login":');
    const dripping = setInterval(() => socket.write(' '), 200);
    try {
      await Promise.race([closed, new Promise((_, reject) => setTimeout(() => reject(new Error('still open after 10 s')), 10_000))]);
    } finally {
      clearInterval(dripping);
      socket.destroy();
    }
    expect(answer).toMatch(/^HTTP\/1\.1 408/);
  });
});
