// OCPP 1.6J payload types used by the simulator (station side), derived from the types generated
// from the official JSON schemas (src/ocpp/types.generated.ts, which ocpp-rpc validates against in
// strict mode). Type-only imports: sim/ takes no runtime code from ocpp/.

import type {
  AuthorizeRequest,
  AuthorizeResponse,
  BootNotificationRequest,
  BootNotificationResponse,
  ClearChargingProfileRequest,
  DataTransferRequest,
  DataTransferResponse,
  DiagnosticsStatusNotificationRequest,
  FirmwareStatusNotificationRequest,
  GetCompositeScheduleResponse,
  GetConfigurationResponse,
  HeartbeatResponse,
  MeterValuesRequest,
  OcppActions,
  SendLocalListRequest,
  SetChargingProfileRequest,
  StartTransactionRequest,
  StartTransactionResponse,
  StatusNotificationRequest,
  StopTransactionRequest,
  StopTransactionResponse,
  TriggerMessageRequest,
} from '../ocpp/types.generated.js';

// ---- Smart charging ----

export type ChargingProfile = SetChargingProfileRequest['csChargingProfiles'];
export type ChargingSchedule = ChargingProfile['chargingSchedule'];
export type ChargingSchedulePeriod = ChargingSchedule['chargingSchedulePeriod'][number];
export type ChargingRateUnit = ChargingSchedule['chargingRateUnit'];
export type ChargingProfilePurpose = ChargingProfile['chargingProfilePurpose'];
export type ChargingProfileKind = ChargingProfile['chargingProfileKind'];
export type RecurrencyKind = NonNullable<ChargingProfile['recurrencyKind']>;

// ---- Authorization, status, meter values ----

export type IdTagInfo = AuthorizeResponse['idTagInfo'];
export type AuthorizationStatus = IdTagInfo['status'];

export type ChargePointStatus = StatusNotificationRequest['status'];
export type ChargePointErrorCode = StatusNotificationRequest['errorCode'];
export type StopReason = NonNullable<StopTransactionRequest['reason']>;

export type MeterValue = MeterValuesRequest['meterValue'][number];
export type SampledValue = MeterValue['sampledValue'][number];
export type ReadingContext = NonNullable<SampledValue['context']>;
export type Measurand = NonNullable<SampledValue['measurand']>;
export type Phase = NonNullable<SampledValue['phase']>;
export type UnitOfMeasure = NonNullable<SampledValue['unit']>;

export type RegistrationStatus = BootNotificationResponse['status'];

// ---- Station → central system ----

export type BootNotificationReq = BootNotificationRequest;
export type BootNotificationConf = BootNotificationResponse;
export type AuthorizeReq = AuthorizeRequest;
export type AuthorizeConf = AuthorizeResponse;
export type StartTransactionReq = StartTransactionRequest;
export type StartTransactionConf = StartTransactionResponse;
export type StopTransactionReq = StopTransactionRequest;
export type StopTransactionConf = StopTransactionResponse;
export type MeterValuesReq = MeterValuesRequest;
export type StatusNotificationReq = StatusNotificationRequest;
export type HeartbeatConf = HeartbeatResponse;
export type DiagnosticsStatusNotificationReq = DiagnosticsStatusNotificationRequest;
export type FirmwareStatusNotificationReq = FirmwareStatusNotificationRequest;
export type DataTransferReq = DataTransferRequest;
export type DataTransferConf = DataTransferResponse;

/** Some actions of OcppActions, each as `{ req, conf }` (request and answer payloads). */
type ReqConf<T extends { [A in keyof T]: { request: object; response: object } }> = {
  [A in keyof T]: { req: T[A]['request']; conf: T[A]['response'] };
};

/** Calls a station makes, with their request and answer types. */
export type StationCalls = ReqConf<
  Pick<
    OcppActions,
    | 'BootNotification'
    | 'Heartbeat'
    | 'Authorize'
    | 'StartTransaction'
    | 'StopTransaction'
    | 'MeterValues'
    | 'StatusNotification'
    | 'DiagnosticsStatusNotification'
    | 'FirmwareStatusNotification'
    | 'DataTransfer'
  >
>;
export type StationAction = keyof StationCalls;

// ---- Central system → station (spec O4) ----

export type ConfigurationKey = NonNullable<GetConfigurationResponse['configurationKey']>[number];
export type ClearChargingProfileReq = ClearChargingProfileRequest;
export type CompositeScheduleConf = GetCompositeScheduleResponse;
export type TriggerableMessage = TriggerMessageRequest['requestedMessage'];
export type LocalAuthorizationEntry = NonNullable<SendLocalListRequest['localAuthorizationList']>[number];

/** Commands a central system sends to a station, with their request and answer types. */
export type ServerCalls = ReqConf<
  Pick<
    OcppActions,
    | 'RemoteStartTransaction'
    | 'RemoteStopTransaction'
    | 'Reset'
    | 'UnlockConnector'
    | 'ChangeAvailability'
    | 'ChangeConfiguration'
    | 'GetConfiguration'
    | 'ClearCache'
    | 'TriggerMessage'
    | 'SetChargingProfile'
    | 'ClearChargingProfile'
    | 'GetCompositeSchedule'
    | 'SendLocalList'
    | 'GetLocalListVersion'
    | 'UpdateFirmware'
    | 'GetDiagnostics'
    | 'DataTransfer'
  >
>;
export type ServerAction = keyof ServerCalls;
