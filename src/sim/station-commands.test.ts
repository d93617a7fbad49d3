// The station-side commands of spec O4, sent by a real ocpp-rpc server in strict mode.

import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FakeCentralSystem } from './fake-central-system.js';
import { SimStation } from './sim-station.js';

const T0 = Date.parse('2025-03-03T08:00:00Z');
const CAR = { reactionDelayMs: 0, rampUpAPerS: Infinity };

let cs: FakeCentralSystem;
let clock: number;
let s: SimStation;

beforeEach(async () => {
  clock = T0;
  cs = await FakeCentralSystem.start({ firstTransactionId: 50 });
  s = new SimStation({
    id: 'CP-1',
    url: cs.url,
    now: () => clock,
    tickIntervalMs: 0,
    reconnectDelayMs: 20,
    rebootDelayMs: 10,
    connectors: [{}, { phases: 'L2', maxCurrentA: 16 }],
  });
  await s.start();
  await s.whenIdle();
});

afterEach(async () => {
  await s.stop();
  await cs.close();
});

const lastStatus = (connectorId: number) => cs.calls('StatusNotification').filter((p) => p.connectorId === connectorId).at(-1)?.status;

describe('configuration', () => {
  it('GetConfiguration lists known keys and reports unknown ones', async () => {
    const all = await cs.call('CP-1', 'GetConfiguration', {});
    const keys = all.configurationKey?.map((k) => k.key) ?? [];
    for (const key of [
      'MeterValueSampleInterval', 'MeterValuesSampledData', 'HeartbeatInterval', 'ChargeProfileMaxStackLevel',
      'ChargingScheduleAllowedChargingRateUnit', 'ChargingScheduleMaxPeriods', 'MaxChargingProfilesInstalled',
      'AuthorizationKey', 'LocalAuthorizeOffline', 'AllowOfflineTxForUnknownId', 'AuthorizationCacheEnabled',
      'LocalAuthListEnabled', 'LocalPreAuthorize', 'ConnectorPhaseRotation',
    ]) {
      expect(keys).toContain(key);
    }
    const some = await cs.call('CP-1', 'GetConfiguration', { key: ['ChargeProfileMaxStackLevel', 'ConnectorPhaseRotation', 'Nope', 'AuthorizationKey'] });
    expect(some).toEqual({
      configurationKey: [
        { key: 'ChargeProfileMaxStackLevel', readonly: true, value: '8' },
        { key: 'ConnectorPhaseRotation', readonly: false, value: '0.RST,1.RST,2.STR' },
        // Write-only: never read back.
        { key: 'AuthorizationKey', readonly: false },
      ],
      unknownKey: ['Nope'],
    });
  });

  it('ChangeConfiguration: Accepted, NotSupported for unknown keys, Rejected for read-only or malformed values', async () => {
    const change = (key: string, value: string) => cs.call('CP-1', 'ChangeConfiguration', { key, value });
    expect(await change('MeterValueSampleInterval', '5')).toEqual({ status: 'Accepted' });
    expect(await change('NoSuchKey', '1')).toEqual({ status: 'NotSupported' });
    expect(await change('ChargeProfileMaxStackLevel', '20')).toEqual({ status: 'Rejected' });
    expect(await change('MeterValueSampleInterval', 'ten')).toEqual({ status: 'Rejected' });
    expect(await change('LocalPreAuthorize', 'maybe')).toEqual({ status: 'Rejected' });
    expect(await change('MeterValuesSampledData', 'Energy.Active.Import.Register,Nonsense')).toEqual({ status: 'Rejected' });
    expect(await change('MeterValuesSampledData', 'Energy.Active.Import.Register,Current.Offered')).toEqual({ status: 'Accepted' });
    expect(s.config.get('MeterValueSampleInterval')).toBe('5');
  });

  it('MeterValueSampleInterval and MeterValuesSampledData shape the meter values', async () => {
    await cs.call('CP-1', 'ChangeConfiguration', { key: 'MeterValueSampleInterval', value: '5' });
    await cs.call('CP-1', 'ChangeConfiguration', { key: 'MeterValuesSampledData', value: 'Energy.Active.Import.Register,Current.Offered' });
    await s.plugIn(2, { ...CAR, phases: 1 });
    await s.presentBadge(2, 'A');
    clock += 5_000;
    s.tick();
    await s.whenIdle();
    expect(cs.calls('MeterValues')[0]).toMatchObject({
      connectorId: 2,
      transactionId: 50,
      meterValue: [
        {
          sampledValue: [
            { measurand: 'Energy.Active.Import.Register', value: String(Math.floor((16 * 230 * 5) / 3600)) },
            { measurand: 'Current.Offered', value: '16.0' },
          ],
        },
      ],
    });
  });

  it('a new AuthorizationKey is the password of the next connection', async () => {
    await cs.close();
    cs = await FakeCentralSystem.start({ passwords: { 'CP-2': 'first-key-0000001' } });
    const st = new SimStation({ id: 'CP-2', url: cs.url, password: 'first-key-0000001', tickIntervalMs: 0, rebootDelayMs: 10 });
    try {
      await st.start();
      expect(await cs.call('CP-2', 'ChangeConfiguration', { key: 'AuthorizationKey', value: 'second-key-000002' })).toEqual({ status: 'Accepted' });
      const port = cs.port;
      await st.goOffline();
      await cs.close();
      cs = await FakeCentralSystem.start({ port, passwords: { 'CP-2': 'second-key-000002' } });
      expect(await st.goOnline()).toBe('Accepted');
    } finally {
      await st.stop();
    }
  });
});

