import { describe, expect, it } from 'vitest';
import { latestMeasurement, MeterValueError, parseMeterValues } from './meter-samples.js';

const at = '2026-11-26T10:00:00.000Z';

describe('parseMeterValues (O7)', () => {
  it('converts kWh and kW, keeps phases, and defaults energy to Wh as OCPP does', () => {
    const { samples, skipped } = parseMeterValues('CP', 1, 7, [{ timestamp: at, sampledValue: [
      { value: '12.5', unit: 'kWh', measurand: 'Energy.Active.Import.Register' },
      { value: '3.2', unit: 'kW', measurand: 'Power.Active.Import' },
      { value: '15.9', unit: 'A', measurand: 'Current.Import', phase: 'L2' },
      { value: '1500' },
    ] }]);
    expect(skipped).toEqual([]);
    expect(samples.map((s) => [s.measurand, s.phase, s.value, s.unit])).toEqual([
      ['Energy.Active.Import.Register', null, 12_500, 'Wh'],
      ['Power.Active.Import', null, 3_200, 'W'],
      ['Current.Import', 'L2', 15.9, 'A'],
      ['Energy.Active.Import.Register', null, 1_500, 'Wh'],
    ]);
    expect(samples[0].at).toBe(Date.parse(at));
  });

  it('assumes no unit for a current sent without one', () => {
    const { samples, skipped } = parseMeterValues('CP', 1, null, [{ timestamp: at, sampledValue: [{ value: '16', measurand: 'Current.Import' }] }]);
    expect(samples).toEqual([]);
    expect(skipped).toEqual(['meterValue[0].sampledValue[0] (Current.Import without a unit)']);
  });

  it('refuses a value that is not a number, naming the field', () => {
    expect(() => parseMeterValues('CP', 1, null, [{ timestamp: at, sampledValue: [{ value: '1' }, { value: 'abc' }] }]))
      .toThrow(new MeterValueError('meterValue[0].sampledValue[1].value', '"abc" is not a number'));
  });
});

describe('latestMeasurement (what the control loop reads of a MeterValues)', () => {
  const earlier = '2026-12-08T10:00:00Z';
  const later = '2026-12-08T10:00:05Z';
  const parse = (meterValue: Parameters<typeof parseMeterValues>[3]) => parseMeterValues('CP', 1, 7, meterValue).samples;

  it('takes the latest of each phase, power and energy register; a tie goes to the one sent last', () => {
    const samples = parse([
      { timestamp: later, sampledValue: [
        { value: '10', measurand: 'Current.Import', phase: 'L1', unit: 'A' },
        { value: '11', measurand: 'Current.Import', phase: 'L2', unit: 'A' },
        { value: '4.2', measurand: 'Power.Active.Import', unit: 'kW' },
        { value: '999', measurand: 'Energy.Active.Import.Register', phase: 'L1', unit: 'Wh' },
      ] },
      { timestamp: earlier, sampledValue: [
        { value: '30', measurand: 'Current.Import', phase: 'L1', unit: 'A' },
        { value: '5000', unit: 'Wh' },
      ] },
      { timestamp: later, sampledValue: [{ value: '12', measurand: 'Current.Import', phase: 'L2', unit: 'A' }] },
    ]);
    // L3 not sent: 0; the per-phase energy register is not the connector's.
    expect(latestMeasurement(samples)).toEqual({ currentsA: [10, 12, 0], powerW: 4_200, energyWh: 5_000 });
  });

  it('a current without a phase counts on the first; nothing measured gives nothing', () => {
    expect(latestMeasurement(parse([{ timestamp: later, sampledValue: [{ value: '16', measurand: 'Current.Import', unit: 'A' }] }]))).toEqual({ currentsA: [16, 0, 0] });
    expect(latestMeasurement([])).toEqual({});
  });
});
