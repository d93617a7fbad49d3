// HTTP fuzzer (issue 14, proof b): every operation of the OpenAPI document, with bodies, path
// parameters, query strings, headers and content types drawn from its schemas and mutated into
// garbage, as anonymous, user, admin (session) and admin (API token), over real HTTP against a
// real Fuseguard with a connected station. Never a 5xx (the hash gate's 503 `busy` is its
// documented answer), never a hang, never a 2xx for a caller the route does not let in.
//
// Seeded and replayable: FUSEGUARD_HTTP_FUZZ_SEED=<seed> replays a run (the seed is printed at the
// start and on failure); FUSEGUARD_HTTP_FUZZ_RUNS=<requests> runs longer (default 5,000).
//
// Left out for the admin persona only: POST /api/maintenance/factory-reset (it empties the site,
// and every later request would meet 404s instead of the code behind them). Restart is a no-op
// here (onRestart), restore only ever gets bytes that do not decrypt. Whatever a request deletes
// (users, sessions by logout, the token, fixture zones and stations) is put back between batches.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sha256 } from '../src/api/auth/identity.js';
import { hashPassword } from '../src/api/auth/passwords.js';
import { applySite } from '../src/site/apply-site.js';
import { ADMIN, startApiHarness, USER, type ApiHarness } from './helpers/api-client.js';
import { bootRaw, connectRaw, testSite, type RawStation } from './helpers/harness.js';
import { operationsOf, PERSONAS, requestOf, type FuzzRequest, type KnownIds, type OpenApiDocument, type Operation, type Persona } from './helpers/http-fuzz/requests.js';

const REQUESTS = Number(process.env.FUSEGUARD_HTTP_FUZZ_RUNS ?? 5_000);
const SEED = process.env.FUSEGUARD_HTTP_FUZZ_SEED !== undefined ? Number(process.env.FUSEGUARD_HTTP_FUZZ_SEED) : Math.floor(Math.random() * 2 ** 31);
/** Requests sent at once. */
const BATCH = 10;
/** A request not answered in this time is a hang. */
const REQUEST_TIMEOUT_MS = 20_000;
/** The fixture's zones, stations and badges are put back this often (in batches). */
const REAPPLY_EVERY = 20;

const ADMIN_ONLY_EXCLUDED = new Set(['POST /api/maintenance/factory-reset']);
const STATE_CHANGING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
/** ocpp-rpc's state of an open connection. */
const OPEN = 1;

interface Outcome {
  status: number;
  error?: string;
  text: string;
}

