// B1 (issue 16, item 9): a remote start Fuseguard asked for is stored, so that a restart between
// the request and the station's StartTransaction does not refuse the charge; it is used up by the
// start it was for. Real sockets: a raw station that answers the request and starts later.
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { startFuseguard } from '../src/app/fuseguard.js';
import type { SiteFile } from '../src/site/site-schema.js';
import { startApiHarness } from './helpers/api-client.js';
import { bootRaw, connectRaw, iso } from './helpers/harness.js';

const site: SiteFile = {
  zones: [{ name: 'Remote', maxCurrentA: 32, mode: 'static', authMode: 'remote-only' }],
  stations: [{ id: 'REMOTE-1', zone: 'Remote', connectors: [{ id: 1 }] }],
};

describe('a remote start across a restart of Fuseguard (B1)', () => {
  const cleanups: (() => Promise<unknown> | void)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  it('accepts the StartTransaction it asked for after a restart, once', async () => {
    const h = await startApiHarness(site, { control: { debounceMs: 20 } });
    cleanups.push(() => h.cleanup());
    const before = await connectRaw(h.app.ocppUrl, 'REMOTE-1');
    const asked: unknown[] = [];
    before.handle('RemoteStartTransaction', async ({ params }) => { asked.push(params); return { status: 'Accepted' }; });
    for (const action of ['ChangeConfiguration', 'SetChargingProfile', 'ClearChargingProfile']) before.handle(action, async () => ({ status: 'Accepted' }));
    before.handle('GetConfiguration', async () => ({ configurationKey: [] }));
    await bootRaw(before);
    const start = await h.user.post('/api/stations/REMOTE-1/remote-start', { connectorId: 1, idTag: 'APP-USER-9' });
    expect(start.body).toMatchObject({ accepted: true });
    expect(asked).toEqual([{ connectorId: 1, idTag: 'APP-USER-9' }]);
    await before.close({ force: true });

    const port = h.app.port;
    await h.app.close();
    const again = await startFuseguard({ dataDir: h.dataDir, port, host: '127.0.0.1', logger: pino({ level: 'silent' }) });
    cleanups.push(() => again.close());
    const after = await connectRaw(again.ocppUrl, 'REMOTE-1');
    cleanups.push(() => after.close({ force: true }));
    for (const action of ['ChangeConfiguration', 'SetChargingProfile', 'ClearChargingProfile']) after.handle(action, async () => ({ status: 'Accepted' }));
    after.handle('GetConfiguration', async () => ({ configurationKey: [] }));
    await bootRaw(after);
    const started = await after.call('StartTransaction', { connectorId: 1, idTag: 'APP-USER-9', meterStart: 0, timestamp: iso(Date.now()) }) as { idTagInfo: { status: string } };
    expect(started.idTagInfo.status).toBe('Accepted');
    // Used up: a second start with it is a badge like any other (remote-only refuses badges).
    const second = await after.call('StartTransaction', { connectorId: 1, idTag: 'APP-USER-9', meterStart: 0, timestamp: iso(Date.now()) }) as { idTagInfo: { status: string } };
    expect(second.idTagInfo.status).not.toBe('Accepted');
  });

  it('lets one start use a remote start, even two at once, and forgets one the station refused', async () => {
    const h = await startApiHarness(site, { control: { debounceMs: 20 } });
    cleanups.push(() => h.cleanup());
    const station = await connectRaw(h.app.ocppUrl, 'REMOTE-1');
    cleanups.push(() => station.close({ force: true }));
    let answer = 'Accepted';
    station.handle('RemoteStartTransaction', async () => ({ status: answer }));
    for (const action of ['ChangeConfiguration', 'SetChargingProfile', 'ClearChargingProfile']) station.handle(action, async () => ({ status: 'Accepted' }));
    station.handle('GetConfiguration', async () => ({ configurationKey: [] }));
    await bootRaw(station);
    const start = (idTag: string) => station.call('StartTransaction', { connectorId: 1, idTag, meterStart: 0, timestamp: iso(Date.now()) }) as Promise<{ idTagInfo: { status: string } }>;

    expect((await h.user.post('/api/stations/REMOTE-1/remote-start', { connectorId: 1, idTag: 'APP-TWICE' })).body).toMatchObject({ accepted: true });
    const both = await Promise.all([start('APP-TWICE'), start('APP-TWICE')]);
    expect(both.map((r) => r.idTagInfo.status).filter((s) => s === 'Accepted')).toHaveLength(1);

    answer = 'Rejected';
    expect((await h.user.post('/api/stations/REMOTE-1/remote-start', { connectorId: 1, idTag: 'APP-REFUSED' })).body).toMatchObject({ accepted: false });
    expect((await start('APP-REFUSED')).idTagInfo.status).not.toBe('Accepted');
  });
});
