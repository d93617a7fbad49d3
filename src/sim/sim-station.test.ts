import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FakeCentralSystem } from './fake-central-system.js';
import type { ChargingProfile, MeterValuesReq, StationAction } from './ocpp-types.js';
import { HandshakeError } from './rpc-link.js';
import { SimStation, type SimStationOptions, type TransactionEvent } from './sim-station.js';

const T0 = Date.parse('2025-03-03T08:00:00Z');
const iso = (at: number): string => new Date(at).toISOString();
/** A car that follows limits at once, so energies are exact. */
const INSTANT_CAR = { reactionDelayMs: 0, rampUpAPerS: Infinity, maxCurrentA: 16, phases: 3 as const };
const WH_PER_10S_AT_16A = (16 * 230 * 3 * 10) / 3600;

let cs: FakeCentralSystem;
let clock: number;
const stations: SimStation[] = [];

function station(options: Partial<SimStationOptions> = {}): SimStation {
  const s = new SimStation({
    id: `CP-${stations.length + 1}`,
    url: cs.url,
    now: () => clock,
    tickIntervalMs: 0,
    reconnectDelayMs: 20,
    rebootDelayMs: 10,
    ...options,
  });
  stations.push(s);
  return s;
}

/** Moves simulated time forward and lets the station catch up. */
function advance(s: SimStation, ms: number): void {
  clock += ms;
  s.tick();
}

function txActions(identity: string): Array<{ action: StationAction; params: Record<string, unknown> }> {
  return cs.received
    .filter((r) => r.identity === identity && ['StartTransaction', 'MeterValues', 'StopTransaction'].includes(r.action))
    .map(({ action, params }) => ({ action, params }));
}

function energyOf(mv: MeterValuesReq): number {
  const sv = mv.meterValue[0].sampledValue.find((v) => v.measurand === 'Energy.Active.Import.Register');
  return Number(sv?.value);
}

beforeEach(async () => {
  clock = T0;
  cs = await FakeCentralSystem.start({ firstTransactionId: 1000, heartbeatIntervalS: 60 });
});

afterEach(async () => {
  await Promise.all(stations.splice(0).map((s) => s.stop()));
  await cs.close();
});

describe('boot', () => {
  it('boots, reports every connector, and heartbeats at the interval it was given', async () => {
    const s = station({ connectors: [{}, { phases: 'L2', maxCurrentA: 16 }] });
    const boots: string[] = [];
    s.on('boot', (b) => boots.push(b.status));
    expect(await s.start()).toBe('Accepted');
    expect(s.isOnline).toBe(true);
    expect(boots).toEqual(['Accepted']);
    await s.whenIdle();
    expect(cs.calls('BootNotification')[0]).toMatchObject({ chargePointVendor: 'Fuseguard', chargePointModel: 'SimStation' });
    expect(cs.calls('StatusNotification').map((p) => [p.connectorId, p.status])).toEqual([
      [0, 'Available'],
      [1, 'Available'],
      [2, 'Available'],
    ]);
    advance(s, 59_000);
    await s.whenIdle();
    expect(cs.calls('Heartbeat')).toHaveLength(0);
    advance(s, 1_000);
    await s.whenIdle();
    expect(cs.calls('Heartbeat')).toHaveLength(1);
  });

  it('while Pending sends nothing but BootNotification, and boots again after the interval', async () => {
    cs.bootStatus = 'Pending';
    cs.heartbeatIntervalS = 5;
    const s = station();
    expect(await s.start()).toBe('Pending');
    expect(s.isOnline).toBe(false);
    await s.plugIn(1, INSTANT_CAR);
    advance(s, 4_000);
    expect(cs.received.map((r) => r.action)).toEqual(['BootNotification']);
    cs.bootStatus = 'Accepted';
    const booted = new Promise((resolve) => s.once('boot', resolve));
    advance(s, 1_000);
    expect(await booted).toMatchObject({ status: 'Accepted' });
    await s.whenIdle();
    expect(cs.calls('StatusNotification').find((p) => p.connectorId === 1)?.status).toBe('Preparing');
  });

  it('a wrong password fails the handshake with HTTP 401, exposed as statusCode', async () => {
    await cs.close();
    cs = await FakeCentralSystem.start({ passwords: { 'CP-1': 'right-secret-0001' } });
    const bad = station({ password: 'wrong' });
    const err = await bad.start().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(HandshakeError);
    expect((err as HandshakeError).statusCode).toBe(401);
    const good = new SimStation({ id: 'CP-1', url: cs.url, password: 'right-secret-0001', tickIntervalMs: 0 });
    stations.push(good);
    expect(await good.start()).toBe('Accepted');
  });
});

