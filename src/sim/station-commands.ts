// How a simulated station answers the central system's commands (spec O4, OCPP 1.6 §5). ocpp-rpc
// validates every request and answer against the official schemas (strict mode), so a handler
// only sees well-formed requests and must answer well-formed ones. Effects that send messages
// run after the answer (setImmediate), as on a real station.

import type { ChargingProfileSet, ConnectorTransaction } from './charging-profiles.js';
import type { LocalAuth } from './local-auth.js';
import type {
  ChargePointErrorCode,
  ChargePointStatus,
  ChargingProfile,
  IdTagInfo,
  StationAction,
  StationCalls,
  StopReason,
  TriggerableMessage,
} from './ocpp-types.js';
import { NO_ANSWER, type RpcLink } from './rpc-link.js';
import type { StationConfig } from './station-config.js';
import type { Connector } from './station-physics.js';

/** The parts of a station that its command handlers use. */
export interface StationCommandHost {
  now(): number;
  config: StationConfig;
  profiles: ChargingProfileSet;
  auth: LocalAuth;
  connectors: readonly Connector[];
  station0Status(): ChargePointStatus;
  setStation0Status(status: ChargePointStatus): void;
  /** The connector's transaction; with `requireId`, only once the central system has numbered it. */
  txContext(c: Connector, requireId: boolean): ConnectorTransaction | undefined;
  transactionIdOf(c: Connector): number | undefined;
  limitsChanged(): void;
  /** A firmware that refuses every SetChargingProfile, as some real stations do at times. */
  refusesProfiles(): boolean;
  /** Leaves every SetChargingProfile unanswered (SimStation.dropChargingProfiles). */
  dropsProfiles(): boolean;
  authorize(idTag: string): Promise<{ info: IdTagInfo; local: boolean }>;
  beginSession(c: Connector, idTag: string, profile?: ChargingProfile): void;
  endSession(c: Connector, reason: StopReason): void;
  updateStatus(c: Connector): void;
  sendStatus(connectorId: number, status: ChargePointStatus, errorCode: ChargePointErrorCode): void;
  sendAllStatuses(): void;
  /** A MeterValues sample now, context Trigger. */
  sampleNow(c: Connector): void;
  boot(): void;
  reset(type: 'Hard' | 'Soft'): void;
  /** A station that really downloads and installs firmware (station-firmware.ts); without it, the steps are only reported. */
  updateFirmware?(location: string, startAt: number): void;
  /** Runs `run` when the station's clock reaches `at`. */
  schedule(at: number, run: () => void): void;
  send<A extends StationAction>(action: A, req: StationCalls[A]['req']): void;
  warn(message: string): void;
}

/** Steps of a firmware update or diagnostics upload, 2 s of station time apart. */
const STEP_MS = 2_000;

const later = (fn: () => void): void => {
  setImmediate(fn);
};

