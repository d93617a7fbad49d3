import { describe, expect, it } from 'vitest';
import { MeterValueError, parseMeterValues } from './meter-samples.js';

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
