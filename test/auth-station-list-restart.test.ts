// B1: a station moved out of `station-list` while Fuseguard was down still gets
// LocalAuthListEnabled/LocalPreAuthorize turned off when it comes back: what station-list turned
// on is stored with the station, not kept in memory. Real sockets, a simulated station.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { startFuseguard } from '../src/app/fuseguard.js';
import { SimStation } from '../src/sim/index.js';
import type { SiteFile } from '../src/site/site-schema.js';
import { startHarness, waitFor } from './helpers/harness.js';

const site = (authMode: 'station-list' | 'lms-allow-all'): SiteFile => ({
  zones: [{ name: 'List', maxCurrentA: 32, mode: 'static', authMode }],
  stations: [{ id: 'LIST-1', zone: 'List', connectors: [{ id: 1 }] }],
});

describe('leaving station-list across a restart (B1)', () => {
  const cleanups: (() => Promise<void> | void)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  it('the local-list keys are turned off at the return, after Fuseguard restarted with another mode', async () => {
    const h = await startHarness(site('station-list'));
    cleanups.push(() => h.cleanup());
    const sim = new SimStation({ id: 'LIST-1', url: h.app.ocppUrl, tickIntervalMs: 100, reconnectDelayMs: 100 });
    cleanups.push(() => sim.stop());
    expect(await sim.start()).toBe('Accepted');
    await waitFor(() => sim.config.get('LocalAuthListEnabled') === 'true' && sim.config.get('LocalPreAuthorize') === 'true', 'station-list keys on');
    await waitFor(async () => (await h.app.store.stations.get('LIST-1'))?.local_list_keys === 1, 'stored');

    const port = h.app.port;
    await h.app.close();
    const siteFile = join(h.dataDir, '..', 'site-lms.json');
    writeFileSync(siteFile, JSON.stringify(site('lms-allow-all')));
    const again = await startFuseguard({ dataDir: h.dataDir, port, host: '127.0.0.1', siteFile, logger: pino({ level: 'silent' }) });
    cleanups.push(() => again.close());
    await waitFor(() => sim.config.get('LocalAuthListEnabled') === 'false' && sim.config.get('LocalPreAuthorize') === 'false', 'station-list keys off at the return', 10_000);
    await waitFor(async () => (await again.store.stations.get('LIST-1'))?.local_list_keys === null, 'the mark cleared');
  });
});
