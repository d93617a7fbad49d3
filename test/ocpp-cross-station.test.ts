// Issue 14, row 2 (S5): a station touches only its own transactions. Another station's
// StopTransaction or MeterValues for them is refused and logged; the owner's still work.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { bootRaw, connectRaw, iso, startHarness, testSite, type Harness, type RawStation } from './helpers/harness.js';

describe('cross-station tampering (issue 14, row 2)', () => {
  let h: Harness;
  const clients: RawStation[] = [];
  beforeEach(async () => { h = await startHarness(testSite(), { control: false }); });
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((c) => c.close({ force: true })));
    await h.cleanup();
  });
  const station = async (id: string, password?: string) => {
    const cp = await connectRaw(h.app.ocppUrl, id, password ? { password } : {});
    clients.push(cp);
    await bootRaw(cp);
    return cp;
  };

  it("refuses another station's StopTransaction and ignores its MeterValues; the owner's Stop still works", async () => {
    const owner = await station('CP-002');
    const intruder = await station('CP-003');
    const t0 = Date.now() - 60_000;
    const { transactionId } = await owner.call('StartTransaction', { connectorId: 1, idTag: 'GOOD', meterStart: 1_000, timestamp: iso(t0) }) as { transactionId: number };

    const stop = await intruder.call('StopTransaction', { transactionId, idTag: 'GOOD', meterStop: 50_000_000, timestamp: iso(t0 + 1_000) }) as { idTagInfo?: { status: string } };
    expect(stop.idTagInfo?.status).toBe('Invalid');
    expect(await intruder.call('StopTransaction', { transactionId, meterStop: 50_000_000, timestamp: iso(t0 + 1_000) })).toEqual({ idTagInfo: { status: 'Invalid' } });
    await intruder.call('MeterValues', {
      connectorId: 1, transactionId,
      meterValue: [{ timestamp: iso(t0 + 2_000), sampledValue: [{ value: '40000000', measurand: 'Energy.Active.Import.Register', unit: 'Wh' }] }],
    });
    expect(await h.app.store.transactions.get(transactionId)).toMatchObject({ station_id: 'CP-002', stop_at: null });
    expect(await h.app.store.transactions.samples(transactionId)).toEqual([]);
    const warnings = (await h.app.store.logs.list({ level: 'warn' })).map((l) => l.message);
    expect(warnings).toEqual(expect.arrayContaining([
      `StopTransaction for transaction ${transactionId} of another station (CP-002) refused`,
      `MeterValues for transaction ${transactionId} of another station (CP-002) ignored`,
    ]));

    await owner.call('StopTransaction', { transactionId, meterStop: 6_000, timestamp: iso(t0 + 30_000) });
    expect(await h.app.store.transactions.get(transactionId)).toMatchObject({ meter_stop_wh: 6_000, energy_wh: 5_000 });
  });
});
