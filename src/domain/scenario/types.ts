// The scenario file format (A12): a site, a timed sequence of events, expected setpoints.
// Documented for users in docs/scenarios.md.

import type { DigitalInput } from '../limits/digital-inputs.js';
import type { TouPeriod } from '../limits/tou.js';
import type { PhaseWiring } from '../phases.js';
import type { AllocationSettings } from '../settings.js';
import type { ConnectorKind } from '../snapshot.js';
import type { ZoneSpec } from '../topology/zone-tree.js';

export interface ScenarioStation {
  id: string;
  zone: string;
  /** Connectors are named "<station>/1" ... [1]. */
  connectors: number;
  kind?: ConnectorKind;
  wiring?: PhaseWiring;
  minCurrentA?: number;
  maxCurrentA?: number;
  minPowerW?: number;
  maxPowerW?: number;
  vip?: boolean;
  /** [true] */
  connected: boolean;
  sampleIntervalMs?: number;
}

export interface ScenarioTou {
  enabled: boolean;
  timeZone: string;
  periods: TouPeriod[];
  zonePeriods?: Record<string, string[]>;
}

/** A value per phase, or one value for all three. */
export type PhaseValues = [number, number, number];

export type ScenarioEvent =
  | { type: 'plug'; connector: string; energyWh: number; vip: boolean; startedAgoMs: number }
  | { type: 'unplug'; connector: string }
  | { type: 'energy'; connector: string; energyWh: number }
  | { type: 'measure'; connector: string; currentsA?: PhaseValues; powerW?: number }
  | { type: 'measure-stop'; connector: string }
  | { type: 'meter'; zone: string; currentsA: PhaseValues }
  | { type: 'meter-lost'; zone: string }
  | { type: 'station-offline'; station: string }
  | { type: 'station-online'; station: string }
  /** The station stops (or starts again) applying setpoints. */
  | { type: 'station-uncontrolled'; station: string }
  | { type: 'station-controlled'; station: string }
  /** U1: an external cap on the connector (a CPO charging profile); null clears it. */
  | { type: 'cap'; connector: string; capA: number | null }
  | { type: 'di'; input: string; high: boolean }
  | { type: 'tou'; enabled: boolean }
  | { type: 'settings'; settings: Partial<AllocationSettings> };

export interface ExpectedSetpoint {
  currentA?: number;
  powerW?: number;
  /** SetpointReason code. */
  reason?: string;
  /** Suspension cause. */
  cause?: string;
  zone?: string;
  phase?: string;
  /** Kind of the zone limit's source (zone-max, meter, meter-lost, tou, digital-input). */
  source?: string;
  phases?: string[];
  probing?: boolean;
}

export interface ExpectedZone {
  limitA?: PhaseValues;
  source?: string;
  reservedA?: PhaseValues;
  allocatedA?: PhaseValues;
  meterLost?: boolean;
}

export interface StepExpectation {
  setpoints?: Record<string, ExpectedSetpoint>;
  failsafe?: Record<string, number>;
  zones?: Record<string, ExpectedZone>;
  /** No setpoint differs from the previous step. */
  unchanged?: boolean;
  plan?: { reductions?: string[]; increases?: string[] };
}

export interface ScenarioStep {
  label?: string;
  at: number;
  events: ScenarioEvent[];
  expect?: StepExpectation;
}

export interface Scenario {
  name: string;
  description?: string;
  spec: string[];
  start: number;
  timeZone: string;
  settings: Partial<AllocationSettings>;
  zones: ZoneSpec[];
  stations: ScenarioStation[];
  tou?: ScenarioTou;
  digitalInputs: DigitalInput[];
  /** Sessions gain energy from their setpoints as time passes [true]. */
  accrueEnergy: boolean;
  steps: ScenarioStep[];
}
