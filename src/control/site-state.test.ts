// What in the site's events calls for a new allocation round (issue 15: an idle station's
// MeterValues must not each cost a round of the whole site; Z6: under a dynamic zone they must).
import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { openTempStore } from '../../test/helpers/temp-dir.js';
import { SiteEvents } from '../services/site-events.js';
import { applySite } from '../site/apply-site.js';
import type { SiteFile } from '../site/site-schema.js';
import { SiteState } from './site-state.js';

const example = (): SiteFile => JSON.parse(readFileSync(new URL('../../examples/site.json', import.meta.url), 'utf8')) as SiteFile;

describe('SiteState: which events call for a round', () => {
  const closers: (() => Promise<void>)[] = [];
  afterEach(async () => { while (closers.length) await closers.pop()!(); });

  async function stateOf(site: SiteFile): Promise<{ state: SiteState; events: SiteEvents; rounds: () => number }> {
    const { store, close } = await openTempStore();
    closers.push(close);
    await applySite(store, site, 1_000);
    const state = new SiteState(store);
    await state.load();
    const events = new SiteEvents();
    let calls = 0;
    state.attach(events, () => { calls += 1; });
    return { state, events, rounds: () => calls };
  }

  const meterValues = (stationId: string, transactionId: number | null) => ({
    stationId, connectorId: 1, transactionId, at: 2_000, measurement: { currentsA: [5, 5, 5] as [number, number, number], energyWh: 1_000 },
  });

  it('a measurement without a session in static zones is kept for the next round, not a round of its own', async () => {
    const { state, events, rounds } = await stateOf(example());
    events.emit('meter.values', meterValues('CP-001', null));
    expect(rounds()).toBe(0);
    expect(state.connectors.get('CP-001/1')?.measured?.currentsA).toEqual([5, 5, 5]);
  });

  it('a measurement of a session calls for a round (A7: what the car draws)', async () => {
    const { events, rounds } = await stateOf(example());
    events.emit('transaction.started', { stationId: 'CP-001', connectorId: 1, transactionId: 7, idTag: 'X', at: 1_500, meterStartWh: 0 });
    const afterStart = rounds();
    events.emit('meter.values', meterValues('CP-001', 7));
    expect(rounds()).toBe(afterStart + 1);
  });

  it('a measurement without a session under a dynamic zone calls for a round (Z6: the building is its meter less the cars)', async () => {
    const site = example();
    const main = site.zones![0];
    main.mode = 'dynamic';
    main.meter = 'M1';
    site.meters = [{ name: 'M1', host: '127.0.0.1', port: 5020, unitId: 1, model: 'generic-3ph' } as never];
    const { events, rounds } = await stateOf(site);
    events.emit('meter.values', meterValues('CP-003', null));
    expect(rounds()).toBe(1);
  });
});