export function registerStationCommands(link: RpcLink, host: StationCommandHost): void {
  const connector = (id: number): Connector | undefined => (id >= 1 ? host.connectors[id - 1] : undefined);

  link.handle('RemoteStartTransaction', (req) => ({ status: remoteStart(host, req.connectorId, req.idTag, req.chargingProfile) }));

  link.handle('RemoteStopTransaction', (req) => {
    const c = host.connectors.find((x) => x.session && host.transactionIdOf(x) === req.transactionId);
    if (!c) return { status: 'Rejected' };
    later(() => c.session && host.endSession(c, 'Remote'));
    return { status: 'Accepted' };
  });

  link.handle('Reset', (req) => {
    later(() => host.reset(req.type));
    return { status: 'Accepted' };
  });

  link.handle('UnlockConnector', (req) => {
    const c = connector(req.connectorId);
    if (!c) return { status: 'NotSupported' };
    if (c.session) host.endSession(c, 'UnlockCommand');
    return { status: 'Unlocked' };
  });

  link.handle('ChangeAvailability', (req) => {
    const targets = req.connectorId === 0 ? host.connectors : [connector(req.connectorId)];
    if (targets.some((c) => c === undefined)) return { status: 'Rejected' };
    const operative = req.type === 'Operative';
    let scheduled = false;
    for (const c of targets as Connector[]) {
      // §5.2: a connector in a transaction becomes unavailable when the transaction ends.
      if (!operative && c.session) {
        c.inoperativeScheduled = true;
        scheduled = true;
      } else {
        c.inoperativeScheduled = false;
        c.operative = operative;
      }
    }
    if (req.connectorId === 0) host.setStation0Status(operative ? 'Available' : 'Unavailable');
    later(() => {
      if (req.connectorId === 0) host.sendStatus(0, host.station0Status(), 'NoError');
      for (const c of targets as Connector[]) host.updateStatus(c);
    });
    return { status: scheduled ? 'Scheduled' : 'Accepted' };
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

  link.handle('TriggerMessage', (req) => {
    if (req.connectorId !== undefined && (req.connectorId < 0 || req.connectorId > host.connectors.length)) {
      return { status: 'Rejected' };
    }
    later(() => trigger(host, req.requestedMessage, req.connectorId));
    return { status: 'Accepted' };
  });

  link.handle('SetChargingProfile', (req) => {
    if (host.dropsProfiles()) {
      host.warn('SetChargingProfile dropped: this station leaves it unanswered');
      return NO_ANSWER;
    }
    if (host.refusesProfiles()) {
      host.warn('SetChargingProfile Rejected: this station refuses charging profiles');
      return { status: 'Rejected' };
    }
    // A TxProfile needs a transaction the central system has numbered, as on real stations.
    const c = connector(req.connectorId);
    const tx = c ? host.txContext(c, true) : undefined;
    const result = host.profiles.install(req.connectorId, req.csChargingProfiles, host.now(), tx);
    if (result.status === 'Accepted') host.limitsChanged();
    else host.warn(`SetChargingProfile ${result.status}: ${result.reason ?? ''}`);
    return { status: result.status };
  });

  link.handle('ClearChargingProfile', (req) => {
    const status = host.profiles.clear(req);
    if (status === 'Accepted') host.limitsChanged();
    return { status };
  });

  link.handle('GetCompositeSchedule', (req) => {
    if (req.connectorId < 0 || req.connectorId > host.connectors.length || req.duration <= 0) return { status: 'Rejected' };
    const unit = req.chargingRateUnit ?? host.profiles.rules.allowedUnits[0] ?? 'A';
    if (!host.profiles.rules.allowedUnits.includes(unit)) return { status: 'Rejected' };
    const composite = host.profiles.compositeSchedule(req.connectorId, host.now(), req.duration, unit, host.connectors, (id) => {
      const c = connector(id);
      return c ? host.txContext(c, false) : undefined;
    });
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
    if (host.updateFirmware) {
      host.updateFirmware(req.location, startAt);
      return {};
    }
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

/** RemoteStartTransaction (§5.11): on the given or first free connector; waits for the cable if needed. */
function remoteStart(
  host: StationCommandHost,
  connectorId: number | undefined,
  idTag: string,
  profile: ChargingProfile | undefined,
): 'Accepted' | 'Rejected' {
  const free = (c: Connector) => !c.session && c.operative;
  const c =
    connectorId === undefined
      ? (host.connectors.find((x) => free(x) && x.plugged) ?? host.connectors.find(free))
      : connectorId >= 1
        ? host.connectors[connectorId - 1]
        : undefined;
  if (!c || !free(c)) return 'Rejected';
  if (profile && profile.chargingProfilePurpose !== 'TxProfile') return 'Rejected';
  later(() => {
    void (async () => {
      if (host.config.bool('AuthorizeRemoteTxRequests')) {
        const { info } = await host.authorize(idTag);
        if (info.status !== 'Accepted') return;
      }
      if (c.session) return;
      if (c.plugged) host.beginSession(c, idTag, profile);
      else {
        c.authorized = { idTag, profile, expiresAt: host.now() + host.config.int('ConnectionTimeOut', 60) * 1000 };
        host.updateStatus(c);
      }
    })().catch((err) => host.warn(`remote start failed: ${String(err)}`));
  });
  return 'Accepted';
}

function trigger(host: StationCommandHost, message: TriggerableMessage, connectorId: number | undefined): void {
  const targets = connectorId ? [host.connectors[connectorId - 1]] : host.connectors;
  switch (message) {
    case 'BootNotification':
      host.boot();
      break;
    case 'Heartbeat':
      host.send('Heartbeat', {});
      break;
    case 'StatusNotification':
      if (connectorId === undefined) host.sendAllStatuses();
      else if (connectorId === 0) host.sendStatus(0, host.station0Status(), 'NoError');
      else host.sendStatus(targets[0].id, targets[0].status, targets[0].errorCode);
      break;
    case 'MeterValues':
      for (const c of targets) host.sampleNow(c);
      break;
    case 'DiagnosticsStatusNotification':
      host.send('DiagnosticsStatusNotification', { status: 'Idle' });
      break;
    case 'FirmwareStatusNotification':
      host.send('FirmwareStatusNotification', { status: 'Idle' });
      break;
  }
}
