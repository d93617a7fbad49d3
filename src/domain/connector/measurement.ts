// A connector's measured draw per site phase (Z4, Z6), or nothing when missing or stale.

import { isThreePhase, sitePhases, type PhaseIndex, type PhaseWiring } from '../phases.js';
import type { ConnectorInput } from '../snapshot.js';

/** Z6: older than 3 sample intervals = stale. */
export function isMeasurementFresh(connector: ConnectorInput, now: number, defaultSampleIntervalMs: number): boolean {
  const m = connector.measured;
  if (!m) return false;
  const intervalMs = connector.sampleIntervalMs ?? defaultSampleIntervalMs;
  return now - m.at <= 3 * intervalMs;
}

/**
 * Draw per site phase [L1, L2, L3] from a fresh measurement, else null. Three-phase: connector
 * phase k goes to the site phase it is wired to. Single-phase: the largest reported value, since
 * stations differ on which phase they report it. DC: its power spread evenly over the wired phases.
 */
export function drawPerSitePhase(
  connector: ConnectorInput, wiring: PhaseWiring, now: number, defaultSampleIntervalMs: number, nominalVoltageV: number,
): [number, number, number] | null {
  const draw: [number, number, number] = [0, 0, 0];
  const fresh = writeDraw(connector, sitePhases(wiring), isThreePhase(wiring), now, defaultSampleIntervalMs, nominalVoltageV, draw, 0);
  return fresh ? draw : null;
}

/**
 * The same into out[offset .. offset + 2], given the connector's site phases and whether its wiring
 * is three-phase; false (and nothing written) when there is no fresh measurement.
 */
export function writeDraw(
  connector: ConnectorInput, phases: readonly PhaseIndex[], threePhase: boolean, now: number, defaultSampleIntervalMs: number,
  nominalVoltageV: number, out: { [k: number]: number }, offset: number,
): boolean {
  const m = connector.measured;
  if (!m || !isMeasurementFresh(connector, now, defaultSampleIntervalMs)) return false;
  // A DC station's Current.Import is its DC current, which says nothing about the AC phases.
  const currents = connector.kind === 'DC' ? undefined : m.currentsA;
  if (currents) {
    if (threePhase) {
      for (let k = 0; k < 3; k++) out[offset + phases[k]] = Math.max(0, currents[k]);
    } else {
      out[offset + phases[0]] = Math.max(0, currents[0], currents[1], currents[2]);
    }
    return true;
  }
  if (m.powerW !== undefined) {
    const perPhaseA = Math.max(0, m.powerW) / (nominalVoltageV * phases.length);
    for (const p of phases) out[offset + p] = perPhaseA;
    return true;
  }
  return false;
}
