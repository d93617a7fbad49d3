// Authentication modes and offline policies (B1, B2) against simulated stations over real sockets.
import { afterEach, describe, expect, it } from 'vitest';
import type { OfflineAuthMode } from '../src/auth/auth-mode.js';
import { RPCClient } from '../src/ocpp/rpc.js';
import { SimStation } from '../src/sim/index.js';
import type { LocalAuth } from '../src/sim/local-auth.js';
import { exportSite } from '../src/site/export-site.js';
import type { SiteFile } from '../src/site/site-schema.js';
import { startApiHarness, type ApiHarness } from './helpers/api-client.js';
import { bootRaw, waitFor, type RawStation } from './helpers/harness.js';

const POLICIES: OfflineAuthMode[] = ['allow-all', 'reject', 'reject-except-cached'];

const site = (): SiteFile => ({
  settings: { freeModeIdTag: 'FREE-TAG' },
  zones: [
    { name: 'Free', maxCurrentA: 32, mode: 'static', authMode: 'free' },
    { name: 'Remote', maxCurrentA: 32, mode: 'static', authMode: 'remote-only' },
    { name: 'List', maxCurrentA: 32, mode: 'static', authMode: 'station-list', offlineAuthMode: 'reject' },
    {
      name: 'Cpo', maxCurrentA: 63, mode: 'static', authMode: 'cpo', offlineAuthMode: 'allow-all',
      children: [{ name: 'Cpo reject', maxCurrentA: 32, mode: 'static', offlineAuthMode: 'reject' }],
    },
  ],
  stations: [
    { id: 'FREE-1', zone: 'Free', connectors: [{ id: 1 }] },
    { id: 'REMOTE-1', zone: 'Remote', connectors: [{ id: 1 }] },
    { id: 'LIST-1', zone: 'List', connectors: [{ id: 1 }] },
    { id: 'CPO-ALLOW', zone: 'Cpo', connectors: [{ id: 1 }] },
    { id: 'CPO-REJECT', zone: 'Cpo reject', connectors: [{ id: 1 }] },
    { id: 'CPO-CACHED', zone: 'Cpo', offlineAuthMode: 'reject-except-cached', connectors: [{ id: 1 }] },
  ],
  badges: [{ idTag: 'GOOD', authorized: true }, { idTag: 'BLOCKED', authorized: false }],
});

