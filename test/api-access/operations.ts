// Access cases of the operations: badges, stations and their actions, sessions.
import { SimStation } from '../../src/sim/index.js';
import type { ApiHarness } from '../helpers/api-client.js';
import { waitFor } from '../helpers/harness.js';
import type { AccessCase } from './types.js';

let seq = 0;
const unique = (prefix: string) => `${prefix}${(Date.now() % 1e6).toString(36)}${seq++}`;

async function newBadge(h: ApiHarness): Promise<string> {
  const idTag = unique('B');
  await h.admin.post('/api/badges', { idTag });
  return idTag;
}

/** An unknown badge, presented at a station, through the session service as a station would. */
async function seenBadge(h: ApiHarness): Promise<string> {
  const idTag = unique('S');
  await h.app.sessions.authorize('ACCESS-SEEN', idTag);
  return idTag;
}

const ZONE = 'ACCESS';

/** An admitted station of its own, not connected. */
export async function newStation(h: ApiHarness, prefix = 'ST'): Promise<string> {
  const id = unique(prefix);
  const store = h.app.store;
  if (!(await store.zones.get(ZONE))) {
    await store.zones.upsert({ name: ZONE, parent: null, max_current_a: 63, mode: 'static', meter: null, fallback_current_a: 0, auth_mode: 'lms-allow-all', position: 0 });
  }
  await store.stations.upsertConfig({ id, zone: ZONE, name: null, password_hash: null, vip: 0, auth_mode: null, box_identity: null });
  await store.stations.upsertConnector({ station_id: id, connector_id: 1, phases: 'L1L2L3', min_current_a: null, max_current_a: 32, type: 'AC', max_power_w: null });
  await h.app.reload();
  return id;
}

const sims = new WeakMap<ApiHarness, Promise<SimStation>>();
/** One simulated station per harness, connected (again, after a reset) before each attempt. */
async function connectedStation(h: ApiHarness): Promise<string> {
  if (!sims.has(h)) {
    sims.set(h, (async () => {
      const id = await newStation(h, 'SIM');
      // No reconnecting after the harness is gone; a Reset reconnects by itself.
      const sim = new SimStation({ id, url: h.app.ocppUrl, tickIntervalMs: 0, rebootDelayMs: 50, autoReconnect: false });
      await sim.start();
      return sim;
    })());
  }
  const sim = await (sims.get(h) as Promise<SimStation>);
  // Back from a Reset of an earlier attempt, and registered (boot accepted, D8): before, Fuseguard
  // sends it nothing and a station action is 409.
  await waitFor(() => !sim.isRebooting && h.app.stationServer.isRegistered(sim.id), `${sim.id} connected and registered`, 10_000);
  return sim.id;
}

/** An ongoing session on connector 1 of a station, as its StartTransaction would record it. */
async function ongoingSession(h: ApiHarness, stationId: string): Promise<number> {
  const { transactionId } = await h.app.sessions.start(stationId, { connectorId: 1, idTag: unique('T'), meterStart: 1000, timestamp: new Date().toISOString() });
  return transactionId;
}

const action = (path: string, body: unknown) => async (h: ApiHarness) => ({ path: `/api/stations/${await connectedStation(h)}/${path}`, body });