describe('HTTP fuzzer (issue 14, proof b)', () => {
  let h: ApiHarness;
  let station: RawStation;
  let token: { id: string; token: string };
  let operations: Operation[];
  let arbitrary: fc.Arbitrary<FuzzRequest[]>;
  const statuses = new Map<number, number>();
  /** Per operation, how many answers of each class (FUSEGUARD_HTTP_FUZZ_DEBUG prints them). */
  const perOperation = new Map<string, Record<string, number>>();

  beforeAll(async () => {
    const site = testSite();
    // Lockouts would only stop the fuzzer's own logins; the personas never log in again.
    site.settings = { ...site.settings, loginLockoutAttempts: 100, loginLockoutS: 1 };
    h = await startApiHarness(site, { onRestart: () => undefined });
    token = (await h.admin.post('/api/tokens', { name: 'fuzz', role: 'admin' })).body as { id: string; token: string };
    // A connected station with an ongoing session, so that commands and session routes have something to act on.
    station = await connectStation();
    const { transactionId } = await station.call('StartTransaction', { connectorId: 1, idTag: 'GOOD', meterStart: 1_000, timestamp: new Date().toISOString() }) as { transactionId: number };
    const doc = await (await fetch(`${h.baseUrl}/api/docs/json`)).json() as OpenApiDocument;
    const parsed = operationsOf(doc);
    operations = parsed.operations;
    const known: KnownIds = (path, name) => {
      if (path.startsWith('/api/stations/') || name === 'stationId') return ['CP-001', 'CP-002', 'CP-003', 'CP-003', 'CP-404'];
      if (path.startsWith('/api/tokens/')) return [token.id, 'nope'];
      if (path.startsWith('/api/sessions/')) return [String(transactionId), '0', '-1', '999999999'];
      if (path.startsWith('/api/inputs/')) return ['in1'];
      if (path.startsWith('/api/zones/')) return ['Main', 'Row A', 'Row B', 'Nowhere'];
      if (path.startsWith('/api/meters/')) return ['meter-1'];
      if (name === 'login') return [USER.login, ADMIN.login, 'admin', 'nobody'];
      if (name === 'idTag') return ['GOOD', 'BLOCKED', 'SEEN-1', 'NOPE'];
      return [];
    };
    const generators = operations.map((op) => requestOf(op, known, parsed.resolve,
      PERSONAS.filter((p) => !(p.startsWith('admin') && ADMIN_ONLY_EXCLUDED.has(`${op.method} ${op.path}`)))));
    arbitrary = fc.array(fc.oneof(...generators), { minLength: BATCH, maxLength: BATCH });
  }, 60_000);

  afterAll(async () => {
    await station?.close({ force: true }).catch(() => undefined);
    await h?.cleanup();
  });

  async function connectStation(): Promise<RawStation> {
    const cp = await connectRaw(h.app.ocppUrl, 'CP-003');
    await bootRaw(cp);
    await cp.call('StatusNotification', { connectorId: 1, errorCode: 'NoError', status: 'Preparing' });
    return cp;
  }

  /** What the server knows the caller as, once its credentials went out as they did. */
  function effectivePersona(r: FuzzRequest): Persona {
    if (r.credentials === 'wrong-bearer') return 'anonymous';
    if (r.credentials === 'wrong-cookie' && (r.persona === 'user' || r.persona === 'admin')) return 'anonymous';
    return r.persona;
  }

  function headersFor(r: FuzzRequest): Record<string, string> {
    const headers = { ...r.headers };
    const client = r.persona === 'user' ? h.user : r.persona === 'admin' ? h.admin : null;
    if (client?.cookie) headers.cookie = r.credentials === 'wrong-cookie' ? 'fg_session=not-a-session' : client.cookie;
    if (client?.csrfToken && r.credentials !== 'no-csrf') headers['x-csrf-token'] = r.credentials === 'wrong-csrf' ? 'wrong' : client.csrfToken;
    if (r.persona === 'admin-token') headers.authorization = `Bearer ${token.token}`;
    if (r.persona === 'anonymous' && r.credentials === 'wrong-cookie') headers.cookie = 'fg_session=not-a-session';
    if (r.credentials === 'wrong-bearer') headers.authorization = 'Bearer fgt_not-a-token';
    return headers;
  }

  async function send(r: FuzzRequest): Promise<Outcome> {
    const response = await fetch(`${h.baseUrl}${r.url}`, {
      method: r.method, headers: headersFor(r), body: r.body, redirect: 'manual', signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    });
    // The live events never end: their headers are the answer.
    if (response.headers.get('content-type')?.includes('text/event-stream')) {
      await response.body?.cancel();
      return { status: response.status, text: '' };
    }
    const text = await response.text();
    let error: string | undefined;
    try { error = (JSON.parse(text) as { error?: string }).error; } catch { /* not JSON */ }
    return { status: response.status, error, text };
  }

  /** The access rule of the route that answers this method and path, if there is one. */
  function accessOf(r: FuzzRequest): string | undefined {
    const method = r.method === 'HEAD' ? 'GET' : r.method;
    return operations.find((op) => op.method === method && op.path === r.operation.path)?.access;
  }

  function problemsOf(r: FuzzRequest, outcome: Outcome): string[] {
    const problems: string[] = [];
    const ok = outcome.status >= 200 && outcome.status < 300;
    const persona = effectivePersona(r);
    const access = accessOf(r);
    if (outcome.status >= 500 && !(outcome.status === 503 && outcome.error === 'busy')) problems.push(`answered ${outcome.status}`);
    if (ok && access === undefined) problems.push(`2xx from a method the operation does not have`);
    if (ok && persona === 'anonymous' && access !== 'public') problems.push(`2xx for an anonymous caller on a "${access}" route`);
    if (ok && persona === 'user' && access === 'admin') problems.push('2xx for a user on an admin route');
    if (ok && (r.persona === 'user' || r.persona === 'admin') && (r.credentials === 'no-csrf' || r.credentials === 'wrong-csrf') && STATE_CHANGING.has(r.method)) {
      problems.push('2xx for a session without its CSRF token');
    }
    return problems;
  }

  const describeRequest = (r: FuzzRequest) => {
    const body = r.body === undefined ? '' : typeof r.body === 'string' ? r.body : `<${r.body.length} bytes>`;
    return `${r.persona}/${r.credentials} ${r.method} ${r.url.slice(0, 300)} headers=${JSON.stringify(r.headers).slice(0, 300)} body=${JSON.stringify(body.slice(0, 300))}${body.length > 300 ? `… (${body.length} chars)` : ''}`;
  };

  /** Puts back what the requests deleted: the user, the personas' sessions, the token; now and then the fixture. */
  async function repair(batch: number): Promise<void> {
    const users = h.app.store.users;
    const at = Date.now();
    if (!(await users.get(USER.login))) {
      await users.insert({ login: USER.login, role: 'user', password_hash: await hashPassword(USER.password), must_change: 0, created_at: at, updated_at: at });
    }
    for (const [client, login] of [[h.admin, ADMIN.login], [h.user, USER.login]] as const) {
      const idHash = sha256((client.cookie ?? '').replace(/^fg_session=/, ''));
      if (await users.getSession(idHash)) await users.touchSession(idHash, login, at);
      else await users.insertSession({ id_hash: idHash, login, csrf_token: client.csrfToken ?? '', created_at: at, last_seen_at: at, remote_address: '127.0.0.1' });
    }
    if ((await users.getToken(token.id))?.revoked_at) await users.updateToken(token.id, { revoked_at: null });
    if (batch % REAPPLY_EVERY === 0) {
      // Merging the fixture back may clash with what the admin persona built meanwhile: then it stays as it is.
      const site = testSite();
      await applySite(h.app.store, { ...site, settings: { ...site.settings, loginLockoutAttempts: 100, loginLockoutS: 1 } }, at).catch(() => undefined);
      await h.app.reload();
      // The station was deleted, reset or let go meanwhile: it comes back.
      if (station.state !== OPEN) station = await connectStation().catch(() => station);
    }
  }

  it(`${REQUESTS} requests: never a 5xx, never a hang, never a 2xx for a caller the route does not let in`, async () => {
    console.log(`HTTP fuzz: seed ${SEED} (replay: FUSEGUARD_HTTP_FUZZ_SEED=${SEED}), ${REQUESTS} requests over ${operations.length} operations`);
    let batch = 0;
    const property = fc.asyncProperty(arbitrary, async (requests) => {
      await repair(batch++);
      const outcomes = await Promise.all(requests.map((r) => send(r).catch((error: unknown): Outcome => ({ status: 0, text: `no answer: ${String(error)}` }))));
      const problems = requests.flatMap((r, i) => {
        const o = outcomes[i];
        statuses.set(o.status, (statuses.get(o.status) ?? 0) + 1);
        const key = `${r.operation.method} ${r.operation.path}`;
        const counts = perOperation.get(key) ?? {};
        const cls = o.status >= 400 && o.status < 500 ? `${o.status} ${o.error ?? ''}` : `${Math.floor(o.status / 100)}xx`;
        counts[cls] = (counts[cls] ?? 0) + 1;
        perOperation.set(key, counts);
        const found = o.status === 0 ? [o.text] : problemsOf(r, o);
        return found.map((p) => `${p}: ${describeRequest(r)} → ${o.status} ${o.text.slice(0, 300)}`);
      });
      if (problems.length > 0) throw new Error(problems.join('\n'));
    });
    const result = await fc.check(property, { seed: SEED, numRuns: Math.ceil(REQUESTS / BATCH), endOnFailure: true });
    console.log(`HTTP fuzz: statuses ${JSON.stringify(Object.fromEntries([...statuses].sort((a, b) => a[0] - b[0])))}`);
    if (process.env.FUSEGUARD_HTTP_FUZZ_DEBUG) for (const [key, counts] of [...perOperation].sort()) console.log(`${key} ${JSON.stringify(counts)}`);
    if (result.failed) {
      const message = result.errorInstance instanceof Error ? result.errorInstance.message : String(result.errorInstance);
      throw new Error(`HTTP fuzz failed after ${result.numRuns} batches of ${BATCH}; replay with FUSEGUARD_HTTP_FUZZ_SEED=${SEED}\n${message}`);
    }
    expect([...statuses.values()].reduce((a, b) => a + b, 0)).toBeGreaterThanOrEqual(REQUESTS);
    // The server is still there and still knows its admin (whose session the last batch may have
    // ended by a logout: put back as between batches).
    await repair(batch);
    expect((await h.admin.get('/api/auth/me')).status).toBe(200);
  }, 600_000);
});