describe('authentication modes (B1) and offline policies (B2)', () => {
  let h: ApiHarness;
  const sims: SimStation[] = [];
  const raws: RawStation[] = [];
  afterEach(async () => {
    await Promise.all(sims.splice(0).map((s) => s.stop()));
    await Promise.all(raws.splice(0).map((r) => r.close({ force: true })));
    await h?.cleanup();
  });

  const startSim = async (id: string) => {
    const sim = new SimStation({ id, url: h.app.ocppUrl, tickIntervalMs: 100 });
    sims.push(sim);
    expect(await sim.start()).toBe('Accepted');
    return sim;
  };
  /** `key=value` of every ChangeConfiguration the station receives from now on, in order. */
  const receivedKeys = (sim: SimStation) => {
    const keys: string[] = [];
    sim.on('call', ({ method, params }) => {
      if (method === 'ChangeConfiguration') keys.push(`${(params as { key: string }).key}=${(params as { value: string }).value}`);
    });
    return keys;
  };
  const localList = (sim: SimStation) => (sim as unknown as { auth: LocalAuth }).auth;
  const sessionsOf = async (stationId: string) => h.app.store.transactions.list({ stationId });

  it('free: a car that plugs in is started by Fuseguard with the configured idTag, no badge', async () => {
    h = await startApiHarness(site(), { control: { debounceMs: 20 } });
    const sim = await startSim('FREE-1');
    await waitFor(() => sim.config.get('AuthorizeRemoteTxRequests') === 'false', 'free-mode keys set');
    await sim.plugIn(1);
    await waitFor(() => sim.transactionId(1) !== undefined, 'a transaction on plug-in', 10_000);
    const [session] = await sessionsOf('FREE-1');
    expect(session).toMatchObject({ id_tag: 'FREE-TAG', auth_status: 'Accepted', connector_id: 1 });
    // A badge at the reader is refused: RFID is disabled.
    expect((await h.app.sessions.authorize('FREE-1', 'GOOD')).status).toBe('Invalid');
  });

  it('remote-only: a badge is refused, a remote start through the API charges', async () => {
    h = await startApiHarness(site(), { control: { debounceMs: 20 } });
    const sim = await startSim('REMOTE-1');
    await waitFor(() => sim.config.get('LocalPreAuthorize') === 'false' && sim.config.get('AuthorizeRemoteTxRequests') === 'false', 'remote-only keys set');
    await sim.plugIn(1);
    const badge = await sim.presentBadge(1, 'GOOD');
    expect(badge.authorizeStatus).toBe('Invalid');
    expect(badge.started).toBe(false);
    const start = await h.user.post('/api/stations/REMOTE-1/remote-start', { connectorId: 1, idTag: 'APP-USER-7' });
    expect(start.status).toBe(200);
    expect(start.body).toMatchObject({ accepted: true });
    await waitFor(() => sim.transactionId(1) !== undefined, 'the remote start charging');
    await waitFor(async () => (await sessionsOf('REMOTE-1')).length === 1, 'the session stored');
    expect((await sessionsOf('REMOTE-1'))[0]).toMatchObject({ id_tag: 'APP-USER-7', auth_status: 'Accepted' });
  });

  it('station-list: the badge list is pushed at boot and on change, and the station decides', async () => {
    h = await startApiHarness(site(), { control: { debounceMs: 20 } });
    const sim = await startSim('LIST-1');
    await waitFor(() => localList(sim).listVersion > 0, 'the local list pushed');
    expect(sim.config.get('LocalAuthListEnabled')).toBe('true');
    expect(sim.config.get('LocalPreAuthorize')).toBe('true');
    expect(localList(sim).lookup('GOOD', Date.now(), true, false)?.status).toBe('Accepted');
    expect(localList(sim).lookup('BLOCKED', Date.now(), true, false)?.status).toBe('Blocked');
    const version = localList(sim).listVersion;

    await sim.plugIn(1);
    const good = await sim.presentBadge(1, 'GOOD');
    expect(good).toMatchObject({ authorizeStatus: 'Accepted', started: true, local: true }); // the station's list decided

    const added = await h.user.post('/api/badges', { idTag: 'NEWCOMER' });
    expect(added.status).toBe(201);
    await waitFor(() => localList(sim).lookup('NEWCOMER', Date.now(), true, false)?.status === 'Accepted', 'the new badge on the station');
    expect(localList(sim).listVersion).toBeGreaterThan(version); // a boot provisions on connect and on boot: one push or two
    // B2 reject: not even the list works offline.
    expect(sim.config.get('LocalAuthorizeOffline')).toBe('false');
  });

  it('sets the B2 configuration keys at boot, per offline policy', async () => {
    h = await startApiHarness(site(), { control: { debounceMs: 20 } });
    const expected: Record<string, Record<string, string>> = {
      'CPO-ALLOW': { LocalAuthorizeOffline: 'true', AllowOfflineTxForUnknownId: 'true', AuthorizationCacheEnabled: 'true' },
      'CPO-REJECT': { LocalAuthorizeOffline: 'false', AllowOfflineTxForUnknownId: 'false', AuthorizationCacheEnabled: 'false' },
      'CPO-CACHED': { LocalAuthorizeOffline: 'true', AllowOfflineTxForUnknownId: 'false', AuthorizationCacheEnabled: 'true' },
    };
    for (const [id, keys] of Object.entries(expected)) {
      // Start from the opposite of what the policy wants, so each key must be changed.
      const sim = new SimStation({
        id, url: h.app.ocppUrl, tickIntervalMs: 100,
        config: Object.fromEntries(Object.entries(keys).map(([k, v]) => [k, v === 'true' ? 'false' : 'true'])),
      });
      sims.push(sim);
      expect(await sim.start()).toBe('Accepted');
      await waitFor(() => Object.entries(keys).every(([k, v]) => sim.config.get(k) === v), `${id}: keys set`);
      expect(sim.config.get('LocalAuthListEnabled')).toBe('false'); // cpo: no station list
    }
  });

  it('a mode or policy changed through the API reaches a connected station at once, without load management', async () => {
    h = await startApiHarness(site(), { control: false });
    const sim = await startSim('LIST-1');
    const keys = receivedKeys(sim);
    await waitFor(() => sim.config.get('LocalAuthListEnabled') === 'true' && sim.config.get('AllowOfflineTxForUnknownId') === 'false', 'station-list and reject keys at connection');
    expect((await h.admin.patch('/api/stations/LIST-1', { offlineAuthMode: 'allow-all' })).status).toBe(200);
    // The provisionings run one after the other: once the last allow-all key has arrived, nothing
    // is left of the earlier ones (the connection's and the boot's).
    await expect.poll(() => keys.slice(-3)).toEqual(['LocalAuthorizeOffline=true', 'AllowOfflineTxForUnknownId=true', 'AuthorizationCacheEnabled=true']);
    let mark = keys.length;
    expect((await h.admin.put('/api/zones/List', { maxCurrentA: 32, mode: 'static', authMode: 'free', offlineAuthMode: 'reject' })).status).toBe(200);
    // Every key of free + allow-all (the station's own policy) has reached the station, the last one included.
    await expect.poll(() => keys.slice(mark)).toEqual([
      'LocalAuthListEnabled=false', 'LocalPreAuthorize=false', 'AuthorizeRemoteTxRequests=false',
      'LocalAuthorizeOffline=true', 'AllowOfflineTxForUnknownId=true', 'AuthorizationCacheEnabled=true',
    ]);
    // Only what changed: a change that keeps the policy sends nothing; the next one (reconciled in
    // order after it) sends the six keys of free + reject, and nothing else.
    const sent = (await h.app.store.commands.listForStation('LIST-1', 500)).length;
    mark = keys.length;
    expect((await h.admin.patch('/api/stations/LIST-1', { name: 'Renamed' })).status).toBe(200);
    expect((await h.admin.patch('/api/stations/LIST-1', { offlineAuthMode: 'reject' })).status).toBe(200);
    await expect.poll(() => keys.slice(mark)).toEqual([
      'LocalAuthListEnabled=false', 'LocalPreAuthorize=false', 'AuthorizeRemoteTxRequests=false',
      'LocalAuthorizeOffline=false', 'AllowOfflineTxForUnknownId=false', 'AuthorizationCacheEnabled=false',
    ]);
    await expect.poll(async () => (await h.app.store.commands.listForStation('LIST-1', 500)).length).toBe(sent + 6);
    const after = await h.app.store.commands.listForStation('LIST-1', 500);
    expect(after.slice(0, 6).every((c) => c.action === 'ChangeConfiguration')).toBe(true);
  });

  it('leaving station-list turns off what it turned on: for an lms-* mode too, and also when the change came while the station was away', async () => {
    h = await startApiHarness(site(), { control: false });
    const sim = await startSim('LIST-1');
    const keys = receivedKeys(sim);
    await waitFor(() => localList(sim).listVersion > 0, 'station-list provisioned');
    expect(sim.config.get('LocalAuthListEnabled')).toBe('true');
    expect(sim.config.get('LocalPreAuthorize')).toBe('true');

    // To lms-known-badges, while connected: Fuseguard decides, the station's list and
    // pre-authorization are off. (After the connection's and the boot's provisionings, which may
    // still be sending: the last keys.)
    expect((await h.admin.put('/api/zones/List', { maxCurrentA: 32, mode: 'static', authMode: 'lms-known-badges', offlineAuthMode: 'reject' })).status).toBe(200);
    await expect.poll(() => keys.slice(-5)).toEqual([
      'LocalAuthListEnabled=false', 'LocalPreAuthorize=false',
      'LocalAuthorizeOffline=false', 'AllowOfflineTxForUnknownId=false', 'AuthorizationCacheEnabled=false',
    ]);
    expect(sim.config.get('LocalAuthListEnabled')).toBe('false');
    expect(sim.config.get('LocalPreAuthorize')).toBe('false');
    // Back to station-list, then to lms-allow-all while the station is away: at its return.
    let mark = keys.length;
    expect((await h.admin.put('/api/zones/List', { maxCurrentA: 32, mode: 'static', authMode: 'station-list', offlineAuthMode: 'reject' })).status).toBe(200);
    await expect.poll(() => keys.slice(mark)).toEqual([
      'LocalAuthListEnabled=true', 'LocalPreAuthorize=true',
      'LocalAuthorizeOffline=false', 'AllowOfflineTxForUnknownId=false', 'AuthorizationCacheEnabled=false',
    ]);
    await sim.goOffline();
    await waitFor(async () => (await h.app.store.stations.get('LIST-1'))?.connected === 0, 'the station away');
    expect((await h.admin.put('/api/zones/List', { maxCurrentA: 32, mode: 'static', authMode: 'lms-allow-all', offlineAuthMode: 'reject' })).status).toBe(200);
    mark = keys.length;
    expect(await sim.goOnline()).toBe('Accepted');
    await waitFor(() => sim.config.get('LocalAuthListEnabled') === 'false' && sim.config.get('LocalPreAuthorize') === 'false', 'station-list keys off at the return');
    // Once: the provisioning at the boot that follows (and any after) sets no mode keys, as
    // before, nor does this change of policy (run after them).
    expect((await h.admin.patch('/api/stations/LIST-1', { offlineAuthMode: 'allow-all' })).status).toBe(200);
    await expect.poll(() => keys.slice(-3)).toEqual(['LocalAuthorizeOffline=true', 'AllowOfflineTxForUnknownId=true', 'AuthorizationCacheEnabled=true']);
    expect(keys.slice(mark).filter((k) => k.startsWith('LocalAuthListEnabled') || k.startsWith('LocalPreAuthorize'))).toEqual(['LocalAuthListEnabled=false', 'LocalPreAuthorize=false']);

    // To cpo: off as well.
    expect((await h.admin.put('/api/zones/List', { maxCurrentA: 32, mode: 'static', authMode: 'station-list', offlineAuthMode: 'reject' })).status).toBe(200);
    await waitFor(() => sim.config.get('LocalAuthListEnabled') === 'true', 'station-list keys again');
    expect((await h.admin.put('/api/zones/List', { maxCurrentA: 32, mode: 'static', authMode: 'cpo', offlineAuthMode: 'reject' })).status).toBe(200);
    await waitFor(() => sim.config.get('LocalAuthListEnabled') === 'false' && sim.config.get('LocalPreAuthorize') === 'false', 'cpo keys');
  });

  it('keys a station did not answer (timeout) are sent again at the next reconcile; answered ones are not', async () => {
    h = await startApiHarness(site(), { control: false, commandTimeoutMs: 300 });
    const received: string[] = [];
    let answer: (key: string) => Promise<{ status: string }> = (key) => (key === 'LocalPreAuthorize' ? new Promise(() => {}) : Promise.resolve({ status: 'Accepted' }));
    const station = new RPCClient({
      endpoint: h.app.ocppUrl, identity: 'REMOTE-1', protocols: ['ocpp1.6'], reconnect: false, strictMode: false,
    } as ConstructorParameters<typeof RPCClient>[0]);
    station.handle('ChangeConfiguration', ({ params }) => {
      const { key, value } = params as { key: string; value: string };
      received.push(`${key}=${value}`);
      return answer(key);
    });
    raws.push(station);
    await station.connect();
    await bootRaw(station); // D8: nothing is sent to a station before its boot is accepted
    // remote-only: three keys; the second one goes unanswered, and the run stops there.
    await expect.poll(() => received).toEqual(['LocalAuthListEnabled=false', 'LocalPreAuthorize=false']);
    await expect.poll(async () => (await h.app.store.commands.listForStation('REMOTE-1'))[0]?.outcome).toBe('timeout');

    // Any configuration change reconciles: the station gets its keys again. One is refused now:
    // an answer, logged, not asked again.
    answer = (key) => Promise.resolve({ status: key === 'AuthorizeRemoteTxRequests' ? 'Rejected' : 'Accepted' });
    expect((await h.admin.patch('/api/stations/REMOTE-1', { name: 'First' })).status).toBe(200);
    await expect.poll(() => received.slice(2)).toEqual(['LocalAuthListEnabled=false', 'LocalPreAuthorize=false', 'AuthorizeRemoteTxRequests=false']);
    expect((await h.admin.patch('/api/stations/REMOTE-1', { name: 'Second' })).status).toBe(200);
    // Reconciled in order after the rename: only the offline keys' run follows.
    expect((await h.admin.patch('/api/stations/REMOTE-1', { offlineAuthMode: 'reject' })).status).toBe(200);
    await expect.poll(() => received.slice(5)).toEqual([
      'LocalAuthListEnabled=false', 'LocalPreAuthorize=false', 'AuthorizeRemoteTxRequests=false',
      'LocalAuthorizeOffline=false', 'AllowOfflineTxForUnknownId=false', 'AuthorizationCacheEnabled=false',
    ]);
  });

  it('cpo: the CPO decides while reachable; while it is not, each B2 policy applies', async () => {
    h = await startApiHarness(site(), { control: { debounceMs: 20 } });
    const [allow, reject, cached] = await Promise.all(['CPO-ALLOW', 'CPO-REJECT', 'CPO-CACHED'].map(startSim));
    let reachable = true;
    const asked: string[] = [];
    h.app.sessions.setAuthorizeUpstream(async (stationId, idTag) => {
      asked.push(`${stationId}:${idTag}`);
      if (!reachable) return 'unreachable';
      return { status: idTag.startsWith('CPO-OK') ? 'Accepted' : 'Invalid' };
    });
    // Reachable: the CPO's answer, whatever Fuseguard's own list says.
    expect((await allow.presentBadge(1, 'CPO-OK-1')).authorizeStatus).toBe('Accepted');
    expect((await allow.presentBadge(1, 'GOOD')).authorizeStatus).toBe('Invalid');
    expect(asked).toEqual(['CPO-ALLOW:CPO-OK-1', 'CPO-ALLOW:GOOD']);
    expect((await h.app.sessions.cpoCache.list()).map((c) => c.id_tag)).toEqual(['CPO-OK-1']);

    reachable = false;
    const at = (sim: SimStation, idTag: string) => sim.presentBadge(1, idTag).then((r) => r.authorizeStatus);
    expect(await at(allow, 'STRANGER')).toBe('Accepted');
    expect(await at(reject, 'STRANGER')).toBe('Invalid');
    expect(await at(reject, 'CPO-OK-1')).toBe('Invalid');
    expect(await at(cached, 'STRANGER')).toBe('Invalid');
    expect(await at(cached, 'CPO-OK-1')).toBe('Accepted'); // the CPO accepted it earlier

    // Not wired at all: the same policies.
    h.app.sessions.setAuthorizeUpstream(null);
    expect(await at(allow, 'STRANGER-2')).toBe('Accepted');
    expect(await at(reject, 'STRANGER-2')).toBe('Invalid');
    expect(await at(cached, 'CPO-OK-1')).toBe('Accepted');
    expect(await at(cached, 'STRANGER-2')).toBe('Invalid');
  });

  it('offline policies are in the API and the site export', async () => {
    h = await startApiHarness(site(), { control: false });
    const zone = await h.admin.get('/api/zones/List');
    expect(zone.body).toMatchObject({ authMode: 'station-list', offlineAuthMode: 'reject' });
    const edit = await h.admin.patch('/api/stations/LIST-1', { offlineAuthMode: 'reject-except-cached' });
    expect(edit.status).toBe(200);
    expect(edit.body).toMatchObject({ offlineAuthMode: 'reject-except-cached' });
    expect(await h.app.sessions.policyOf('LIST-1')).toEqual({ mode: 'station-list', offline: 'reject-except-cached' });
    expect(await h.app.sessions.policyOf('CPO-REJECT')).toEqual({ mode: 'cpo', offline: 'reject' });
    expect((await h.admin.patch('/api/stations/LIST-1', { offlineAuthMode: 'sometimes' })).status).toBe(400);
    for (const p of POLICIES) expect((await h.admin.patch('/api/stations/LIST-1', { offlineAuthMode: p })).status).toBe(200);
    const exported = await exportSite(h.app.store);
    expect(exported.zones?.find((z) => z.name === 'List')).toMatchObject({ authMode: 'station-list', offlineAuthMode: 'reject' });
    expect(exported.stations?.find((s) => s.id === 'LIST-1')).toMatchObject({ offlineAuthMode: 'reject-except-cached' });
    expect(exported.settings?.freeModeIdTag).toBe('FREE-TAG');
  });
});
