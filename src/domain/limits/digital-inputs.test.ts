import { describe, expect, it } from 'vitest';
import { activeDigitalInput, validateDigitalInputs } from './digital-inputs.js';

describe('digital inputs (M2)', () => {
  it('is active when enabled and high; the lowest percentage wins', () => {
    expect(activeDigitalInput([
      { id: 'a', enabled: true, high: true, pct: 70 },
      { id: 'b', enabled: true, high: true, pct: 10 },
      { id: 'c', enabled: false, high: true, pct: 0 },
      { id: 'd', enabled: true, high: false, pct: 5 },
    ])).toEqual({ id: 'b', pct: 10 });
    expect(activeDigitalInput([{ id: 'a', enabled: true, high: false, pct: 70 }])).toBeNull();
  });

  it('allows at most 3 inputs with whole percentages 0-99', () => {
    const input = (id: string, pct: number) => ({ id, enabled: true, high: false, pct });
    expect(validateDigitalInputs([input('a', 0), input('b', 99)])).toEqual([]);
    expect(validateDigitalInputs([input('a', 100), input('a', 5), input('c', 1), input('d', 1)]).map((e) => e.rule))
      .toEqual(['too-many-inputs', 'pct-range', 'unique-id']);
  });
});
