// OCPP 1.6J payload types used by the simulator (station side). They mirror the official JSON
// schemas that ocpp-rpc validates in strict mode; kept here so sim/ does not depend on ocpp/.

export type ChargingRateUnit = 'A' | 'W';
export type ChargingProfilePurpose = 'ChargePointMaxProfile' | 'TxDefaultProfile' | 'TxProfile';
export type ChargingProfileKind = 'Absolute' | 'Recurring' | 'Relative';
export type RecurrencyKind = 'Daily' | 'Weekly';

export interface ChargingSchedulePeriod {
  /** Seconds from the start of the schedule. */
  startPeriod: number;
  /** A or W (per the schedule's unit), one decimal. For A: per phase. */
  limit: number;
  numberPhases?: number;
}

export interface ChargingSchedule {
  duration?: number;
  startSchedule?: string;
  chargingRateUnit: ChargingRateUnit;
  chargingSchedulePeriod: ChargingSchedulePeriod[];
  minChargingRate?: number;
}

export interface ChargingProfile {
  chargingProfileId: number;
  transactionId?: number;
  stackLevel: number;
  chargingProfilePurpose: ChargingProfilePurpose;
  chargingProfileKind: ChargingProfileKind;
  recurrencyKind?: RecurrencyKind;
  validFrom?: string;
  validTo?: string;
  chargingSchedule: ChargingSchedule;
}

export type AuthorizationStatus = 'Accepted' | 'Blocked' | 'Expired' | 'Invalid' | 'ConcurrentTx';

export interface IdTagInfo {
  status: AuthorizationStatus;
  expiryDate?: string;
  parentIdTag?: string;
}

export type ChargePointStatus =
  | 'Available'
  | 'Preparing'
  | 'Charging'
  | 'SuspendedEVSE'
  | 'SuspendedEV'
  | 'Finishing'
  | 'Reserved'
  | 'Unavailable'
  | 'Faulted';

export type ChargePointErrorCode =
  | 'ConnectorLockFailure'
  | 'EVCommunicationError'
  | 'GroundFailure'
  | 'HighTemperature'
  | 'InternalError'
  | 'LocalListConflict'
  | 'NoError'
  | 'OtherError'
  | 'OverCurrentFailure'
  | 'PowerMeterFailure'
  | 'PowerSwitchFailure'
  | 'ReaderFailure'
  | 'ResetFailure'
  | 'UnderVoltage'
  | 'OverVoltage'
  | 'WeakSignal';

export type StopReason =
  | 'EmergencyStop'
  | 'EVDisconnected'
  | 'HardReset'
  | 'Local'
  | 'Other'
  | 'PowerLoss'
  | 'Reboot'
  | 'Remote'
  | 'SoftReset'
  | 'UnlockCommand'
  | 'DeAuthorized';

export type ReadingContext =
  | 'Interruption.Begin'
  | 'Interruption.End'
  | 'Sample.Clock'
  | 'Sample.Periodic'
  | 'Transaction.Begin'
  | 'Transaction.End'
  | 'Trigger'
  | 'Other';

export type Measurand =
  | 'Energy.Active.Import.Register'
  | 'Current.Import'
  | 'Current.Offered'
  | 'Power.Active.Import'
  | 'Power.Offered'
  | 'Voltage'
  | 'SoC';

export type Phase = 'L1' | 'L2' | 'L3' | 'N' | 'L1-N' | 'L2-N' | 'L3-N' | 'L1-L2' | 'L2-L3' | 'L3-L1';
export type UnitOfMeasure = 'Wh' | 'kWh' | 'W' | 'kW' | 'A' | 'V' | 'Percent';

export interface SampledValue {
  value: string;
  context?: ReadingContext;
  measurand?: Measurand;
  phase?: Phase;
  location?: 'Cable' | 'EV' | 'Inlet' | 'Outlet' | 'Body';
  unit?: UnitOfMeasure;
}

export interface MeterValue {
  timestamp: string;
  sampledValue: SampledValue[];
}

export type RegistrationStatus = 'Accepted' | 'Pending' | 'Rejected';

// ---- Station → central system ----

export interface BootNotificationReq {
  chargePointVendor: string;
  chargePointModel: string;
  chargePointSerialNumber?: string;
  chargeBoxSerialNumber?: string;
  firmwareVersion?: string;
  meterType?: string;
}
export interface BootNotificationConf {
  status: RegistrationStatus;
  currentTime: string;
  interval: number;
}
export interface AuthorizeReq {
  idTag: string;
}
export interface AuthorizeConf {
  idTagInfo: IdTagInfo;
}
export interface StartTransactionReq {
  connectorId: number;
  idTag: string;
  meterStart: number;
  timestamp: string;
  reservationId?: number;
}
export interface StartTransactionConf {
  idTagInfo: IdTagInfo;
  transactionId: number;
}
export interface StopTransactionReq {
  transactionId: number;
  meterStop: number;
  timestamp: string;
  idTag?: string;
  reason?: StopReason;
  transactionData?: MeterValue[];
}
export interface StopTransactionConf {
  idTagInfo?: IdTagInfo;
}
export interface MeterValuesReq {
  connectorId: number;
  transactionId?: number;
  meterValue: MeterValue[];
}
export interface StatusNotificationReq {
  connectorId: number;
  errorCode: ChargePointErrorCode;
  status: ChargePointStatus;
  info?: string;
  timestamp?: string;
  vendorId?: string;
  vendorErrorCode?: string;
}
export interface HeartbeatConf {
  currentTime: string;
}
export interface DiagnosticsStatusNotificationReq {
  status: 'Idle' | 'Uploaded' | 'UploadFailed' | 'Uploading';
}
export interface FirmwareStatusNotificationReq {
  status: 'Downloaded' | 'DownloadFailed' | 'Downloading' | 'Idle' | 'InstallationFailed' | 'Installing' | 'Installed';
}
export interface DataTransferReq {
  vendorId: string;
  messageId?: string;
  data?: string;
}
export interface DataTransferConf {
  status: 'Accepted' | 'Rejected' | 'UnknownMessageId' | 'UnknownVendorId';
  data?: string;
}

