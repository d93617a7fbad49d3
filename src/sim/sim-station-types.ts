// The public shapes of SimStation: its options, events and snapshots.

import type { BeforeBootPolicy } from './rpc-link.js';
import type { SimFirmwareOptions } from './station-firmware.js';
import type { PhaseWiring } from './station-meter.js';
import type { VehicleOptions } from './vehicle.js';
import type {
  AuthorizationStatus,
  ChargePointErrorCode,
  ChargePointStatus,
  RegistrationStatus,
  StopReason,
} from './ocpp-types.js';

export interface SimConnectorOptions {
  phases?: PhaseWiring;
  maxCurrentA?: number;
}

export interface SimStationOptions {
  id: string;
  /** Base URL such as ws://127.0.0.1:8080/ocpp; the station appends /{id}. */
  url: string;
  /** HTTP Basic password (security profile 1); also the AuthorizationKey. */
  password?: string;
  /** Default: one 32 A three-phase connector. */
  connectors?: SimConnectorOptions[];
  /** MeterValueSampleInterval [10 s]; 0 = no periodic samples. */
  meterValueIntervalS?: number;
  vendor?: string;
  model?: string;
  serialNumber?: string;
  firmwareVersion?: string;
  /** Reconnect by itself when the link drops [true]. */
  autoReconnect?: boolean;
  /** Injectable clock (epoch ms) [Date.now]. */
  now?: () => number;
  /** Initial configuration values, e.g. { AllowOfflineTxForUnknownId: 'false' }. */
  config?: Record<string, string>;
  /** Vehicle used by plugIn() without one. */
  defaultVehicle?: VehicleOptions;
  /** Real-time period of the internal tick; 0 = none (drive the station with tick()) [1000]. */
  tickIntervalMs?: number;
  /** Timeout of each call to the central system [30 000]. */
  callTimeoutMs?: number;
  /** First reconnect delay; doubles up to maxReconnectDelayMs [1000, 10 000]. */
  reconnectDelayMs?: number;
  maxReconnectDelayMs?: number;
  /** Real-time pause of a Reset before reconnecting [500]. */
  rebootDelayMs?: number;
  /** Some stations forget their charging profiles when they reboot [false]. */
  loseProfilesOnReboot?: boolean;
  /**
   * What the station does with the central system's requests before its BootNotification is
   * answered Accepted on the current connection: 'answer' them ['answer'], 'refuse' them with a
   * CALLERROR SecurityError (a strict OCPP 1.6 station), or 'ignore' them (never answer).
   */
  beforeBoot?: BeforeBootPolicy;
  /** Real time between the socket opening and the BootNotification, on every connection [0]. */
  bootDelayMs?: number;
  /** UpdateFirmware downloads the file over HTTP, installs it, reboots with a new version; without it, the steps are only reported. */
  firmwareUpdate?: SimFirmwareOptions;
}

export type { BeforeBootPolicy };
export type { FirmwareDownload, SimFirmwareOptions } from './station-firmware.js';

export interface BootEvent {
  status: RegistrationStatus;
  interval: number;
  currentTime: string;
  /** When the answer arrived (station clock). */
  at: number;
}
/** A request from the central system, as it arrives (before it is handled). */
export interface CallEvent {
  method: string;
  params: unknown;
  /** Station clock. */
  at: number;
  /** It came before the BootNotification of its connection was answered Accepted. */
  beforeBoot: boolean;
}
export interface LimitEvent {
  connectorId: number;
  limitA: number;
  previousA: number | undefined;
  at: number;
}
export interface StatusEvent {
  connectorId: number;
  status: ChargePointStatus;
  errorCode: ChargePointErrorCode;
}
export interface TransactionEvent {
  type: 'started' | 'id-assigned' | 'stopped';
  connectorId: number;
  idTag: string;
  /** Absent until the central system answered StartTransaction. */
  transactionId?: number;
  reason?: StopReason;
  at: number;
}

export interface SimStationEvents {
  connected: [];
  disconnected: [{ code?: number; reason?: string }];
  boot: [BootEvent];
  call: [CallEvent];
  limit: [LimitEvent];
  status: [StatusEvent];
  transaction: [TransactionEvent];
  warning: [{ message: string }];
  /** Every raw frame received (see sendRaw). */
  frame: [string];
}

export interface BadgeResult {
  authorizeStatus: AuthorizationStatus;
  /** Set when a transaction started and the central system has answered it. */
  transactionId?: number;
  /** A transaction started (possibly offline, its StartTransaction queued). */
  started: boolean;
  /** Decided without the central system (offline or local pre-authorization). */
  local: boolean;
}

export interface ConnectorSnapshot {
  connectorId: number;
  status: ChargePointStatus;
  errorCode: ChargePointErrorCode;
  operative: boolean;
  plugged: boolean;
  idTag?: string;
  transactionId?: number;
  /** The meter's energy register. */
  energyWh: number;
  /** Current per drawing phase, and phases drawing. */
  currentA: number;
  phases: number;
  powerW: number;
  /** What the charging profiles allow now. */
  limitA: number;
  soc?: number;
}
