// Issue 14, row 5 (S5): a station's message is bounded. Beyond the limit its connection closes
// with 1009 (message too big); the server goes on serving the others. The limit is a network
// setting (ocppMaxFrameBytes, used at the next start).
import { afterEach, describe, expect, it } from 'vitest';
import { bootRaw, connectRaw, startHarness, testSite, type Harness, type RawStation } from './helpers/harness.js';

describe('OCPP frame limit (issue 14, row 5)', () => {
  let h: Harness;
  const clients: RawStation[] = [];
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((c) => c.close({ force: true })));
    await h?.cleanup();
  });
  const station = async (id: string) => {
    const cp = await connectRaw(h.app.ocppUrl, id);
    clients.push(cp);
    return cp;
  };

  it('closes a connection that sends more than the limit with 1009; others are served', async () => {
    const site = testSite();
    h = await startHarness({ ...site, settings: { ...site.settings, network: { ocppMaxFrameBytes: 16_384 } } }, { control: false });
    const big = await station('CP-002');
    const other = await station('CP-003');
    await bootRaw(other);
    const closed = new Promise<number>((resolve) => big.once('close', ({ code }: { code: number }) => resolve(code)));
    void big.call('DataTransfer', { vendorId: 'x', data: 'y'.repeat(20_000) }).catch(() => undefined);
    expect(await closed).toBe(1009);
    expect(await other.call('Heartbeat', {})).toMatchObject({ currentTime: expect.any(String) });
    // Just under the limit passes.
    const fine = await station('CP-002');
    await bootRaw(fine);
    expect(await fine.call('DataTransfer', { vendorId: 'x', data: 'y'.repeat(15_000) })).toMatchObject({ status: 'UnknownVendorId' });
  });
});
