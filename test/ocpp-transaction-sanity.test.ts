// Issue 14, row 7: what a station says of its transactions is checked. A connector it cannot have
// is refused with an answer it need not retry; a connector has one session at a time (a new start
// closes the stale one); meter readings and times that cannot be are stored corrected and
// flagged, never a negative or absurd energy. Real stations over real WebSockets.
import { afterEach, describe, expect, it } from 'vitest';
import { MAX_METER_WH } from '../src/domain/session/transaction-sanity.js';
import { RPCClient } from '../src/ocpp/rpc.js';
import { FAST_RELAY, FakeCpo, relaySite } from './helpers/fake-cpo.js';
import { bootRaw, connectRaw, iso, startHarness, testSite, waitFor, type Harness, type RawStation } from './helpers/harness.js';

type StartConf = { transactionId: number; idTagInfo: { status: string } };
const DAY_MS = 86_400_000;

describe('transaction sanity (issue 14, row 7)', () => {
  let h: Harness;
  const clients: RawStation[] = [];
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((c) => c.close({ force: true })));
    await h?.cleanup();
  });
  const station = async (id: string, setup: (cp: RawStation) => void = () => {}) => {
    const cp = await connectRaw(h.app.ocppUrl, id);
    clients.push(cp);
    setup(cp);
    await bootRaw(cp);
    return cp;
  };
  const start = (cp: RawStation, req: Record<string, unknown>) =>
    cp.call('StartTransaction', { idTag: 'GOOD', meterStart: 0, timestamp: iso(Date.now()), ...req }) as Promise<StartConf>;
  // The event log is written behind the answer: wait for the line.
  const warned = (what: string, match: (message: string) => boolean) =>
    waitFor(async () => (await h.app.store.logs.list({ level: 'warn' })).some((l) => match(l.message)), what);

  it("refuses a start on a connector the station cannot have (idTagInfo Invalid, an id never used); a discovered one works", async () => {
    h = await startHarness(testSite()); // with the control loop: it learns NumberOfConnectors
    // CP-003 is listed with connector 1; it has 3 (NumberOfConnectors), so 2 and 3 are discovered.
    const cp = await station('CP-003', (c) => {
      c.handle('GetConfiguration', async () => ({ configurationKey: [{ key: 'NumberOfConnectors', readonly: true, value: '3' }] }));
      for (const action of ['ChangeConfiguration', 'SetChargingProfile', 'ClearChargingProfile']) c.handle(action, async () => ({ status: 'Accepted' }));
    });
    await waitFor(async () => (await h.app.store.stations.listConnectors('CP-003')).length === 3, 'connectors 2 and 3 discovered');

    const refused: number[] = [];
    for (const connectorId of [0, -1, 4, 99, 2 ** 31 - 1]) {
      const conf = await start(cp, { connectorId, idTag: 'WALK-IN' });
      expect(conf.idTagInfo).toEqual({ status: 'Invalid' });
      refused.push(conf.transactionId);
    }
    expect(new Set(refused).size).toBe(refused.length);
    expect(await h.app.store.transactions.list()).toEqual([]);
    await warned('the refusal logged', (m) => m === `StartTransaction refused (idTagInfo Invalid, transaction ${refused[2]} not recorded): connector 4 is beyond the station's connectors (1..3)`);
    // The station ends that charge: its Stop is answered like any for an unknown transaction.
    expect(await cp.call('StopTransaction', { transactionId: refused[0], meterStop: 10, timestamp: iso(Date.now()), reason: 'DeAuthorized' })).toEqual({});

    const discovered = await start(cp, { connectorId: 3, idTag: 'WALK-IN' });
    expect(discovered.idTagInfo.status).toBe('Accepted');
    expect(refused).not.toContain(discovered.transactionId);
    expect(await h.app.store.transactions.get(discovered.transactionId)).toMatchObject({ connector_id: 3, stop_at: null });
  });

  it('keeps one ongoing session per connector: a new start closes the stale one, with a reason', async () => {
    h = await startHarness(testSite(), { control: false });
    const cp = await station('CP-002');
    const stopped: { transactionId: number; reason: string; at: number }[] = [];
    h.app.events.on('transaction.stopped', (e) => stopped.push(e));
    const t0 = Date.now() - 3_600_000;

    const first = await start(cp, { connectorId: 1, meterStart: 1_000, timestamp: iso(t0) });
    await cp.call('MeterValues', { connectorId: 1, transactionId: first.transactionId, meterValue: [{ timestamp: iso(t0 + 60_000), sampledValue: [{ value: '1500' }] }] });
    const other = await start(cp, { connectorId: 2, meterStart: 0, timestamp: iso(t0) });
    // Its Stop was lost: the next start on connector 1 closes it there (time and register of the new start).
    const second = await start(cp, { connectorId: 1, meterStart: 2_000, timestamp: iso(t0 + 600_000) });
    expect(second.idTagInfo.status).toBe('Accepted');
    expect(await h.app.store.transactions.get(first.transactionId)).toMatchObject({
      stop_at: t0 + 600_000, meter_stop_wh: 2_000, energy_wh: 1_000, stop_reason: 'Superseded', anomalies: 'superseded',
    });
    expect(stopped).toEqual([{ stationId: 'CP-002', transactionId: first.transactionId, reason: 'Superseded', at: t0 + 600_000 }]);
    await warned('the stale session logged', (m) => m.includes(`transaction ${first.transactionId} closed`) && m.includes(`transaction ${second.transactionId} started on connector 1`));
    // A new start whose register went back (a meter replaced) and time is earlier: the stale one ends at what is known of it.
    const third = await start(cp, { connectorId: 1, meterStart: 10, timestamp: iso(t0 + 300_000) });
    expect(await h.app.store.transactions.get(second.transactionId)).toMatchObject({ stop_at: t0 + 600_000, meter_stop_wh: 2_000, energy_wh: 0 });
    // The other connector's session is not touched; a late Stop of a closed session changes nothing.
    expect(await h.app.store.transactions.get(other.transactionId)).toMatchObject({ stop_at: null });
    await cp.call('StopTransaction', { transactionId: first.transactionId, meterStop: 9_999_999, timestamp: iso(t0 + 900_000) });
    expect(await h.app.store.transactions.get(first.transactionId)).toMatchObject({ energy_wh: 1_000 });

    // 1000 concurrent starts on one connector (all sent at once): each is answered, one session stays ongoing.
    const eager = new RPCClient({
      endpoint: h.app.ocppUrl, identity: 'CP-002', protocols: ['ocpp1.6'], reconnect: false, strictMode: false, callTimeoutMs: 60_000, callConcurrency: 1000,
    } as ConstructorParameters<typeof RPCClient>[0]);
    await cp.close({ force: true });
    await eager.connect();
    clients.push(eager);
    const many = await Promise.all(Array.from({ length: 1000 }, (_, i) => start(eager, { connectorId: 1, meterStart: 20_000 + i, timestamp: iso(t0 + 1_000_000 + i) })));
    expect(many.every((c) => c.idTagInfo.status === 'Accepted')).toBe(true);
    expect(new Set(many.map((c) => c.transactionId)).size).toBe(1000);
    const ongoing = await h.app.store.transactions.list({ stationId: 'CP-002', ongoing: true, limit: 5000 });
    expect(ongoing.map((t) => t.connector_id).sort()).toEqual([1, 2]);
    expect((await h.app.store.transactions.get(third.transactionId))?.stop_reason).toBe('Superseded');
    const all = await h.app.store.transactions.list({ stationId: 'CP-002', limit: 5000 });
    expect(all.every((t) => (t.energy_wh ?? 0) >= 0)).toBe(true);
  });

  it('stores absurd meter readings bounded and flagged: never a negative or absurd energy; the station gets a valid answer', async () => {
    h = await startHarness(testSite(), { control: false });
    const cp = await station('CP-002');
    const t0 = Date.now() - 600_000;

    const negative = await start(cp, { connectorId: 1, meterStart: -5, timestamp: iso(t0) });
    expect(negative.idTagInfo.status).toBe('Accepted');
    expect(await h.app.store.transactions.get(negative.transactionId)).toMatchObject({ meter_start_wh: 0, anomalies: 'meter-start' });
    // Readings beyond any meter are not stored, and do not move the session's last reading.
    await cp.call('MeterValues', { connectorId: 1, transactionId: negative.transactionId, meterValue: [{ timestamp: iso(t0 + 1_000), sampledValue: [
      { value: '1e308', measurand: 'Energy.Active.Import.Register', unit: 'Wh' }, { value: '-3', unit: 'kWh' }, { value: '1e300', measurand: 'Current.Import', unit: 'A', phase: 'L1' },
      { value: '700', unit: 'Wh' },
    ] }] });
    expect((await h.app.store.transactions.samples(negative.transactionId)).map((s) => s.value)).toEqual([700]);
    expect(await h.app.store.transactions.get(negative.transactionId)).toMatchObject({ last_meter_wh: 700 });
    expect(await cp.call('StopTransaction', { transactionId: negative.transactionId, meterStop: 900, timestamp: iso(t0 + 2_000) })).toEqual({});
    expect(await h.app.store.transactions.get(negative.transactionId)).toMatchObject({ meter_stop_wh: 900, energy_wh: 900 });

    const huge = await start(cp, { connectorId: 1, meterStart: 1e308, timestamp: iso(t0 + 3_000) });
    expect(huge.idTagInfo.status).toBe('Accepted');
    expect(await h.app.store.transactions.get(huge.transactionId)).toMatchObject({ meter_start_wh: MAX_METER_WH, anomalies: 'meter-start' });
    await cp.call('StopTransaction', { transactionId: huge.transactionId, meterStop: 5_000, timestamp: iso(t0 + 4_000) });
    expect(await h.app.store.transactions.get(huge.transactionId)).toMatchObject({ energy_wh: 0, anomalies: 'meter-start,meter-stop-below-start' });

    const backwards = await start(cp, { connectorId: 1, meterStart: 8_000, timestamp: iso(t0 + 5_000) });
    expect(await cp.call('StopTransaction', { transactionId: backwards.transactionId, meterStop: 7_000, timestamp: iso(t0 + 6_000), idTag: 'GOOD' }))
      .toEqual({ idTagInfo: { status: 'Accepted' } });
    expect(await h.app.store.transactions.get(backwards.transactionId)).toMatchObject({ meter_stop_wh: 7_000, energy_wh: 0, anomalies: 'meter-stop-below-start' });

    const absurdStop = await start(cp, { connectorId: 1, meterStart: 100, timestamp: iso(t0 + 7_000) });
    await cp.call('StopTransaction', { transactionId: absurdStop.transactionId, meterStop: -1e308, timestamp: iso(t0 + 8_000) });
    expect(await h.app.store.transactions.get(absurdStop.transactionId)).toMatchObject({ meter_stop_wh: 0, energy_wh: 0, anomalies: 'meter-stop,meter-stop-below-start' });

    const view = await h.app.store.transactions.list({ stationId: 'CP-002' });
    expect(view.every((t) => t.energy_wh !== null && t.energy_wh >= 0 && t.energy_wh <= MAX_METER_WH)).toBe(true);
  });

  it("stores times far from Fuseguard's clock at the receive time, flagged, with the station's time in the log; an offline queue keeps its times", async () => {
    h = await startHarness(testSite(), { control: false });
    const cp = await station('CP-002');

    const before = Date.now();
    const epoch = await start(cp, { connectorId: 1, meterStart: 100, timestamp: '1970-01-01T00:00:00.000Z' });
    const after = Date.now();
    const stored = await h.app.store.transactions.get(epoch.transactionId);
    expect(stored?.start_at).toBeGreaterThanOrEqual(before);
    expect(stored?.start_at).toBeLessThanOrEqual(after);
    expect(stored?.anomalies).toBe('start-time');
    await warned("the station's time logged", (m) => m.includes(`transaction ${epoch.transactionId} stored corrected (start-time): the station sent timestamp 1970-01-01T00:00:00.000Z`));
    // The same start sent again (its answer was lost) is the same session, though received later.
    expect((await start(cp, { connectorId: 1, meterStart: 100, timestamp: '1970-01-01T00:00:00.000Z' })).transactionId).toBe(epoch.transactionId);

    // A sample from 9999 is taken at its receive time: later readings still move the session on.
    await cp.call('MeterValues', { connectorId: 1, transactionId: epoch.transactionId, meterValue: [{ timestamp: '9999-12-31T23:59:59.000Z', sampledValue: [{ value: '200' }] }] });
    await new Promise((r) => setTimeout(r, 5));
    await cp.call('MeterValues', { connectorId: 1, transactionId: epoch.transactionId, meterValue: [{ timestamp: iso(Date.now()), sampledValue: [{ value: '300' }] }] });
    expect(await h.app.store.transactions.get(epoch.transactionId)).toMatchObject({ last_meter_wh: 300 });
    expect((await h.app.store.transactions.samples(epoch.transactionId)).every((s) => s.at <= Date.now())).toBe(true);

    const stopBefore = Date.now();
    await cp.call('StopTransaction', { transactionId: epoch.transactionId, meterStop: 400, timestamp: '9999-12-31T23:59:59.000Z' });
    const ended = await h.app.store.transactions.get(epoch.transactionId);
    expect(ended?.stop_at).toBeGreaterThanOrEqual(stopBefore);
    expect(ended?.stop_at).toBeLessThanOrEqual(Date.now());
    expect(ended).toMatchObject({ energy_wh: 300, anomalies: 'start-time,stop-time' });

    // Queued while offline for three days (O7): the real times are kept.
    const queuedAt = Date.now() - 3 * DAY_MS;
    const queued = await start(cp, { connectorId: 2, meterStart: 0, timestamp: iso(queuedAt) });
    await cp.call('StopTransaction', { transactionId: queued.transactionId, meterStop: 5_000, timestamp: iso(queuedAt + 3_600_000) });
    expect(await h.app.store.transactions.get(queued.transactionId)).toMatchObject({ start_at: queuedAt, stop_at: queuedAt + 3_600_000, energy_wh: 5_000, anomalies: null });
  });

  it('does not relay to the CPO what it refused: a start on an impossible connector, another station\'s Stop or MeterValues', async () => {
    const cpo = new FakeCpo();
    await cpo.start();
    try {
      h = await startHarness(relaySite(cpo.url), { relay: FAST_RELAY, control: false });
      const owner = await station('CP-003');
      const intruder = await station('CP-002');
      await waitFor(() => cpo.of('BootNotification', 'CPO-0003').length > 0 && cpo.of('BootNotification', 'CP-002').length > 0, 'both linked upstream');
      const refused = await start(owner, { connectorId: 99, idTag: 'WALK-IN' });
      expect(refused.idTagInfo.status).toBe('Invalid');
      const { transactionId } = await start(owner, { connectorId: 1, idTag: 'WALK-IN', meterStart: 100 });
      await waitFor(() => cpo.of('StartTransaction', 'CPO-0003').length === 1, 'the real start upstream');
      expect(await intruder.call('StopTransaction', { transactionId, meterStop: 50_000_000, timestamp: iso(Date.now()) })).toEqual({ idTagInfo: { status: 'Invalid' } });
      await intruder.call('MeterValues', { connectorId: 1, transactionId, meterValue: [{ timestamp: iso(Date.now()), sampledValue: [{ value: '40000000' }] }] });
      await owner.call('StopTransaction', { transactionId, meterStop: 900, timestamp: iso(Date.now()) });
      await waitFor(() => cpo.of('StopTransaction', 'CPO-0003').length === 1, "the owner's stop upstream");
      await waitFor(async () => (await h.app.store.relayOutbox.queuedCounts()).size === 0, 'outbox empty');
      expect(cpo.of('StartTransaction', 'CPO-0003').map((c) => c.connectorId)).toEqual([1]);
      expect(cpo.of('StopTransaction', 'CP-002')).toEqual([]);
      expect(cpo.of('MeterValues', 'CP-002')).toEqual([]);
      expect(cpo.of('StopTransaction', 'CPO-0003')[0]).toMatchObject({ meterStop: 900 });
    } finally {
      await Promise.all(clients.splice(0).map((c) => c.close({ force: true })));
      await h.cleanup();
      h = undefined as unknown as Harness;
      await cpo.stop();
    }
  });
});
