// Issue 16, item 13 (P1, M2, W8): meters and digital inputs are stored as one list each; edits of
// different entries at the same time (two admins, a page and a script toggling inputs) must each
// keep the others' result. Real HTTP, many requests in flight at once.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApiHarness, type ApiHarness } from './helpers/api-client.js';

const MODEL = 'pm5320-iem3x5x-powertag';
const ROUNDS = 8;

describe('concurrent edits of meters and inputs lose nothing (issue 16)', () => {
  let h: ApiHarness;
  beforeAll(async () => {
    h = await startApiHarness();
    // SQLite answers within the same turn, so two requests rarely interleave here; with a store
    // that answers later (PostgreSQL, issue 18, or a busy disk) a read and the write after it are
    // apart. The reads are made to answer a few ms later, as such a store would.
    const settings = h.app.store.settings;
    const getAll = settings.getAll.bind(settings);
    settings.getAll = async () => {
      const values = await getAll();
      await new Promise((resolve) => setTimeout(resolve, 5));
      return values;
    };
  });
  afterAll(async () => { await h?.cleanup(); });

  it('meters: updates of different meters at once, and adds at once, all stay', async () => {
    const names = ['M-A', 'M-B', 'M-C', 'M-D'];
    // Port 1 on the loopback: never reached; only what is stored matters here.
    const added = await Promise.all(names.map((name) => h.admin.post('/api/meters', { name, protocol: 'tcp', host: '127.0.0.1', port: 1, unitId: 1, model: MODEL })));
    expect(added.map((r) => r.status)).toEqual(names.map(() => 201));
    for (let round = 1; round <= ROUNDS; round++) {
      const updates = await Promise.all(names.map((name, i) => h.admin.put(`/api/meters/${name}`, { protocol: 'tcp', host: '127.0.0.1', port: 1, unitId: round * 10 + i, model: MODEL })));
      expect(updates.map((r) => r.status)).toEqual(names.map(() => 200));
    }
    const stored = (await h.admin.get('/api/meters')).body as { name: string; unitId: number }[];
    expect(stored.map((m) => [m.name, m.unitId])).toEqual(names.map((name, i) => [name, ROUNDS * 10 + i]));
  });

  it('inputs: signals of different manual inputs at once all stay, and none undoes a configuration change', async () => {
    const ids = ['di1', 'di2', 'di3']; // the most there may be
    expect((await h.admin.put('/api/inputs', ids.map((id) => ({ id, enabled: true, pct: 25, source: { kind: 'manual', high: false } })))).status).toBe(200);
    const signals = await Promise.all(ids.map((id) => h.user.put(`/api/inputs/${id}/signal`, { high: true })));
    expect(signals.map((r) => r.status)).toEqual(ids.map(() => 200));
    const levels = async () => ((await h.app.store.settings.getAll()).inputs as { id: string; pct: number; source: { high?: boolean } }[]);
    expect((await levels()).map((c) => c.source.high)).toEqual(ids.map(() => true));
    // A configuration change and signals at once: the change stays, and so do the signals.
    const [change] = await Promise.all([
      h.admin.put('/api/inputs', ids.map((id) => ({ id, enabled: true, pct: 50, source: { kind: 'manual', high: true } }))),
      ...ids.map((id) => h.user.put(`/api/inputs/${id}/signal`, { high: true })),
    ]);
    expect(change.status).toBe(200);
    expect((await levels()).map((c) => [c.pct, c.source.high])).toEqual(ids.map(() => [50, true]));
    // A page saved with the levels it loaded before the signals does not undo them.
    expect((await h.admin.put('/api/inputs', ids.map((id) => ({ id, enabled: true, pct: 40, source: { kind: 'manual', high: false } })))).status).toBe(200);
    expect((await levels()).map((c) => [c.pct, c.source.high])).toEqual(ids.map(() => [40, true]));
  });
});