export const cases: AccessCase[] = [
  // Badges (B3, B4, W7)
  { route: 'GET /api/badges', access: 'user' },
  { route: 'POST /api/badges', access: 'user', request: async () => ({ path: '/api/badges', body: { idTag: unique('N') } }) },
  { route: 'GET /api/badges/{idTag}', access: 'user', request: async (h) => ({ path: `/api/badges/${await newBadge(h)}` }) },
  { route: 'PATCH /api/badges/{idTag}', access: 'user', request: async (h) => ({ path: `/api/badges/${await newBadge(h)}`, body: { vip: true } }) },
  { route: 'DELETE /api/badges/{idTag}', access: 'user', request: async (h) => ({ path: `/api/badges/${await newBadge(h)}` }) },
  { route: 'GET /api/badges/csv', access: 'user' },
  {
    route: 'PUT /api/badges/csv', access: 'user',
    request: async () => ({ path: '/api/badges/csv', raw: { data: 'idTag,authorized,vip,comment\nIMPORTED,true,false,\n', contentType: 'text/csv' } }),
  },
  { route: 'GET /api/seen-badges', access: 'user' },
  { route: 'POST /api/seen-badges/{idTag}/enroll', access: 'user', request: async (h) => ({ path: `/api/seen-badges/${await seenBadge(h)}/enroll`, body: {} }) },
  { route: 'DELETE /api/seen-badges/{idTag}', access: 'user', request: async (h) => ({ path: `/api/seen-badges/${await seenBadge(h)}` }) },

  // Stations (O2, W3, W5) and their actions (O4, O6, O8)
  { route: 'GET /api/stations', access: 'user' },
  { route: 'GET /api/stations/{id}', access: 'user', request: async (h) => ({ path: `/api/stations/${await newStation(h)}` }) },
  { route: 'GET /api/stations/pending', access: 'admin' },
  {
    route: 'POST /api/stations/{id}/admit', access: 'admin',
    request: async (h) => {
      await newStation(h); // the zone
      const id = unique('P');
      await h.app.store.stations.insertPending(id, Date.now(), null);
      return { path: `/api/stations/${id}/admit`, body: { zone: ZONE } };
    },
  },
  // A user may set VIP only (issue 16); the other fields are the admin's (test/api-ops-stations.test.ts).
  {
    route: 'PATCH /api/stations/{id}', access: 'user',
    request: async (h, role) => ({ path: `/api/stations/${await newStation(h)}`, body: role === 'admin' ? { name: 'renamed', vip: true } : { vip: true } }),
  },
  { route: 'DELETE /api/stations/{id}', access: 'admin', request: async (h) => ({ path: `/api/stations/${await newStation(h)}` }) },
  { route: 'GET /api/stations/{id}/commands', access: 'user', request: async (h) => ({ path: `/api/stations/${await connectedStation(h)}/commands` }) },
  { route: 'POST /api/stations/{id}/remote-start', access: 'user', request: action('remote-start', { connectorId: 1, idTag: 'ACCESS' }) },
  // Answered by the station (Rejected: no such transaction): the route itself succeeds.
  { route: 'POST /api/stations/{id}/remote-stop', access: 'user', request: action('remote-stop', { transactionId: 999_999 }) },
  { route: 'POST /api/stations/{id}/reset', access: 'user', request: action('reset', { type: 'Soft' }) },
  { route: 'POST /api/stations/{id}/unlock', access: 'user', request: action('unlock', { connectorId: 1 }) },
  { route: 'POST /api/stations/{id}/availability', access: 'user', request: action('availability', { connectorId: 0, type: 'Operative' }) },
  { route: 'POST /api/stations/{id}/firmware', access: 'admin', request: action('firmware', { location: 'https://example.com/fw.bin' }) },
  { route: 'POST /api/stations/{id}/diagnostics', access: 'admin', request: action('diagnostics', { location: 'ftp://example.com/diag/' }) },
  {
    route: 'POST /api/stations/{id}/force-stop', access: 'user',
    request: async (h) => {
      const id = await newStation(h);
      await ongoingSession(h, id);
      return { path: `/api/stations/${id}/force-stop`, body: { connectorId: 1 } };
    },
  },

  // Sessions (O7, O8, W3, W10)
  { route: 'GET /api/sessions', access: 'user' },
  { route: 'GET /api/sessions/csv', access: 'user' },
  { route: 'GET /api/sessions/{id}', access: 'user', request: async (h) => ({ path: `/api/sessions/${await ongoingSession(h, await newStation(h))}` }) },
  {
    route: 'POST /api/sessions/{id}/stop', access: 'user',
    // The station is asked and answers (Rejected: it knows no such session); the route succeeds.
    request: async (h) => ({ path: `/api/sessions/${await ongoingSession(h, await connectedStation(h))}/stop` }),
  },
  { route: 'POST /api/sessions/{id}/force-stop', access: 'user', request: async (h) => ({ path: `/api/sessions/${await ongoingSession(h, await newStation(h))}/force-stop` }) },
];