describe('remote start and stop', () => {
  it('RemoteStartTransaction on a plugged connector starts at once, with its TxProfile; RemoteStopTransaction stops it', async () => {
    await s.plugIn(1, CAR);
    const profile = {
      chargingProfileId: 30,
      stackLevel: 0,
      chargingProfilePurpose: 'TxProfile' as const,
      chargingProfileKind: 'Relative' as const,
      chargingSchedule: { chargingRateUnit: 'A' as const, chargingSchedulePeriod: [{ startPeriod: 0, limit: 8 }] },
    };
    expect(await cs.call('CP-1', 'RemoteStartTransaction', { connectorId: 1, idTag: 'REMOTE', chargingProfile: profile })).toEqual({ status: 'Accepted' });
    await cs.waitFor(() => cs.calls('StartTransaction').length === 1);
    await s.whenIdle();
    expect(cs.calls('StartTransaction')[0]).toMatchObject({ connectorId: 1, idTag: 'REMOTE' });
    expect(s.getLimitA(1)).toBe(8);
    expect(await cs.call('CP-1', 'RemoteStartTransaction', { connectorId: 1, idTag: 'OTHER' })).toEqual({ status: 'Rejected' });
    expect(await cs.call('CP-1', 'RemoteStopTransaction', { transactionId: 999 })).toEqual({ status: 'Rejected' });
    expect(await cs.call('CP-1', 'RemoteStopTransaction', { transactionId: 50 })).toEqual({ status: 'Accepted' });
    await cs.waitFor(() => cs.calls('StopTransaction').length === 1);
    expect(cs.calls('StopTransaction')[0]).toMatchObject({ transactionId: 50, reason: 'Remote' });
    expect(s.getLimitA(1)).toBe(32);
  });

  it('RemoteStartTransaction without a cable waits for it (Preparing), and Authorizes first when AuthorizeRemoteTxRequests', async () => {
    await cs.call('CP-1', 'ChangeConfiguration', { key: 'AuthorizeRemoteTxRequests', value: 'true' });
    expect(await cs.call('CP-1', 'RemoteStartTransaction', { idTag: 'REMOTE' })).toEqual({ status: 'Accepted' });
    await cs.waitFor(() => lastStatus(1) === 'Preparing');
    expect(cs.calls('Authorize')).toEqual([{ idTag: 'REMOTE' }]);
    await s.plugIn(1, CAR);
    await s.whenIdle();
    expect(cs.calls('StartTransaction')).toHaveLength(1);
    expect(s.transactionId(1)).toBe(50);
  });
});