type Empty = Record<string, never>;

/** Calls a station makes, with their request and answer types. */
export interface StationCalls {
  BootNotification: { req: BootNotificationReq; conf: BootNotificationConf };
  Heartbeat: { req: Empty; conf: HeartbeatConf };
  Authorize: { req: AuthorizeReq; conf: AuthorizeConf };
  StartTransaction: { req: StartTransactionReq; conf: StartTransactionConf };
  StopTransaction: { req: StopTransactionReq; conf: StopTransactionConf };
  MeterValues: { req: MeterValuesReq; conf: Empty };
  StatusNotification: { req: StatusNotificationReq; conf: Empty };
  DiagnosticsStatusNotification: { req: DiagnosticsStatusNotificationReq; conf: Empty };
  FirmwareStatusNotification: { req: FirmwareStatusNotificationReq; conf: Empty };
  DataTransfer: { req: DataTransferReq; conf: DataTransferConf };
}
export type StationAction = keyof StationCalls;

// ---- Central system → station (spec O4) ----

export interface ConfigurationKey {
  key: string;
  readonly: boolean;
  value?: string;
}

export interface ClearChargingProfileReq {
  id?: number;
  connectorId?: number;
  chargingProfilePurpose?: ChargingProfilePurpose;
  stackLevel?: number;
}

export interface CompositeScheduleConf {
  status: 'Accepted' | 'Rejected';
  connectorId?: number;
  scheduleStart?: string;
  chargingSchedule?: ChargingSchedule;
}

export type TriggerableMessage =
  | 'BootNotification'
  | 'DiagnosticsStatusNotification'
  | 'FirmwareStatusNotification'
  | 'Heartbeat'
  | 'MeterValues'
  | 'StatusNotification';

export interface LocalAuthorizationEntry {
  idTag: string;
  idTagInfo?: IdTagInfo;
}

/** Commands a central system sends to a station, with their request and answer types. */
export interface ServerCalls {
  RemoteStartTransaction: {
    req: { connectorId?: number; idTag: string; chargingProfile?: ChargingProfile };
    conf: { status: 'Accepted' | 'Rejected' };
  };
  RemoteStopTransaction: { req: { transactionId: number }; conf: { status: 'Accepted' | 'Rejected' } };
  Reset: { req: { type: 'Hard' | 'Soft' }; conf: { status: 'Accepted' | 'Rejected' } };
  UnlockConnector: { req: { connectorId: number }; conf: { status: 'Unlocked' | 'UnlockFailed' | 'NotSupported' } };
  ChangeAvailability: {
    req: { connectorId: number; type: 'Inoperative' | 'Operative' };
    conf: { status: 'Accepted' | 'Rejected' | 'Scheduled' };
  };
  ChangeConfiguration: {
    req: { key: string; value: string };
    conf: { status: 'Accepted' | 'Rejected' | 'RebootRequired' | 'NotSupported' };
  };
  GetConfiguration: {
    req: { key?: string[] };
    conf: { configurationKey?: ConfigurationKey[]; unknownKey?: string[] };
  };
  ClearCache: { req: Empty; conf: { status: 'Accepted' | 'Rejected' } };
  TriggerMessage: {
    req: { requestedMessage: TriggerableMessage; connectorId?: number };
    conf: { status: 'Accepted' | 'Rejected' | 'NotImplemented' };
  };
  SetChargingProfile: {
    req: { connectorId: number; csChargingProfiles: ChargingProfile };
    conf: { status: 'Accepted' | 'Rejected' | 'NotSupported' };
  };
  ClearChargingProfile: { req: ClearChargingProfileReq; conf: { status: 'Accepted' | 'Unknown' } };
  GetCompositeSchedule: {
    req: { connectorId: number; duration: number; chargingRateUnit?: ChargingRateUnit };
    conf: CompositeScheduleConf;
  };
  SendLocalList: {
    req: { listVersion: number; updateType: 'Differential' | 'Full'; localAuthorizationList?: LocalAuthorizationEntry[] };
    conf: { status: 'Accepted' | 'Failed' | 'NotSupported' | 'VersionMismatch' };
  };
  GetLocalListVersion: { req: Empty; conf: { listVersion: number } };
  UpdateFirmware: {
    req: { location: string; retrieveDate: string; retries?: number; retryInterval?: number };
    conf: Empty;
  };
  GetDiagnostics: {
    req: { location: string; retries?: number; retryInterval?: number; startTime?: string; stopTime?: string };
    conf: { fileName?: string };
  };
  DataTransfer: { req: DataTransferReq; conf: DataTransferConf };
}
export type ServerAction = keyof ServerCalls;
