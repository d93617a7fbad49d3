// Turns OCPP MeterValues into stored samples (O7): numbers parsed, kWh and kW converted, and
// no unit guessed where the station sent none (ocpp-notes: "never assume a unit").
import { MAX_METER_WH, plausibleTime } from '../domain/session/transaction-sanity.js';
import type { MeterValuesRequest } from '../ocpp/types.generated.js';
import type { NewMeterSample } from '../store/schema.js';
import type { ConnectorMeasurement } from './site-events.js';

export class MeterValueError extends Error {
  constructor(readonly field: string, message: string) {
    super(`${field}: ${message}`);
  }
}

type MeterValue = MeterValuesRequest['meterValue'][number];

const SCALE: Record<string, { unit: string; factor: number }> = {
  kWh: { unit: 'Wh', factor: 1000 },
  kW: { unit: 'W', factor: 1000 },
  kvarh: { unit: 'varh', factor: 1000 },
  kvar: { unit: 'var', factor: 1000 },
  kVA: { unit: 'VA', factor: 1000 },
};

/** OCPP's own default unit, which holds only for energy registers. */
const DEFAULT_UNIT_BY_MEASURAND_PREFIX: [string, string][] = [['Energy.Active', 'Wh']];

export interface ParsedSamples {
  samples: NewMeterSample[];
  /** Values left out: no unit was sent and none can be assumed, or the value is beyond any meter. */
  skipped: string[];
}

/**
 * `receivedAt` (Fuseguard's clock): a timestamp too far from it is taken as the receive time, as
 * for transactions (issue 14, row 7); one far ahead would otherwise hold the session's last
 * reading for ever.
 */
export function parseMeterValues(
  stationId: string, connectorId: number, transactionId: number | null, meterValues: readonly MeterValue[], field = 'meterValue', receivedAt?: number,
): ParsedSamples {
  const samples: NewMeterSample[] = [];
  const skipped: string[] = [];
  meterValues.forEach((mv, i) => {
    const claimedAt = Date.parse(mv.timestamp);
    const at = receivedAt === undefined ? claimedAt : plausibleTime(claimedAt, receivedAt).at;
    mv.sampledValue.forEach((sv, j) => {
      // Named only where something is wrong: thousands of samples a second are not.
      const path = () => `${field}[${i}].sampledValue[${j}]`;
      const value = Number(sv.value);
      if (sv.value.trim() === '' || !Number.isFinite(value)) {
        throw new MeterValueError(`${path()}.value`, `"${sv.value}" is not a number`);
      }
      const measurand = sv.measurand ?? 'Energy.Active.Import.Register';
      const unit = sv.unit ?? DEFAULT_UNIT_BY_MEASURAND_PREFIX.find(([prefix]) => measurand.startsWith(prefix))?.[1];
      if (!unit) {
        skipped.push(`${path()} (${measurand} without a unit)`);
        return;
      }
      const scale = SCALE[unit];
      const scaled = scale ? value * scale.factor : value;
      // Beyond any meter (MAX_METER_WH; an energy register below 0): not a reading.
      if (Math.abs(scaled) > MAX_METER_WH || (measurand.startsWith('Energy') && scaled < 0)) {
        skipped.push(`${path()} (${measurand} ${sv.value} ${unit} is beyond any meter)`);
        return;
      }
      samples.push({
        transaction_id: transactionId,
        station_id: stationId,
        connector_id: connectorId,
        at,
        measurand,
        phase: sv.phase ?? null,
        value: scaled,
        unit: scale ? scale.unit : unit,
        context: sv.context ?? null,
      });
    });
  });
  return { samples, skipped };
}

/** The latest current per phase, power and energy register among the samples (for the control loop). */
export function latestMeasurement(samples: readonly NewMeterSample[]): ConnectorMeasurement {
  // The latest sample of each kind (the last one sent wins a tie), without building keys: this runs
  // for every MeterValues.
  const latestOf = (measurand: string, phase: string | null): number | undefined => {
    let latest: NewMeterSample | undefined;
    for (const s of samples) {
      if (s.measurand === measurand && (s.phase ?? null) === phase && (!latest || latest.at <= s.at)) latest = s;
    }
    return latest?.value;
  };
  const phases = [latestOf('Current.Import', 'L1'), latestOf('Current.Import', 'L2'), latestOf('Current.Import', 'L3')];
  const measurement: ConnectorMeasurement = {};
  if (phases.some((v) => v !== undefined)) measurement.currentsA = [phases[0] ?? 0, phases[1] ?? 0, phases[2] ?? 0];
  else {
    const currentA = latestOf('Current.Import', null);
    if (currentA !== undefined) measurement.currentsA = [currentA, 0, 0];
  }
  const powerW = latestOf('Power.Active.Import', null);
  if (powerW !== undefined) measurement.powerW = powerW;
  const energyWh = latestOf('Energy.Active.Import.Register', null);
  if (energyWh !== undefined) measurement.energyWh = energyWh;
  return measurement;
}
