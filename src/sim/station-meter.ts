// What a station's meter reports (MeterValues sampledValue) and how its connectors are wired.
// Pure helpers for SimStation.

import { PHASE_VOLTAGE_V } from './charging-schedule.js';
import type { MeterValue, Phase, ReadingContext, SampledValue } from './ocpp-types.js';

/** How a connector is wired to the grid (the site file's `phases`). */
export type PhaseWiring = 'L1L2L3' | 'L2L3L1' | 'L3L1L2' | 'L1' | 'L2' | 'L3';

const ROTATION: Record<PhaseWiring, string> = {
  L1L2L3: 'RST',
  L2L3L1: 'STR',
  L3L1L2: 'TRS',
  // Single phase: the grid phase on the station's L1 comes first.
  L1: 'RST',
  L2: 'STR',
  L3: 'TRS',
};

export function phaseCount(wiring: PhaseWiring): 1 | 3 {
  return wiring.length === 2 ? 1 : 3;
}

/** The ConnectorPhaseRotation value, e.g. "0.RST,1.RST,2.STR". */
export function phaseRotation(wirings: readonly PhaseWiring[]): string {
  const items = wirings.map((w, i) => `${i + 1}.${ROTATION[w]}`);
  return [`0.${ROTATION[wirings[0] ?? 'L1L2L3']}`, ...items].join(',');
}

/** A connector's meter at one moment. */
export interface ConnectorReading {
  energyWh: number;
  /** Current per drawing phase. */
  currentA: number;
  /** Phases the car draws on (0 when idle). */
  drawPhases: number;
  /** Phases the connector has (1 or 3). */
  connectorPhases: number;
  powerW: number;
  offeredA: number;
  /** 0..1, when the car tells it. */
  soc?: number;
}

const PHASES: Phase[] = ['L1', 'L2', 'L3'];

/** One MeterValue with the measurands configured in MeterValuesSampledData (or a given list). */
export function buildMeterValue(
  reading: ConnectorReading,
  measurands: readonly string[],
  at: number,
  context: ReadingContext,
): MeterValue {
  const sampledValue: SampledValue[] = [];
  for (const measurand of measurands) {
    switch (measurand) {
      case 'Energy.Active.Import.Register':
        sampledValue.push({ value: String(Math.floor(reading.energyWh)), context, measurand, unit: 'Wh', location: 'Outlet' });
        break;
      case 'Current.Import':
        // The station meters its own phases; a one-phase car on a three-phase connector uses L1.
        for (let i = 0; i < reading.connectorPhases; i++) {
          const value = i < reading.drawPhases ? reading.currentA : 0;
          sampledValue.push({ value: value.toFixed(1), context, measurand, phase: PHASES[i], unit: 'A', location: 'Outlet' });
        }
        break;
      case 'Current.Offered':
        sampledValue.push({ value: reading.offeredA.toFixed(1), context, measurand, unit: 'A', location: 'Outlet' });
        break;
      case 'Power.Active.Import':
        sampledValue.push({ value: String(Math.round(reading.powerW)), context, measurand, unit: 'W', location: 'Outlet' });
        break;
      case 'Voltage':
        for (let i = 0; i < reading.connectorPhases; i++) {
          sampledValue.push({ value: PHASE_VOLTAGE_V.toFixed(1), context, measurand, phase: `${PHASES[i]}-N` as Phase, unit: 'V', location: 'Outlet' });
        }
        break;
      case 'SoC':
        if (reading.soc !== undefined) {
          sampledValue.push({ value: String(Math.round(reading.soc * 100)), context, measurand, unit: 'Percent', location: 'EV' });
        }
        break;
    }
  }
  return { timestamp: new Date(at).toISOString(), sampledValue };
}