describe('station control', () => {
  it('Soft Reset stops the transaction (SoftReset), reconnects and boots again', async () => {
    await s.plugIn(1, CAR);
    await s.presentBadge(1, 'A');
    const reboot = new Promise((r) => s.once('boot', r));
    expect(await cs.call('CP-1', 'Reset', { type: 'Soft' })).toEqual({ status: 'Accepted' });
    await reboot;
    await s.whenIdle();
    expect(cs.calls('StopTransaction')).toEqual([expect.objectContaining({ transactionId: 50, reason: 'SoftReset' })]);
    expect(cs.calls('BootNotification')).toHaveLength(2);
    expect(s.isOnline).toBe(true);
  });

  it('Hard Reset stops the transaction with HardReset, delivered after the reboot', async () => {
    await s.plugIn(1, CAR);
    await s.presentBadge(1, 'A');
    const reboot = new Promise((r) => s.once('boot', r));
    await cs.call('CP-1', 'Reset', { type: 'Hard' });
    await reboot;
    await s.whenIdle();
    expect(cs.calls('StopTransaction')).toEqual([expect.objectContaining({ transactionId: 50, reason: 'HardReset' })]);
  });

  it('UnlockConnector stops the transaction (UnlockCommand)', async () => {
    await s.plugIn(1, CAR);
    await s.presentBadge(1, 'A');
    expect(await cs.call('CP-1', 'UnlockConnector', { connectorId: 1 })).toEqual({ status: 'Unlocked' });
    expect(await cs.call('CP-1', 'UnlockConnector', { connectorId: 7 })).toEqual({ status: 'NotSupported' });
    await s.whenIdle();
    expect(cs.calls('StopTransaction')[0]).toMatchObject({ reason: 'UnlockCommand' });
  });

  it('ChangeAvailability: Accepted when idle, Scheduled during a transaction, Rejected for a missing connector', async () => {
    expect(await cs.call('CP-1', 'ChangeAvailability', { connectorId: 2, type: 'Inoperative' })).toEqual({ status: 'Accepted' });
    await cs.waitFor(() => lastStatus(2) === 'Unavailable');
    await s.plugIn(1, CAR);
    await s.presentBadge(1, 'A');
    expect(await cs.call('CP-1', 'ChangeAvailability', { connectorId: 1, type: 'Inoperative' })).toEqual({ status: 'Scheduled' });
    expect(await cs.call('CP-1', 'ChangeAvailability', { connectorId: 3, type: 'Inoperative' })).toEqual({ status: 'Rejected' });
    await s.unplug(1);
    await s.whenIdle();
    expect(lastStatus(1)).toBe('Unavailable');
    expect((await s.presentBadge(1, 'B')).started).toBe(false);
    expect(await cs.call('CP-1', 'ChangeAvailability', { connectorId: 0, type: 'Operative' })).toEqual({ status: 'Accepted' });
    await cs.waitFor(() => lastStatus(1) === 'Available' && lastStatus(2) === 'Available');
  });

  it('TriggerMessage sends the requested message after answering', async () => {
    expect(await cs.call('CP-1', 'TriggerMessage', { requestedMessage: 'Heartbeat' })).toEqual({ status: 'Accepted' });
    await cs.waitFor(() => cs.calls('Heartbeat').length === 1);
    const before = cs.calls('StatusNotification').length;
    await cs.call('CP-1', 'TriggerMessage', { requestedMessage: 'StatusNotification', connectorId: 2 });
    await cs.waitFor(() => cs.calls('StatusNotification').length === before + 1);
    expect(cs.calls('StatusNotification').at(-1)).toMatchObject({ connectorId: 2, status: 'Available' });
    await cs.call('CP-1', 'TriggerMessage', { requestedMessage: 'MeterValues', connectorId: 1 });
    await cs.waitFor(() => cs.calls('MeterValues').length === 1);
    expect(cs.calls('MeterValues')[0].meterValue[0].sampledValue[0]).toMatchObject({ context: 'Trigger' });
    await cs.call('CP-1', 'TriggerMessage', { requestedMessage: 'BootNotification' });
    await cs.waitFor(() => cs.calls('BootNotification').length === 2);
    expect(await cs.call('CP-1', 'TriggerMessage', { requestedMessage: 'Heartbeat', connectorId: 9 })).toEqual({ status: 'Rejected' });
  });
});

