// A connector's minimum and maximum in amperes per phase (A1, A3, A9), on the 0.1 A grid.

import { DEFAULT_WIRING, isThreePhase, type PhaseWiring } from '../phases.js';
import type { AllocationSettings, MinimumStandard } from '../settings.js';
import type { ConnectorInput } from '../snapshot.js';

/** Setpoints are multiples of 0.1 A: OCPP limits carry one decimal. */
export const GRID_A = 0.1;

export function floorToGrid(valueA: number): number {
  return Math.floor(valueA * 10 + 1e-9) / 10;
}

export function ceilToGrid(valueA: number): number {
  return Math.ceil(valueA * 10 - 1e-9) / 10;
}

/** A3: IEC 61851 = 6 A; EV/ZE = 8 A single-phase, 14 A three-phase. */
export function standardMinimumA(standard: MinimumStandard, threePhase: boolean): number {
  if (standard === 'EVZE') return threePhase ? 14 : 8;
  return 6;
}

export interface ConnectorBounds {
  minA: number;
  maxA: number;
  /** Phases that a setpoint loads, by wiring. */
  phaseCount: 1 | 3;
  /** DC: watts for one ampere per phase. */
  wattsPerA?: number;
}

export function connectorWiring(connector: ConnectorInput): PhaseWiring {
  return connector.wiring ?? DEFAULT_WIRING;
}

/**
 * AC: minimum = the site standard, raised by a per-station override; maximum = rating.
 * DC (A9): the same in watts, converted with the nominal voltage over the wired phases.
 */
export function connectorBounds(connector: ConnectorInput, settings: AllocationSettings): ConnectorBounds {
  const out = { minA: new Float64Array(1), maxA: new Float64Array(1), wattsPerA: new Float64Array(1) };
  const threePhase = isThreePhase(connectorWiring(connector));
  writeBounds(connector, threePhase, settings, out, 0);
  const bounds: ConnectorBounds = { minA: out.minA[0], maxA: out.maxA[0], phaseCount: threePhase ? 3 : 1 };
  if (connector.kind === 'DC') bounds.wattsPerA = out.wattsPerA[0];
  return bounds;
}

/**
 * The same into arrays at position i, given whether the wiring is three-phase (no allocation:
 * allocate() does this for every connector). wattsPerA 0 = AC.
 */
export function writeBounds(
  connector: ConnectorInput, threePhase: boolean, settings: AllocationSettings,
  out: { minA: Float64Array; maxA: Float64Array; wattsPerA: Float64Array }, i: number,
): void {
  const standardA = Math.max(standardMinimumA(settings.minimumStandard, threePhase), connector.minCurrentA ?? 0);
  const ratingA = connector.maxCurrentA ?? settings.defaultMaxCurrentA;
  if (connector.kind === 'DC') {
    const wattsPerA = settings.nominalVoltageV * (threePhase ? 3 : 1);
    out.minA[i] = ceilToGrid(connector.minPowerW !== undefined ? connector.minPowerW / wattsPerA : standardA);
    out.maxA[i] = floorToGrid(connector.maxPowerW !== undefined ? connector.maxPowerW / wattsPerA : ratingA);
    out.wattsPerA[i] = wattsPerA;
  } else {
    out.minA[i] = ceilToGrid(standardA);
    out.maxA[i] = floorToGrid(ratingA);
    out.wattsPerA[i] = 0;
  }
}

/** DC power for a per-phase current, rounded down to whole watts. */
export function dcPowerW(currentA: number, wattsPerA: number): number {
  return Math.floor(currentA * wattsPerA + 1e-6);
}