describe('raw frames', () => {
  it('sendRaw bypasses the schemas, and the answer arrives as a frame', async () => {
    const s = station();
    await s.start();
    const answer = new Promise<string>((resolve) => s.on('frame', (f) => f.includes('"bad-1"') && resolve(f)));
    s.sendRaw(JSON.stringify([2, 'bad-1', 'Heartbeat', { unexpected: true }]));
    const [type, id, code] = JSON.parse(await answer) as [number, string, string];
    expect([type, id]).toEqual([4, 'bad-1']);
    expect(code).toMatch(/Violation/);
    expect(s.isOnline).toBe(true);
  });
});

describe('a transaction', () => {
  it('plug, badge, meter values every interval, unplug', async () => {
    const s = station();
    const events: TransactionEvent[] = [];
    s.on('transaction', (e) => events.push(e));
    await s.start();
    await s.plugIn(1, INSTANT_CAR);
    const badge = await s.presentBadge(1, '04A1B2C3');
    expect(badge).toEqual({ authorizeStatus: 'Accepted', started: true, local: false, transactionId: 1000 });
    expect(s.transactionId(1)).toBe(1000);
    expect(s.connectorState(1)).toMatchObject({ status: 'Charging', plugged: true, idTag: '04A1B2C3', transactionId: 1000 });

    advance(s, 10_000);
    advance(s, 10_000);
    advance(s, 5_000);
    await s.unplug(1);
    await s.whenIdle();

    const tx = txActions('CP-1');
    expect(tx.map((t) => t.action)).toEqual(['StartTransaction', 'MeterValues', 'MeterValues', 'StopTransaction']);
    expect(tx[0].params).toEqual({ connectorId: 1, idTag: '04A1B2C3', meterStart: 0, timestamp: iso(T0) });
    const mv = tx[1].params as unknown as MeterValuesReq;
    expect(mv.transactionId).toBe(1000);
    expect(mv.meterValue[0].timestamp).toBe(iso(T0 + 10_000));
    expect(mv.meterValue[0].sampledValue).toEqual([
      { value: String(Math.floor(WH_PER_10S_AT_16A)), context: 'Sample.Periodic', measurand: 'Energy.Active.Import.Register', unit: 'Wh', location: 'Outlet' },
      { value: '16.0', context: 'Sample.Periodic', measurand: 'Current.Import', phase: 'L1', unit: 'A', location: 'Outlet' },
      { value: '16.0', context: 'Sample.Periodic', measurand: 'Current.Import', phase: 'L2', unit: 'A', location: 'Outlet' },
      { value: '16.0', context: 'Sample.Periodic', measurand: 'Current.Import', phase: 'L3', unit: 'A', location: 'Outlet' },
      { value: '11040', context: 'Sample.Periodic', measurand: 'Power.Active.Import', unit: 'W', location: 'Outlet' },
    ]);
    expect(energyOf(tx[2].params as unknown as MeterValuesReq)).toBe(Math.floor(2 * WH_PER_10S_AT_16A));
    expect(tx[3].params).toMatchObject({
      transactionId: 1000,
      meterStop: Math.floor(2.5 * WH_PER_10S_AT_16A),
      timestamp: iso(T0 + 25_000),
      reason: 'EVDisconnected',
      idTag: '04A1B2C3',
    });
    expect(cs.calls('StatusNotification').map((p) => p.status)).toEqual([
      'Available', 'Available', 'Preparing', 'Charging', 'Finishing', 'Available',
    ]);
    expect(events.map((e) => e.type)).toEqual(['started', 'id-assigned', 'stopped']);
  });

  it('a badge first, then the cable, starts the transaction; the same badge stops it', async () => {
    const s = station();
    await s.start();
    expect(await s.presentBadge(1, 'TAG')).toMatchObject({ authorizeStatus: 'Accepted', started: false });
    expect(s.connectorState(1).status).toBe('Preparing');
    await s.plugIn(1, INSTANT_CAR);
    expect(s.transactionId(1)).toBe(1000);
    await s.presentBadge(1, 'TAG');
    await s.whenIdle();
    expect(cs.calls('StopTransaction')[0]).toMatchObject({ transactionId: 1000, reason: 'Local' });
    expect(s.connectorState(1).status).toBe('Finishing');
  });

  it('a rejected badge starts nothing; an Invalid StartTransaction answer stops the transaction (DeAuthorized)', async () => {
    const s = station();
    cs.respond('Authorize', (req) => ({ idTagInfo: { status: req.idTag === 'BAD' ? 'Invalid' : 'Accepted' } }));
    await s.start();
    await s.plugIn(1, INSTANT_CAR);
    expect(await s.presentBadge(1, 'BAD')).toMatchObject({ authorizeStatus: 'Invalid', started: false });
    cs.respond('StartTransaction', () => ({ idTagInfo: { status: 'Blocked' }, transactionId: 77 }));
    await s.presentBadge(1, 'GOOD');
    await s.whenIdle();
    expect(cs.calls('StopTransaction')).toEqual([expect.objectContaining({ transactionId: 77, reason: 'DeAuthorized' })]);
    expect(s.transactionId(1)).toBeUndefined();
  });
});

