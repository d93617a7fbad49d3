// A connector's measured draw per site phase (Z4, Z6), or nothing when missing or stale.

import { sitePhases, isThreePhase, type PhaseWiring } from '../phases.js';
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
  if (!isMeasurementFresh(connector, now, defaultSampleIntervalMs)) return null;
  const m = connector.measured;
  if (!m) return null;
  const phases = sitePhases(wiring);
  const draw: [number, number, number] = [0, 0, 0];
  // A DC station's Current.Import is its DC current, which says nothing about the AC phases.
  if (m.currentsA && connector.kind !== 'DC') {
    if (isThreePhase(wiring)) {
      for (let k = 0; k < 3; k++) draw[phases[k]] = Math.max(0, m.currentsA[k]);
    } else {
      draw[phases[0]] = Math.max(0, m.currentsA[0], m.currentsA[1], m.currentsA[2]);
    }
    return draw;
  }
  if (m.powerW !== undefined) {
    const perPhaseA = Math.max(0, m.powerW) / (nominalVoltageV * phases.length);
    for (const p of phases) draw[p] = perPhaseA;
    return draw;
  }
  return null;
}
