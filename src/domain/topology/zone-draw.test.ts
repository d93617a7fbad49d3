import { describe, expect, it } from 'vitest';
import { zoneDrawWarnings, type ZoneDrawConnector } from './zone-draw.js';
import type { ZoneSpec } from './zone-tree.js';

const zone = (name: string, parent: string | null, maxCurrentA: number): ZoneSpec => ({ name, parent, maxCurrentA, mode: 'static' });
const connector = (zoneName: string, maxCurrentA: number, wiring: ZoneDrawConnector['wiring'] = 'L1L2L3'): ZoneDrawConnector => ({ zone: zoneName, wiring, maxCurrentA });

describe('zoneDrawWarnings: children that can draw more than their zone (issue 16, Z2, Z4)', () => {
  it('warns when sub-zones and stations together can draw more than the zone, on the worst phase', () => {
    const warnings = zoneDrawWarnings(
      [zone('Main', null, 63), zone('Row A', 'Main', 32), zone('Row B', 'Main', 32)],
      [connector('Row A', 16), connector('Row A', 16, 'L1'), connector('Row B', 32)],
    );
    expect(warnings).toEqual([
      expect.objectContaining({ zone: 'Main', code: 'children-above-zone', phase: 'L1', childrenA: 64, zoneMaxA: 63 }),
    ]);
    expect(warnings[0].message).toContain('zone "Main"');
    expect(warnings[0].message).toContain('64 A on L1, above its own 63 A');
  });

  it('counts single-phase connectors on their phase only (Z4)', () => {
    const zones = [zone('Z', null, 32)];
    expect(zoneDrawWarnings(zones, [connector('Z', 32, 'L1'), connector('Z', 32, 'L2'), connector('Z', 32, 'L3')])).toEqual([]);
    expect(zoneDrawWarnings(zones, [connector('Z', 20, 'L2'), connector('Z', 20, 'L3L1L2')])).toEqual([
      expect.objectContaining({ zone: 'Z', phase: 'L2', childrenA: 40 }),
    ]);
  });

  it('says nothing when the sum is at or below the zone, and ignores stations of unknown zones', () => {
    expect(zoneDrawWarnings([zone('Z', null, 32)], [connector('Z', 16), connector('Z', 16), connector('Elsewhere', 100)])).toEqual([]);
    expect(zoneDrawWarnings([], [connector('Z', 100)])).toEqual([]);
  });

  it('counts a DC connector at its maxPowerW over the nominal voltage, as the allocation does (A9)', () => {
    const dc: ZoneDrawConnector = { zone: 'Z', wiring: 'L1L2L3', maxCurrentA: 125, dcMaxPowerW: 50_000 };
    expect(zoneDrawWarnings([zone('Z', null, 80)], [dc])).toEqual([]);
    expect(zoneDrawWarnings([zone('Z', null, 63)], [dc])).toEqual([expect.objectContaining({ childrenA: 72.5 })]);
  });

  it('counts a sub-zone at its maximum, not at what its own stations could draw', () => {
    const warnings = zoneDrawWarnings([zone('Main', null, 40), zone('Sub', 'Main', 20)], [connector('Sub', 32), connector('Main', 16)]);
    expect(warnings.map((w) => [w.zone, w.childrenA])).toEqual([['Sub', 32]]);
  });
});
