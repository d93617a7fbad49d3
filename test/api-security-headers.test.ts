// Issue 14, row 13: every answer carries security headers (@fastify/helmet): a Content Security
// Policy without inline scripts and without framing, nosniff, no referrer; HSTS only under TLS.
import { request as httpsRequest } from 'node:https';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, testSite, type Harness } from './helpers/harness.js';
import { tempDir } from './helpers/temp-dir.js';
import { selfSignedCertificate } from './helpers/tls.js';

/** The directives of a Content-Security-Policy header, by name. */
function directives(header: string | null): Map<string, string[]> {
  return new Map((header ?? '').split(';').map((d) => d.trim().split(/\s+/)).filter((d) => d[0]).map(([name, ...values]) => [name, values]));
}

function expectSecurityHeaders(headers: Headers, where: string): Map<string, string[]> {
  const csp = directives(headers.get('content-security-policy'));
  expect(csp.get('default-src'), where).toEqual(["'self'"]);
  expect(csp.get('script-src'), where).toEqual(["'self'"]);
  expect(csp.get('frame-ancestors'), where).toEqual(["'none'"]);
  expect(csp.get('object-src'), where).toEqual(["'none'"]);
  expect(csp.has('upgrade-insecure-requests'), where).toBe(false); // plain HTTP on a local network
  expect(headers.get('x-frame-options'), where).toBe('DENY');
  expect(headers.get('x-content-type-options'), where).toBe('nosniff');
  expect(headers.get('referrer-policy'), where).toBe('no-referrer');
  expect(headers.get('strict-transport-security'), where).toBeNull();
  return csp;
}

describe('security headers (issue 14, row 13)', () => {
  let h: Harness;
  let base: string;
  beforeAll(async () => {
    h = await startHarness(testSite(), { control: false });
    base = `http://127.0.0.1:${h.app.port}`;
  });
  afterAll(async () => { await h?.cleanup(); });

  it('on the web UI, the API (answers and errors alike) and the health check', async () => {
    for (const path of ['/', '/api/auth/me', '/api/stations', '/healthz', '/api/no-such-route']) {
      const r = await fetch(`${base}${path}`);
      const csp = expectSecurityHeaders(r.headers, path);
      expect(csp.get('style-src'), path).toEqual(["'self'"]);
    }
    const refused = await fetch(`${base}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"login":"x","password":"wrong"}' });
    expect(refused.status).toBe(401);
    expectSecurityHeaders(refused.headers, 'a failed login');
  });

  it('on the API documentation, which allows inline styles (Swagger UI adds one) but no inline script', async () => {
    for (const path of ['/api/docs', '/api/docs/static/index.html', '/api/docs/json']) {
      const r = await fetch(`${base}${path}`);
      expect(r.status, path).toBe(200);
      const csp = expectSecurityHeaders(r.headers, path);
      expect(csp.get('style-src'), path).toEqual(["'self'", "'unsafe-inline'"]);
    }
  });
});

describe('HSTS under TLS (issue 14, row 13)', () => {
  it('is sent when Fuseguard serves HTTPS itself, with upgrade-insecure-requests', async () => {
    const dir = tempDir();
    const { certFile, keyFile } = selfSignedCertificate(dir.path);
    const h = await startHarness(testSite(), { control: false, tls: { certFile, keyFile } });
    try {
      const headers = await new Promise<Record<string, string | string[] | undefined>>((resolve, reject) => {
        httpsRequest({ host: '127.0.0.1', port: h.app.port, path: '/', rejectUnauthorized: false }, (res) => { res.resume(); resolve(res.headers); }).on('error', reject).end();
      });
      expect(headers['strict-transport-security']).toBe('max-age=31536000');
      expect(directives(String(headers['content-security-policy'])).has('upgrade-insecure-requests')).toBe(true);
      expect(headers['x-content-type-options']).toBe('nosniff');
    } finally {
      await h.cleanup();
      dir.cleanup();
    }
  });
});