describe('offline queue', () => {
  it('delivers StartTransaction, MeterValues and StopTransaction made offline in order, with their own timestamps and the new transactionId', async () => {
    const s = station();
    await s.start();
    await s.plugIn(1, INSTANT_CAR);
    await s.whenIdle();
    await s.goOffline();
    expect(s.isOnline).toBe(false);

    const badge = await s.presentBadge(1, 'OFFLINE-1');
    expect(badge).toEqual({ authorizeStatus: 'Accepted', started: true, local: true, transactionId: undefined });
    advance(s, 10_000);
    advance(s, 10_000);
    advance(s, 5_000);
    await s.unplug(1);
    expect(s.pendingMessages).toEqual(['StartTransaction', 'MeterValues', 'MeterValues', 'StopTransaction']);
    expect(txActions('CP-1')).toEqual([]);

    clock += 3_600_000; // an hour later the network is back
    expect(await s.goOnline()).toBe('Accepted');
    await s.whenIdle();

    const tx = txActions('CP-1');
    expect(tx.map((t) => t.action)).toEqual(['StartTransaction', 'MeterValues', 'MeterValues', 'StopTransaction']);
    expect(tx[0].params).toMatchObject({ idTag: 'OFFLINE-1', timestamp: iso(T0) });
    expect(tx[1].params).toMatchObject({ transactionId: 1000, meterValue: [{ timestamp: iso(T0 + 10_000) }] });
    expect(tx[2].params).toMatchObject({ transactionId: 1000, meterValue: [{ timestamp: iso(T0 + 20_000) }] });
    expect(tx[3].params).toMatchObject({ transactionId: 1000, timestamp: iso(T0 + 25_000), reason: 'EVDisconnected' });
    // Each went exactly once, and the statuses after the boot came first.
    const afterBoot = cs.received.slice(cs.received.findLastIndex((r) => r.action === 'BootNotification') + 1);
    expect(afterBoot.map((r) => r.action)).toEqual([
      'StatusNotification', 'StatusNotification', 'StartTransaction', 'MeterValues', 'MeterValues', 'StopTransaction',
    ]);
  });

  it('a session that started online and ended offline keeps its transactionId', async () => {
    const s = station();
    await s.start();
    await s.plugIn(1, INSTANT_CAR);
    await s.presentBadge(1, 'A');
    await s.goOffline();
    advance(s, 10_000);
    await s.stopTransaction(1, 'Local');
    await s.goOnline();
    await s.whenIdle();
    expect(txActions('CP-1').map((t) => [t.action, t.params.transactionId])).toEqual([
      ['StartTransaction', undefined],
      ['MeterValues', 1000],
      ['StopTransaction', 1000],
    ]);
  });

  it('a call cut off by a dropped link is sent again after reconnecting, once', async () => {
    const s = station();
    await s.start();
    await s.plugIn(1, INSTANT_CAR);
    await s.presentBadge(1, 'A');
    let hold = true;
    cs.respond('MeterValues', () => (hold ? new Promise(() => {}) : {}));
    advance(s, 10_000);
    await cs.waitFor(() => cs.calls('MeterValues').length === 1);
    await s.goOffline();
    expect(s.pendingMessages).toEqual(['MeterValues']);
    hold = false;
    await s.goOnline();
    await s.whenIdle();
    await s.unplug(1);
    await s.whenIdle();
    const mvs = cs.calls('MeterValues');
    expect(mvs).toHaveLength(2);
    expect(mvs[1]).toEqual(mvs[0]);
    expect(cs.calls('StopTransaction')).toHaveLength(1);
  });

  it('reconnects by itself when the central system dies and comes back, then delivers the backlog', async () => {
    const s = station();
    await s.start();
    await s.plugIn(1, INSTANT_CAR);
    await s.presentBadge(1, 'A');
    const port = cs.port;
    const disconnected = new Promise((r) => s.once('disconnected', r));
    await cs.close();
    await disconnected;
    advance(s, 10_000);
    await s.unplug(1);
    cs = await FakeCentralSystem.start({ port, firstTransactionId: 5000 });
    await cs.waitFor(() => cs.calls('StopTransaction').length === 1);
    await s.whenIdle();
    expect(cs.calls('BootNotification')).toHaveLength(1);
    expect(txActions('CP-1').map((t) => [t.action, t.params.transactionId])).toEqual([
      ['MeterValues', 1000],
      ['StopTransaction', 1000],
    ]);
  });

  it('offline authorization follows LocalAuthorizeOffline and AllowOfflineTxForUnknownId', async () => {
    const s = station({ config: { AllowOfflineTxForUnknownId: 'false' } });
    cs.respond('Authorize', (req) => ({ idTagInfo: { status: req.idTag === 'KNOWN' ? 'Accepted' : 'Blocked' } }));
    await s.start();
    await s.presentBadge(1, 'KNOWN'); // now in the authorization cache
    await s.presentBadge(1, 'BLOCKED');
    advance(s, 61_000); // no cable came: ConnectionTimeOut
    expect(s.connectorState(1).status).toBe('Available');
    await s.goOffline();
    await s.plugIn(1, INSTANT_CAR);
    expect(await s.presentBadge(1, 'STRANGER')).toMatchObject({ authorizeStatus: 'Invalid', local: true, started: false });
    expect(await s.presentBadge(1, 'BLOCKED')).toMatchObject({ authorizeStatus: 'Blocked', local: true, started: false });
    expect(await s.presentBadge(1, 'KNOWN')).toMatchObject({ authorizeStatus: 'Accepted', local: true, started: true });
  });
});

