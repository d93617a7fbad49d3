// Issue 14: a StatusNotification makes a connector row (D8: a connector the site did not list is
// discovered, and counted at its maximum). A station cannot make up connectors beyond the bound
// transactions use (64), and a status carries Fuseguard's time when the station's clock is absurd.
import { afterEach, describe, expect, it } from 'vitest';
import { MAX_CONNECTOR_ID } from '../src/domain/session/transaction-sanity.js';
import { bootRaw, connectRaw, iso, startHarness, testSite, type Harness, type RawStation } from './helpers/harness.js';

describe('StatusNotification bounds (issue 14)', () => {
  let h: Harness;
  let cp: RawStation | undefined;
  afterEach(async () => {
    await cp?.close({ force: true });
    await h?.cleanup();
  });

  it('refuses a connector beyond 64 or below 0 without a row; takes a real one; an absurd clock is replaced by now', async () => {
    h = await startHarness(testSite(), { control: false });
    cp = await connectRaw(h.app.ocppUrl, 'CP-003');
    await bootRaw(cp);
    const status = (connectorId: number, timestamp?: string) =>
      cp!.call('StatusNotification', { connectorId, errorCode: 'NoError', status: 'Available', ...(timestamp ? { timestamp } : {}) });

    for (const connectorId of [MAX_CONNECTOR_ID + 1, 1_000_000, -1]) {
      await expect(status(connectorId)).rejects.toMatchObject({ rpcErrorCode: 'PropertyConstraintViolation' });
    }
    const rows = async () => (await h.app.store.stations.listConnectors('CP-003')).map((c) => c.connector_id).sort((a, b) => a - b);
    expect(await rows()).toEqual([1]);

    // Connector 2, not in the site: a real one the station has, discovered.
    const before = Date.now();
    await status(2, '1970-01-01T00:00:00Z');
    expect(await rows()).toEqual([1, 2]);
    const discovered = (await h.app.store.stations.listConnectors('CP-003')).find((c) => c.connector_id === 2);
    expect(discovered?.status).toBe('Available');
    expect(discovered?.status_at).toBeGreaterThanOrEqual(before);

    // A plausible time (a queued status of an hour ago) is kept.
    const hourAgo = Date.now() - 3_600_000;
    await status(1, iso(hourAgo));
    expect((await h.app.store.stations.listConnectors('CP-003')).find((c) => c.connector_id === 1)?.status_at).toBe(hourAgo);
  });
});
