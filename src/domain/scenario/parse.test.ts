import { describe, expect, it } from 'vitest';
import { parseDuration } from './duration.js';
import { parseScenario } from './parse.js';
import { playScenario } from './play.js';
import { ScenarioError } from './reader.js';

const base = {
  name: 'x', start: '2025-01-06T08:00:00Z',
  zones: [{ name: 'Z', maxCurrentA: 32 }],
  stations: [{ id: 'A', zone: 'Z', connectors: 2 }],
  steps: [{ events: [{ type: 'plug', connector: 'A/1' }], expect: { setpoints: { 'A/1': 32 } } }],
};

function errorOf(json: unknown): string {
  try {
    parseScenario(json);
  } catch (error) {
    if (error instanceof ScenarioError) return error.message;
    throw error;
  }
  return 'no error';
}

describe('scenario files (A12)', () => {
  it('reads durations', () => {
    expect(parseDuration('15m')).toBe(900_000);
    expect(parseDuration('1h30m')).toBe(5_400_000);
    expect(parseDuration('500ms')).toBe(500);
    expect(parseDuration('1.5s')).toBe(1500);
    expect(parseDuration('15 minutes')).toBeNull();
    expect(parseDuration('')).toBeNull();
  });

  it('names the offending field', () => {
    expect(errorOf({ ...base, stations: [{ id: 'A', zone: 'Nope' }] })).toBe('stations[0].zone: unknown zone "Nope"');
    expect(errorOf({ ...base, steps: [{ events: [{ type: 'plug', connector: 'A/3' }] }] })).toBe('steps[0].events[0].connector: unknown connector "A/3"');
    expect(errorOf({ ...base, steps: [{ after: 'soon' }] })).toContain('steps[0].after: must be a duration');
    expect(errorOf({ ...base, start: 'tomorrow' })).toContain('start: must be an ISO 8601');
    expect(errorOf({ ...base, zones: [{ name: 'Z', maxCurrentA: 32, colour: 'red' }] })).toContain('zones[0]: unknown field "colour"');
    expect(errorOf({ ...base, zones: [{ name: 'Z', maxCurrentA: 32 }, { name: 'S', parent: 'Z', maxCurrentA: 40 }] })).toContain('exceeds its parent');
    expect(errorOf({ ...base, steps: [{ at: '2025-01-06T07:00:00Z' }] })).toContain('must not go back in time');
  });

  it('plays a scenario and reports expectations that do not hold', () => {
    const ok = playScenario(parseScenario(base));
    expect(ok[0].mismatches).toEqual([]);
    const wrong = playScenario(parseScenario({ ...base, steps: [{ ...base.steps[0], expect: { setpoints: { 'A/1': 16, 'A/2': { reason: 'demand' } } } }] }));
    expect(wrong[0].mismatches).toEqual([
      expect.stringContaining('A/1: expected 16 A (got 32 A: connector maximum 32 A)'),
      expect.stringContaining('A/2: expected reason demand'),
    ]);
  });

  it('accrues energy from the setpoints as time passes', () => {
    // After 10 minutes at 8 A × 3 phases × 230 V, A/1 has 920 Wh; of the two, the one with more yields (A5).
    const secondStep = (energyWh: number) => {
      const scenario = parseScenario({
        ...base, zones: [{ name: 'Z', maxCurrentA: 8 }],
        steps: [{ events: [{ type: 'plug', connector: 'A/1' }] }, { after: '10m', events: [{ type: 'plug', connector: 'A/2', energyWh }] }],
      });
      return playScenario(scenario)[1].result.setpoints.map((s) => s.currentA);
    };
    expect(secondStep(900)).toEqual([0, 8]);
    expect(secondStep(950)).toEqual([8, 0]);
  });
});