describe('charging profiles on the station', () => {
  const failsafe: ChargingProfile = {
    chargingProfileId: 1,
    stackLevel: 0,
    chargingProfilePurpose: 'TxDefaultProfile',
    chargingProfileKind: 'Relative',
    chargingSchedule: { chargingRateUnit: 'A', chargingSchedulePeriod: [{ startPeriod: 0, limit: 6 }] },
  };
  const live = (at: number, limitA: number): ChargingProfile => ({
    chargingProfileId: 2,
    stackLevel: 1,
    chargingProfilePurpose: 'TxDefaultProfile',
    chargingProfileKind: 'Absolute',
    validTo: iso(at + 120_000),
    chargingSchedule: {
      startSchedule: iso(at),
      duration: 120,
      chargingRateUnit: 'A',
      chargingSchedulePeriod: [{ startPeriod: 0, limit: limitA }],
    },
  });

  it('SetChargingProfile changes the limit; when the live profile runs out the station falls back to the failsafe', async () => {
    const s = station();
    const limits: number[] = [];
    s.on('limit', (e) => limits.push(e.limitA));
    await s.start();
    expect(s.getLimitA(1)).toBe(32);
    await s.plugIn(1, { ...INSTANT_CAR, maxCurrentA: 32 });
    await s.presentBadge(1, 'A');
    expect(await cs.call('CP-1', 'SetChargingProfile', { connectorId: 0, csChargingProfiles: failsafe })).toEqual({ status: 'Accepted' });
    expect(await cs.call('CP-1', 'SetChargingProfile', { connectorId: 1, csChargingProfiles: live(clock, 20) })).toEqual({ status: 'Accepted' });
    expect(s.getLimitA(1)).toBe(20);
    advance(s, 60_000);
    expect(s.connectorState(1)).toMatchObject({ currentA: 20, limitA: 20 });

    const composite = await cs.call('CP-1', 'GetCompositeSchedule', { connectorId: 1, duration: 300 });
    expect(composite).toMatchObject({
      status: 'Accepted',
      chargingSchedule: { chargingSchedulePeriod: [{ startPeriod: 0, limit: 20 }, { startPeriod: 60, limit: 6 }] },
    });

    // The central system goes quiet: no renewal.
    await s.goOffline();
    advance(s, 61_000);
    expect(s.getLimitA(1)).toBe(6);
    expect(s.connectorState(1).currentA).toBe(6);
    expect(limits).toEqual([32, 6, 20, 6]);
  });

  it('rejects a TxProfile before the transaction has its id, accepts it after, and drops it when the transaction ends', async () => {
    const s = station();
    await s.start();
    await s.plugIn(1, INSTANT_CAR);
    const txProfile = (transactionId?: number): ChargingProfile => ({
      chargingProfileId: 9,
      stackLevel: 0,
      chargingProfilePurpose: 'TxProfile',
      chargingProfileKind: 'Relative',
      ...(transactionId !== undefined ? { transactionId } : {}),
      chargingSchedule: { chargingRateUnit: 'A', chargingSchedulePeriod: [{ startPeriod: 0, limit: 10 }] },
    });
    expect(await cs.call('CP-1', 'SetChargingProfile', { connectorId: 1, csChargingProfiles: txProfile() })).toEqual({ status: 'Rejected' });
    await s.presentBadge(1, 'A');
    expect(await cs.call('CP-1', 'SetChargingProfile', { connectorId: 1, csChargingProfiles: txProfile(999) })).toEqual({ status: 'Rejected' });
    expect(await cs.call('CP-1', 'SetChargingProfile', { connectorId: 1, csChargingProfiles: txProfile(1000) })).toEqual({ status: 'Accepted' });
    expect(s.getLimitA(1)).toBe(10);
    await s.stopTransaction(1);
    expect(s.getLimitA(1)).toBe(32);
    expect(await cs.call('CP-1', 'ClearChargingProfile', { id: 9 })).toEqual({ status: 'Unknown' });
  });

  it('a limit below 6 A suspends the car (SuspendedEVSE)', async () => {
    const s = station();
    await s.start();
    await s.plugIn(1, INSTANT_CAR);
    await s.presentBadge(1, 'A');
    await cs.call('CP-1', 'SetChargingProfile', { connectorId: 1, csChargingProfiles: { ...live(clock, 0), validTo: undefined, chargingSchedule: { ...live(clock, 0).chargingSchedule, duration: undefined } } });
    advance(s, 1_000);
    await s.whenIdle();
    expect(s.connectorState(1)).toMatchObject({ status: 'SuspendedEVSE', currentA: 0 });
    expect(cs.calls('StatusNotification').at(-1)?.status).toBe('SuspendedEVSE');
  });
});

