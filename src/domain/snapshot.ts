// The input of allocate() (A1): plain data that the control loop builds from the live site state.

import type { TouConfig } from './limits/tou.js';
import type { DigitalInput } from './limits/digital-inputs.js';
import type { PerPhase, Phase, PhaseWiring } from './phases.js';
import type { AllocationSettings } from './settings.js';
import type { ZoneSpec } from './topology/zone-tree.js';

/** A reading of a zone's meter: current per site phase. */
export interface MeterReading {
  currentsA: PerPhase;
  at: number;
}

export interface ZoneInput extends ZoneSpec {
  /** Dynamic zones: the latest reading; null or too old (3 polling periods) = meter lost (D4). */
  meterReading?: MeterReading | null;
}

/** What a connector reports (MeterValues), in the connector's own phases: index 0 = its phase 1. */
export interface Measurement {
  currentsA?: PerPhase;
  /** DC connectors may report power only. */
  powerW?: number;
  at: number;
}

/** A vehicle is plugged in and a transaction is running or authorized. */
export interface Session {
  startedAt: number;
  energyWh: number;
  /** VIP badge (A4). */
  vip?: boolean;
}

export type ConnectorKind = 'AC' | 'DC';

/** Who set an external cap: the CPO's charging profile, through the relay (U1). */
export interface ExternalCapSource {
  kind: 'cpo';
}

/** A cap set from outside the LMS, applied like a lowered maximum; A per phase. */
export interface ExternalCap {
  capA: number;
  source: ExternalCapSource;
}

export interface ConnectorInput {
  /** Unique, e.g. "CB-01/1". */
  id: string;
  stationId: string;
  /** The zone of the connector's station (Z3). */
  zone: string;
  kind?: ConnectorKind;
  /** Z4 [L1L2L3]. */
  wiring?: PhaseWiring;
  /**
   * The wiring is a default nobody confirmed (a connector a station reported): the phases a car
   * uses cannot be told from its measurements, so A7 never frees any [false].
   */
  wiringUnknown?: boolean;
  /** A3: per-station override; the site standard still applies as a floor. */
  minCurrentA?: number;
  /** A1: connector/cable rating [settings.defaultMaxCurrentA]. */
  maxCurrentA?: number;
  /** A9: DC bounds in watts. */
  minPowerW?: number;
  maxPowerW?: number;
  /** VIP station (A4). */
  vip?: boolean;
  /** The station's OCPP connection is up [true]. */
  stationConnected?: boolean;
  /**
   * The station does not apply setpoints (it keeps refusing charging profiles, or cannot hold the
   * D5 scheme): counted at its maximum, connected or not, session or not [false].
   */
  uncontrolled?: boolean;
  /**
   * D8: the most its station may let it draw now, A per phase, from the charging profiles it
   * acknowledged (its live profile while valid, its failsafe after, its maximum with neither or
   * when it may have lost them). Given, a connector that is not allocated (idle, offline, not
   * provisioned) is counted at it. Absent: the rules of D1-D3 and D6 (idle 0 A, offline failsafe).
   */
  heldA?: number | null;
  /**
   * D8: the station is connected but does not hold its failsafe profile yet (not booted, booted
   * and not provisioned): nothing live can be sent, so it is counted at heldA (else its maximum)
   * and not allocated [true].
   */
  provisioned?: boolean;
  /**
   * D8: a live profile sent to its station has gone unanswered for longer than the dispatcher's
   * patience (the station drops requests): nothing reaches it until that request resolves, not
   * even a cut, so it is counted at heldA (else its maximum) and not allocated: the others share
   * what is left around what it may still draw [false].
   */
  notAnswering?: boolean;
  /** Present while the connector is active (A1); absent or null when idle. */
  session?: Session | null;
  measured?: Measurement | null;
  /** Z6: this connector's MeterValues interval [settings.sampleIntervalMs]. */
  sampleIntervalMs?: number;
  /** U1: an extra cap on its setpoint (a CPO charging profile); absent or null = none. */
  externalCap?: ExternalCap | null;
}

/** What demand awareness remembers (A7). */
export interface DemandState {
  /** The draw has been clearly below the offer since. */
  lowDrawSince?: number;
  /** Current cap from the measured draw. */
  demandCapA?: number;
  cappedAt?: number;
  /** Probing (cap lifted) until. */
  probeUntil?: number;
  /** Phases seen in use (fewer than wired) since phaseCandidateSince. */
  phaseCandidate?: readonly Phase[];
  phaseCandidateSince?: number;
  /** The phases counted for this connector when fewer than wired. */
  phasesUsed?: readonly Phase[];
}

/** What allocate() remembers about one connector between calls (A6, A7). */
export interface ConnectorState {
  connectorId: string;
  /** Identifies the session this state belongs to. */
  sessionStartedAt: number;
  /** The setpoint given last time, A per phase. */
  lastA: number;
  /** A6: charging without a break since (absent while suspended). */
  servedSince?: number;
  /** A5/A6: suspended since. */
  suspendedSince?: number;
  /** A7, when there is something to remember. */
  demand?: DemandState;
}

/** Returned in every result and passed back in the next snapshot; nothing is kept elsewhere. */
export interface AllocatorState {
  /** One entry per active or offline connector (a list: plain JSON, and fast to build). */
  connectors: readonly ConnectorState[];
}

export interface SiteSnapshot {
  zones: readonly ZoneInput[];
  /** Every configured connector, idle ones too: D1 counts them all. */
  connectors: readonly ConnectorInput[];
  settings?: Partial<AllocationSettings> | null;
  tou?: TouConfig | null;
  digitalInputs?: readonly DigitalInput[] | null;
  state?: AllocatorState | null;
}
