// How a simulated station answers the central system's commands (spec O4, OCPP 1.6 §5). ocpp-rpc
// validates every request and answer against the official schemas (strict mode), so a handler
// only sees well-formed requests and must answer well-formed ones.

import type { ChargingProfileSet, ConnectorHardware, ConnectorTransaction } from './charging-profiles.js';
import type { LocalAuth } from './local-auth.js';
import type { ChargingProfile, StationAction, StationCalls } from './ocpp-types.js';
import type { RpcLink } from './rpc-link.js';
import type { StationConfig } from './station-config.js';

/** The parts of a station that its command handlers use. */
export interface StationCommandHost {
  now(): number;
  config: StationConfig;
  profiles: ChargingProfileSet;
  auth: LocalAuth;
  connectorCount: number;
  hardware(): readonly ConnectorHardware[];
  /** The connector's transaction; with `requireId`, only once the central system has numbered it. */
  txContext(connectorId: number, requireId: boolean): ConnectorTransaction | undefined;
  limitsChanged(): void;
  remoteStart(connectorId: number | undefined, idTag: string, profile?: ChargingProfile): 'Accepted' | 'Rejected';
  remoteStop(transactionId: number): 'Accepted' | 'Rejected';
  /** Answers first, then reboots. */
  reset(type: 'Hard' | 'Soft'): void;
  unlock(connectorId: number): 'Unlocked' | 'UnlockFailed' | 'NotSupported';
  changeAvailability(connectorId: number, operative: boolean): 'Accepted' | 'Rejected' | 'Scheduled';
  trigger(message: string, connectorId: number | undefined): 'Accepted' | 'Rejected';
  /** Runs `run` when the station's clock reaches `at`. */
  schedule(at: number, run: () => void): void;
  send<A extends StationAction>(action: A, req: StationCalls[A]['req']): void;
}

/** Steps of a firmware update or diagnostics upload, 2 s of station time apart. */
const STEP_MS = 2_000;

export function registerStationCommands(link: RpcLink, host: StationCommandHost): void {
  link.handle('RemoteStartTransaction', (req) => ({
    status: req.connectorId === 0 ? 'Rejected' : host.remoteStart(req.connectorId, req.idTag, req.chargingProfile),
  }));

  link.handle('RemoteStopTransaction', (req) => ({ status: host.remoteStop(req.transactionId) }));

  link.handle('Reset', (req) => {
    host.reset(req.type);
    return { status: 'Accepted' };
  });

  link.handle('UnlockConnector', (req) => ({ status: host.unlock(req.connectorId) }));

  link.handle('ChangeAvailability', (req) => {
    if (req.connectorId < 0 || req.connectorId > host.connectorCount) return { status: 'Rejected' };
    return { status: host.changeAvailability(req.connectorId, req.type === 'Operative') };
  });

  link.handle('ChangeConfiguration', (req) => ({ status: host.config.change(req.key, req.value) }));

  link.handle('GetConfiguration', (req) => {
    const max = host.config.int('GetConfigurationMaxKeys', 64);
    if (req.key && req.key.length > max) return { unknownKey: req.key.slice(0, max) };
    const { configurationKey, unknownKey } = host.config.read(req.key);
    return unknownKey.length > 0 ? { configurationKey, unknownKey } : { configurationKey };
  });

  link.handle('ClearCache', () => {
    host.auth.clearCache();
    return { status: 'Accepted' };
  });

  link.handle('TriggerMessage', (req) => ({ status: host.trigger(req.requestedMessage, req.connectorId) }));

  link.handle('SetChargingProfile', (req) => {
    const profile = req.csChargingProfiles;
    // A TxProfile needs a transaction the central system knows (numbered), as on real stations.
    const tx =
      req.connectorId > 0 && req.connectorId <= host.connectorCount ? host.txContext(req.connectorId, true) : undefined;
    const result = host.profiles.install(req.connectorId, profile, host.now(), tx);
    if (result.status === 'Accepted') host.limitsChanged();
    return { status: result.status };
  });

  link.handle('ClearChargingProfile', (req) => {
    const status = host.profiles.clear(req);
    if (status === 'Accepted') host.limitsChanged();
    return { status };
  });

  link.handle('GetCompositeSchedule', (req) => {
    if (req.connectorId < 0 || req.connectorId > host.connectorCount || req.duration <= 0) return { status: 'Rejected' };
    const unit = req.chargingRateUnit ?? host.profiles.rules.allowedUnits[0] ?? 'A';
    if (!host.profiles.rules.allowedUnits.includes(unit)) return { status: 'Rejected' };
    const composite = host.profiles.compositeSchedule(req.connectorId, host.now(), req.duration, unit, host.hardware(), (id) =>
      host.txContext(id, false),
    );
    return { status: 'Accepted', ...composite };
  });

  link.handle('SendLocalList', (req) => {
    if (!host.config.bool('LocalAuthListEnabled')) return { status: 'NotSupported' };
    return { status: host.auth.update(req.listVersion, req.updateType, req.localAuthorizationList) };
  });

  link.handle('GetLocalListVersion', () => ({
    // §5.9: -1 when the station does not support a local list.
    listVersion: host.config.bool('LocalAuthListEnabled') ? host.auth.listVersion : -1,
  }));

  link.handle('UpdateFirmware', (req) => {
    const startAt = Math.max(host.now(), Date.parse(req.retrieveDate) || 0);
    const steps = ['Downloading', 'Downloaded', 'Installing', 'Installed'] as const;
    steps.forEach((status, i) => host.schedule(startAt + i * STEP_MS, () => host.send('FirmwareStatusNotification', { status })));
    return {};
  });

  link.handle('GetDiagnostics', () => {
    // Nothing is uploaded: the simulator never contacts the given location.
    const at = host.now();
    host.schedule(at, () => host.send('DiagnosticsStatusNotification', { status: 'Uploading' }));
    host.schedule(at + STEP_MS, () => host.send('DiagnosticsStatusNotification', { status: 'Uploaded' }));
    return { fileName: `diagnostics-${new Date(at).toISOString().replace(/[:.]/g, '-')}.log` };
  });

  link.handle('DataTransfer', () => ({ status: 'UnknownVendorId' }));
}