describe('requests before the boot is accepted (beforeBoot, issue 13)', () => {
  /** Holds the answer to the next BootNotifications until the returned function is called. */
  function holdBoot(): () => void {
    let release = (): void => {};
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    cs.respond('BootNotification', async () => {
      await gate;
      return { status: 'Accepted', currentTime: new Date().toISOString(), interval: 60 };
    });
    return release;
  }
  const getConfiguration = () => cs.call('CP-1', 'GetConfiguration', { key: ['HeartbeatInterval'] });
  /** 'answered', 'refused <code>' or 'no answer' within 300 ms. */
  const outcome = (call: Promise<unknown>): Promise<string> =>
    Promise.race([
      call.then(
        () => 'answered',
        (err: { rpcErrorCode?: string }) => `refused ${err.rpcErrorCode}`,
      ),
      new Promise<string>((resolve) => setTimeout(() => resolve('no answer'), 300)),
    ]);

  it("'answer' (the default) answers requests before the boot, and records them", async () => {
    const release = holdBoot();
    const s = station();
    const started = s.start();
    await cs.waitFor(() => cs.calls('BootNotification').length === 1);
    expect(await outcome(getConfiguration())).toBe('answered');
    release();
    expect(await started).toBe('Accepted');
    expect(s.requestsBeforeBoot).toEqual([{ method: 'GetConfiguration', at: T0 }]);
  });

  it("'refuse' answers SecurityError until the boot is answered Accepted, then answers; again after a reboot", async () => {
    let release = holdBoot();
    const s = station({ beforeBoot: 'refuse' });
    const calls: Array<{ method: string; beforeBoot: boolean }> = [];
    s.on('call', ({ method, beforeBoot }) => calls.push({ method, beforeBoot }));
    const boots: number[] = [];
    s.on('boot', ({ at }) => boots.push(at));
    const started = s.start();
    await cs.waitFor(() => cs.calls('BootNotification').length === 1);
    expect(await outcome(getConfiguration())).toBe('refused SecurityError');
    expect(s.bootAcceptedAt).toBeUndefined();
    clock += 1_000;
    release();
    expect(await started).toBe('Accepted');
    expect(s.bootAcceptedAt).toBe(T0 + 1_000);
    expect(boots).toEqual([T0 + 1_000]);
    expect(await outcome(getConfiguration())).toBe('answered');
    expect(calls).toEqual([
      { method: 'GetConfiguration', beforeBoot: true },
      { method: 'GetConfiguration', beforeBoot: false },
    ]);

    // A reboot: a new connection is not registered until its own boot is accepted.
    release = holdBoot();
    await s.rebootNow();
    await cs.waitFor(() => cs.calls('BootNotification').length === 2);
    expect(await outcome(getConfiguration())).toBe('refused SecurityError');
    const rebooted = new Promise((resolve) => s.once('boot', resolve));
    release();
    await rebooted;
    expect(await outcome(getConfiguration())).toBe('answered');
    expect(s.requestsBeforeBoot.map((r) => r.method)).toEqual(['GetConfiguration', 'GetConfiguration']);
  });

  it("'refuse' also refuses while the boot is Pending", async () => {
    cs.bootStatus = 'Pending';
    const s = station({ beforeBoot: 'refuse' });
    expect(await s.start()).toBe('Pending');
    expect(await outcome(getConfiguration())).toBe('refused SecurityError');
  });

  it("'ignore' never answers a request before the boot is accepted, and the central system's next call waits behind it", async () => {
    const release = holdBoot();
    const s = station({ beforeBoot: 'ignore' });
    const started = s.start();
    await cs.waitFor(() => cs.calls('BootNotification').length === 1);
    const early = outcome(getConfiguration());
    expect(await early).toBe('no answer');
    release();
    expect(await started).toBe('Accepted');
    // One CALL in flight per direction: the central system's next request queues behind the
    // unanswered one (until its timeout), which is what makes an early request so costly.
    const next = getConfiguration().then(() => 'answered', () => 'failed');
    expect(await outcome(next)).toBe('no answer');
    expect(s.requestsBeforeBoot.map((r) => r.method)).toEqual(['GetConfiguration']);
    // Once the link drops, the queue is freed; after the new boot, requests are answered.
    const booted = new Promise((resolve) => s.once('boot', resolve));
    await s.rebootNow();
    await booted;
    expect(await outcome(getConfiguration())).toBe('answered');
    expect(s.requestsBeforeBoot.map((r) => r.method)).toEqual(['GetConfiguration']);
  });
});

