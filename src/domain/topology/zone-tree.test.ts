import { describe, expect, it } from 'vitest';
import { validateZoneTree, type ZoneSpec } from './zone-tree.js';

const zone = (name: string, parent: string | null, maxCurrentA: number, extra: Partial<ZoneSpec> = {}): ZoneSpec =>
  ({ name, parent, maxCurrentA, mode: 'static', ...extra });

describe('validateZoneTree (Z1, Z2)', () => {
  it('accepts a valid tree with three levels of sub-zones', () => {
    expect(validateZoneTree([zone('A', null, 100), zone('B', 'A', 63), zone('C', 'B', 32), zone('D', 'C', 16)])).toEqual([]);
  });

  it('rejects a fifth level, naming the zone', () => {
    const errors = validateZoneTree([zone('A', null, 100), zone('B', 'A', 63), zone('C', 'B', 32), zone('D', 'C', 16), zone('E', 'D', 10)]);
    expect(errors).toEqual([expect.objectContaining({ zone: 'E', rule: 'max-depth' })]);
  });

  it('rejects a child above its parent', () => {
    const errors = validateZoneTree([zone('Main', null, 63), zone('Row A', 'Main', 80)]);
    expect(errors).toEqual([expect.objectContaining({ zone: 'Row A', rule: 'child-within-parent' })]);
    expect(errors[0].message).toContain('80 A exceeds its parent "Main" (63 A)');
  });

  it('rejects duplicate names, missing parents, cycles and bad currents', () => {
    const rules = validateZoneTree([
      zone('A', null, 0), zone('A', null, 10), zone('B', 'Nope', 10), zone('X', 'Y', 10), zone('Y', 'X', 10),
    ]).map((e) => `${e.zone}:${e.rule}`);
    expect(rules).toEqual(expect.arrayContaining(['A:unique-name', 'A:max-current-positive', 'B:parent-exists', 'X:no-cycle', 'Y:no-cycle']));
  });

  it('requires a meter for dynamic zones and allows a meter in only one zone', () => {
    const errors = validateZoneTree([
      zone('G', null, 100, { mode: 'dynamic' }),
      zone('H', null, 100, { mode: 'dynamic', meter: 'M1' }),
      zone('I', null, 100, { mode: 'dynamic', meter: 'M1', fallbackCurrentA: 120 }),
    ]).map((e) => `${e.zone}:${e.rule}`);
    expect(errors).toEqual(['G:dynamic-needs-meter', 'I:fallback-within-max', 'I:meter-in-one-zone']);
  });

  it('refuses a reporting meter as the meter of a dynamic zone, naming the zone and the meter (Z7)', () => {
    const tree = [
      zone('Garage', null, 100, { mode: 'dynamic', meter: 'Offices' }),
      zone('Hall', null, 100, { meter: 'Lights' }),
    ];
    expect(validateZoneTree(tree)).toEqual([]);
    const errors = validateZoneTree(tree, { reportingMeters: new Set(['Offices', 'Lights']) });
    expect(errors).toEqual([expect.objectContaining({ zone: 'Garage', rule: 'meter-not-reporting' })]);
    expect(errors[0].message).toContain('dynamic zone "Garage" cannot be driven by meter "Offices"');
  });
});
