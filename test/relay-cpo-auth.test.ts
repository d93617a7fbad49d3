// B1 `cpo` through the relay: the CPO decides who charges; while it is unreachable the zone's B2
// policy applies. A CPO's remote start is accepted on a `remote-only` station.
import { afterEach, describe, expect, it } from 'vitest';
import { SimStation } from '../src/sim/index.js';
import type { SiteFile } from '../src/site/site-schema.js';
import { FAST_RELAY, FakeCpo, relaySite } from './helpers/fake-cpo.js';
import { startHarness, waitFor, type Harness } from './helpers/harness.js';

describe('relay: the CPO authorizes (B1 cpo, B2)', () => {
  const cleanups: (() => Promise<void> | void)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  async function setup(mode: 'cpo' | 'remote-only'): Promise<{ cpo: FakeCpo; h: Harness; station: SimStation }> {
    const cpo = new FakeCpo();
    cpo.responders.set('Authorize', (p) => ({ idTagInfo: { status: p.idTag === 'CPO-OK' ? 'Accepted' : 'Invalid' } }));
    await cpo.start();
    cleanups.push(() => cpo.stop());
    const base = relaySite(cpo.url);
    const site: SiteFile = {
      ...base,
      zones: base.zones?.map((z) => ({ ...z, children: z.children?.map((c) => (c.name === 'Row B' ? { ...c, authMode: mode, offlineAuthMode: 'reject' as const } : c)) })),
    };
    const h = await startHarness(site, { relay: FAST_RELAY });
    cleanups.push(() => h.cleanup());
    const station = new SimStation({ id: 'CP-003', url: h.app.ocppUrl, tickIntervalMs: 100, reconnectDelayMs: 100 });
    cleanups.push(() => station.stop());
    expect(await station.start()).toBe('Accepted');
    await waitFor(() => h.app.relay?.linkOf('CP-003')?.isReady === true, 'upstream link up, boot accepted');
    return { cpo, h, station };
  }

  it('asks the CPO, and applies the offline policy while it is down', async () => {
    const { cpo, h } = await setup('cpo');
    expect((await h.app.sessions.authorize('CP-003', 'CPO-OK')).status).toBe('Accepted');
    expect((await h.app.sessions.authorize('CP-003', 'LOCAL-ONLY')).status).toBe('Invalid');
    expect(cpo.of('Authorize', 'CPO-0003').map((a) => a.idTag)).toEqual(['CPO-OK', 'LOCAL-ONLY']);
    await cpo.stop();
    await waitFor(() => !cpo.clients.has('CPO-0003') && h.app.relay?.linkOf('CP-003')?.state !== 'up', 'link down');
    // Offline policy `reject`: even a badge the CPO accepted before is refused.
    expect((await h.app.sessions.authorize('CP-003', 'CPO-OK')).status).not.toBe('Accepted');
  });

  it("a CPO's remote start charges a remote-only station", async () => {
    const { cpo, h, station } = await setup('remote-only');
    await station.plugIn(1);
    expect(await cpo.call('CPO-0003', 'RemoteStartTransaction', { connectorId: 1, idTag: 'CPO-USER' })).toEqual({ status: 'Accepted' });
    await waitFor(async () => (await h.app.store.transactions.list({ ongoing: true, limit: 10 })).some((t) => t.id_tag === 'CPO-USER' && t.auth_status === 'Accepted'), 'the session started as Accepted');
  });
});