describe('reboots with and without the profiles (issue 13)', () => {
  const failsafe: ChargingProfile = {
    chargingProfileId: 1001,
    stackLevel: 0,
    chargingProfilePurpose: 'TxDefaultProfile',
    chargingProfileKind: 'Absolute',
    chargingSchedule: { startSchedule: '2020-01-01T00:00:00Z', chargingRateUnit: 'A', chargingSchedulePeriod: [{ startPeriod: 0, limit: 6 }] },
  };
  const rebootAndBoot = async (s: SimStation, options?: { loseProfiles?: boolean }): Promise<void> => {
    const booted = new Promise((resolve) => s.once('boot', resolve));
    await s.rebootNow(options);
    expect(s.isOnline).toBe(false);
    await booted;
  };

  it('rebootNow() keeps the profiles unless told to lose them; loseProfilesOnReboot loses them on every reboot', async () => {
    const keeps = station();
    await keeps.start();
    await cs.call('CP-1', 'SetChargingProfile', { connectorId: 1, csChargingProfiles: failsafe });
    expect(keeps.getLimitA(1)).toBe(6);
    await rebootAndBoot(keeps);
    expect(keeps.getLimitA(1)).toBe(6);
    const limits: number[] = [];
    keeps.on('limit', ({ limitA }) => limits.push(limitA));
    await rebootAndBoot(keeps, { loseProfiles: true });
    expect(keeps.getLimitA(1)).toBe(32);
    expect(limits).toEqual([32]);

    const loses = station({ loseProfilesOnReboot: true });
    await loses.start();
    await cs.call('CP-2', 'SetChargingProfile', { connectorId: 1, csChargingProfiles: failsafe });
    expect(loses.getLimitA(1)).toBe(6);
    const booted = new Promise((resolve) => loses.once('boot', resolve));
    await cs.call('CP-2', 'Reset', { type: 'Hard' });
    await booted;
    expect(loses.getLimitA(1)).toBe(32);
    expect(cs.calls('BootNotification', 'CP-2')).toHaveLength(2);
  });
});
