// The configuration keys of a simulated station (OCPP 1.6 §9), for GetConfiguration and
// ChangeConfiguration. Values are strings on the wire; typed getters read them.

import type { ConfigurationKey, ServerCalls } from './ocpp-types.js';

type Kind = 'int' | 'bool' | 'csl-measurand' | 'phase-rotation' | 'string';

interface KeyDef {
  kind: Kind;
  readonly: boolean;
  /** AuthorizationKey: can be set, never read back (security whitepaper). */
  writeOnly?: boolean;
  value: string;
}

/** ChangeConfiguration's answer status. */
export type ChangeStatus = ServerCalls['ChangeConfiguration']['conf']['status'];

/** Measurands the simulated meter can sample. */
export const SUPPORTED_MEASURANDS = [
  'Energy.Active.Import.Register',
  'Current.Import',
  'Current.Offered',
  'Power.Active.Import',
  'Voltage',
  'SoC',
] as const;

const ROTATIONS = ['NotApplicable', 'Unknown', 'RST', 'RTS', 'SRT', 'STR', 'TRS', 'TSR'];

export interface StationConfigInit {
  connectorCount: number;
  meterValueIntervalS: number;
  phaseRotation: string;
  authorizationKey?: string;
  overrides?: Record<string, string>;
}

function defaults(init: StationConfigInit): Record<string, KeyDef> {
  const rw = (kind: Kind, value: string): KeyDef => ({ kind, readonly: false, value });
  const ro = (kind: Kind, value: string): KeyDef => ({ kind, readonly: true, value });
  return {
    // Core
    AllowOfflineTxForUnknownId: rw('bool', 'true'),
    AuthorizationCacheEnabled: rw('bool', 'true'),
    AuthorizeRemoteTxRequests: rw('bool', 'false'),
    ClockAlignedDataInterval: rw('int', '0'),
    ConnectionTimeOut: rw('int', '60'),
    ConnectorPhaseRotation: rw('phase-rotation', init.phaseRotation),
    GetConfigurationMaxKeys: ro('int', '64'),
    HeartbeatInterval: rw('int', '300'),
    LocalAuthorizeOffline: rw('bool', 'true'),
    LocalPreAuthorize: rw('bool', 'false'),
    MeterValuesAlignedData: rw('csl-measurand', 'Energy.Active.Import.Register'),
    MeterValuesSampledData: rw('csl-measurand', 'Energy.Active.Import.Register,Current.Import,Power.Active.Import'),
    MeterValuesSampledDataMaxLength: ro('int', String(SUPPORTED_MEASURANDS.length)),
    MeterValueSampleInterval: rw('int', String(init.meterValueIntervalS)),
    NumberOfConnectors: ro('int', String(init.connectorCount)),
    ResetRetries: rw('int', '1'),
    StopTransactionOnEVSideDisconnect: rw('bool', 'true'),
    StopTransactionOnInvalidId: rw('bool', 'true'),
    StopTxnAlignedData: rw('csl-measurand', ''),
    StopTxnSampledData: rw('csl-measurand', 'Energy.Active.Import.Register'),
    SupportedFeatureProfiles: ro('string', 'Core,FirmwareManagement,LocalAuthListManagement,RemoteTrigger,SmartCharging'),
    TransactionMessageAttempts: rw('int', '3'),
    TransactionMessageRetryInterval: rw('int', '10'),
    UnlockConnectorOnEVSideDisconnect: rw('bool', 'true'),
    WebSocketPingInterval: rw('int', '0'),
    // Local authorization list
    LocalAuthListEnabled: rw('bool', 'true'),
    LocalAuthListMaxLength: ro('int', '100'),
    SendLocalListMaxLength: ro('int', '100'),
    // Smart charging
    ChargeProfileMaxStackLevel: ro('int', '8'),
    ChargingScheduleAllowedChargingRateUnit: ro('string', 'Current'),
    ChargingScheduleMaxPeriods: ro('int', '24'),
    MaxChargingProfilesInstalled: ro('int', '32'),
    // Security profile 1/2
    AuthorizationKey: { kind: 'string', readonly: false, writeOnly: true, value: init.authorizationKey ?? '' },
  };
}

function valid(kind: Kind, value: string, connectorCount: number): boolean {
  switch (kind) {
    case 'int':
      return /^\d{1,9}$/.test(value);
    case 'bool':
      return /^(true|false)$/i.test(value);
    case 'csl-measurand':
      return value === '' || value.split(',').every((m) => (SUPPORTED_MEASURANDS as readonly string[]).includes(m.trim()));
    case 'phase-rotation':
      return value.split(',').every((item) => {
        const m = /^\s*(\d+)\.(\w+)\s*$/.exec(item);
        return m !== null && Number(m[1]) <= connectorCount && ROTATIONS.includes(m[2]);
      });
    case 'string':
      return value.length > 0;
  }
}

export class StationConfig {
  private readonly keys: Record<string, KeyDef>;
  /** Called after a key changed, with its new value. */
  onChange: (key: string, value: string) => void = () => {};

  constructor(private readonly init: StationConfigInit) {
    this.keys = defaults(init);
    // Overrides from the simulator's options may set even read-only keys (a station's capabilities).
    for (const [key, value] of Object.entries(init.overrides ?? {})) {
      const def = this.keys[key];
      if (def) def.value = value;
      else this.keys[key] = { kind: 'string', readonly: false, value };
    }
  }

  get(key: string): string | undefined {
    return this.keys[key]?.value;
  }

  int(key: string, fallback = 0): number {
    const n = Number.parseInt(this.get(key) ?? '', 10);
    return Number.isFinite(n) ? n : fallback;
  }

  bool(key: string): boolean {
    return (this.get(key) ?? '').toLowerCase() === 'true';
  }

  list(key: string): string[] {
    return (this.get(key) ?? '')
      .split(',')
      .map((s) => s.trim())
      .filter((s) => s.length > 0);
  }

  /** Sets a value from inside the station (e.g. the heartbeat interval a BootNotification gave). */
  set(key: string, value: string): void {
    const def = this.keys[key];
    if (def) def.value = value;
  }

  /** ChangeConfiguration: unknown → NotSupported, read-only or malformed → Rejected. */
  change(key: string, value: string): ChangeStatus {
    const def = this.keys[key];
    if (!def) return 'NotSupported';
    if (def.readonly) return 'Rejected';
    if (!valid(def.kind, value, this.init.connectorCount)) return 'Rejected';
    if (key === 'HeartbeatInterval' && Number(value) === 0) return 'Rejected';
    def.value = value;
    this.onChange(key, value);
    return 'Accepted';
  }

  /** GetConfiguration: all keys when none are asked; unknown ones in unknownKey. */
  read(keys?: string[]): { configurationKey: ConfigurationKey[]; unknownKey: string[] } {
    const names = keys && keys.length > 0 ? keys : Object.keys(this.keys);
    const configurationKey: ConfigurationKey[] = [];
    const unknownKey: string[] = [];
    for (const name of names) {
      const def = this.keys[name];
      if (!def) unknownKey.push(name);
      else if (def.writeOnly) configurationKey.push({ key: name, readonly: def.readonly });
      else configurationKey.push({ key: name, readonly: def.readonly, value: def.value });
    }
    return { configurationKey, unknownKey };
  }
}
