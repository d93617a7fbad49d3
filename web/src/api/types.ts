// The shapes the UI reads from the API (see /api/docs for the full document).

export interface SetpointView {
  currentA: number;
  powerW?: number;
  controllable: boolean;
  reason: { code: string; [key: string]: unknown };
  at: number;
}

/** Where a connector stands in its station's lifecycle (D8, issue 13). */
export type ControlState = 'offline' | 'not-booted' | 'not-provisioned' | 'provisioned' | 'uncontrolled';
export const CONTROL_STATES: readonly ControlState[] = ['offline', 'not-booted', 'not-provisioned', 'provisioned', 'uncontrolled'];

/** What the station holds (acknowledged profiles) against what Fuseguard wants, per connector (D8). */
export interface ControlView {
  state: ControlState;
  /** The most the station may let this connector draw now, from the profiles it acknowledged; null: not tracked (DC). */
  heldA: number | null;
  /** The live setpoint Fuseguard wants it to hold (last allocation); null: none. */
  wantedA: number | null;
  /** The failsafe profile the station acknowledged; null: none known (counted at its maximum). */
  failsafeHeldA: number | null;
  /** The failsafe the site calls for now (D1); null for DC. */
  failsafeWantedA: number | null;
}

export interface ConnectorView {
  connectorId: number;
  phases: string;
  minCurrentA: number | null;
  maxCurrentA: number;
  type: string;
  maxPowerW: number | null;
  /** T2, T2S, TE, ... (issue 16); null: not said. */
  socketType: string | null;
  status: string | null;
  errorCode: string | null;
  statusAt: number | null;
  session?: { transactionId: number; idTag: string; startAt: number; energyWh: number } | null;
  setpoint?: SetpointView | null;
  /** null while load management is off. */
  control?: ControlView | null;
}

export interface StationView {
  id: string;
  admission: string;
  name: string | null;
  zone: string | null;
  vip: boolean;
  authMode: string | null;
  /** B2 offline policy; null: the zone's. */
  offlineAuthMode?: string | null;
  boxIdentity: string | null;
  hasPassword: boolean;
  hasUpstreamPassword: boolean;
  vendor: string | null;
  model: string | null;
  serialNumber: string | null;
  firmwareVersion: string | null;
  connected: boolean;
  status: string | null;
  errorCode: string | null;
  controlIssue: string | null;
  /** What is unsafe about the station (issue 14): `passwordless` (no password), `invalid-id` (cannot connect). */
  warnings?: StationWarning[];
  connectors: ConnectorView[];
  [key: string]: unknown;
}

export interface StationWarning { code: 'passwordless' | 'invalid-id'; message: string }

/** The offline policies (B2); absent or null means inherited. */
export const OFFLINE_AUTH_MODES = ['allow-all', 'reject', 'reject-except-cached'] as const;

/** GET /api/relay/status (U1-U4): one station's upstream link. */
export interface RelayStationStatus {
  stationId: string;
  identity: string;
  state: 'connecting' | 'up' | 'down' | 'closed' | 'none';
  since: number | null;
  queued: number;
  lastError: string | null;
  bootStatus: string | null;
  timeOffsetMs: number | null;
}

export interface RelayStatus {
  enabled: boolean;
  running: boolean;
  url: string | null;
  timeOffsetMs: number | null;
  stations: RelayStationStatus[];
}

/** What the top bar counts (W2): a station is charging when one of its connectors is. */
export type StationState = 'available' | 'charging' | 'faulted' | 'offline';

export function stationState(station: StationView): StationState {
  if (!station.connected) return 'offline';
  const statuses = [station.status, ...station.connectors.map((c) => c.status)];
  if (statuses.includes('Faulted')) return 'faulted';
  if (station.connectors.some((c) => c.status === 'Charging' || c.status === 'SuspendedEV' || c.status === 'SuspendedEVSE')) return 'charging';
  return 'available';
}