describe('authorization lists', () => {
  it('SendLocalList, GetLocalListVersion, and the list used offline', async () => {
    expect(await cs.call('CP-1', 'GetLocalListVersion', {})).toEqual({ listVersion: 0 });
    expect(
      await cs.call('CP-1', 'SendLocalList', {
        listVersion: 3,
        updateType: 'Full',
        localAuthorizationList: [{ idTag: 'LISTED', idTagInfo: { status: 'Accepted' } }, { idTag: 'BANNED', idTagInfo: { status: 'Blocked' } }],
      }),
    ).toEqual({ status: 'Accepted' });
    expect(await cs.call('CP-1', 'SendLocalList', { listVersion: 2, updateType: 'Differential', localAuthorizationList: [] })).toEqual({ status: 'VersionMismatch' });
    expect(await cs.call('CP-1', 'GetLocalListVersion', {})).toEqual({ listVersion: 3 });
    expect(await cs.call('CP-1', 'ClearCache', {})).toEqual({ status: 'Accepted' });
    await s.goOffline();
    await s.plugIn(1, CAR);
    expect(await s.presentBadge(1, 'BANNED')).toMatchObject({ authorizeStatus: 'Blocked', started: false });
    expect(await s.presentBadge(1, 'LISTED')).toMatchObject({ authorizeStatus: 'Accepted', started: true, local: true });
  });

  it('LocalAuthListEnabled false: SendLocalList NotSupported, version -1', async () => {
    await cs.call('CP-1', 'ChangeConfiguration', { key: 'LocalAuthListEnabled', value: 'false' });
    expect(await cs.call('CP-1', 'SendLocalList', { listVersion: 1, updateType: 'Full' })).toEqual({ status: 'NotSupported' });
    expect(await cs.call('CP-1', 'GetLocalListVersion', {})).toEqual({ listVersion: -1 });
  });
});

describe('firmware, diagnostics and the rest', () => {
  it('UpdateFirmware reports Downloading → Installed; GetDiagnostics names a file and reports Uploaded (nothing is contacted)', async () => {
    expect(await cs.call('CP-1', 'UpdateFirmware', { location: 'http://192.0.2.1/fw.bin', retrieveDate: new Date(T0).toISOString() })).toEqual({});
    for (let i = 0; i < 4; i++) {
      s.tick();
      clock += 2_000;
    }
    await s.whenIdle();
    expect(cs.calls('FirmwareStatusNotification').map((p) => p.status)).toEqual(['Downloading', 'Downloaded', 'Installing', 'Installed']);
    const diag = await cs.call('CP-1', 'GetDiagnostics', { location: 'ftp://192.0.2.1/upload' });
    expect(diag.fileName).toMatch(/^diagnostics-.*\.log$/);
    s.tick();
    clock += 2_000;
    s.tick();
    await s.whenIdle();
    expect(cs.calls('DiagnosticsStatusNotification').map((p) => p.status)).toEqual(['Uploading', 'Uploaded']);
  });

  it('ClearChargingProfile and GetCompositeSchedule answer per the spec', async () => {
    expect(await cs.call('CP-1', 'ClearChargingProfile', {})).toEqual({ status: 'Unknown' });
    expect(await cs.call('CP-1', 'GetCompositeSchedule', { connectorId: 5, duration: 60 })).toEqual({ status: 'Rejected' });
    expect(await cs.call('CP-1', 'GetCompositeSchedule', { connectorId: 1, duration: 60, chargingRateUnit: 'W' })).toEqual({ status: 'Rejected' });
    expect(await cs.call('CP-1', 'GetCompositeSchedule', { connectorId: 0, duration: 60 })).toMatchObject({
      status: 'Accepted',
      connectorId: 0,
      chargingSchedule: { chargingRateUnit: 'A', chargingSchedulePeriod: [{ startPeriod: 0, limit: 48 }] },
    });
    expect(
      await cs.call('CP-1', 'SetChargingProfile', {
        connectorId: 0,
        csChargingProfiles: {
          chargingProfileId: 1,
          stackLevel: 9,
          chargingProfilePurpose: 'TxDefaultProfile',
          chargingProfileKind: 'Relative',
          chargingSchedule: { chargingRateUnit: 'A', chargingSchedulePeriod: [{ startPeriod: 0, limit: 6 }] },
        },
      }),
    ).toEqual({ status: 'Rejected' });
  });

  it('an action the station does not implement gets NotImplemented; DataTransfer gets UnknownVendorId', async () => {
    const client = cs.clients.get('CP-1');
    const err = await client?.call('ReserveNow', { connectorId: 1, expiryDate: new Date(T0).toISOString(), idTag: 'A', reservationId: 1 }).catch((e: unknown) => e);
    expect(err).toMatchObject({ rpcErrorCode: 'NotImplemented' });
    expect(await cs.call('CP-1', 'DataTransfer', { vendorId: 'com.example' })).toEqual({ status: 'UnknownVendorId' });
  });
});
