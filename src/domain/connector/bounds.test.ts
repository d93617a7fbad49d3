import { describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS, resolveSettings } from '../settings.js';
import { ceilToGrid, connectorBounds, dcPowerW, floorToGrid, standardMinimumA } from './bounds.js';

const base = { id: 'x/1', stationId: 'x', zone: 'Z' };

describe('connector bounds (A1, A3, A9)', () => {
  it('IEC 61851 is 6 A; EV/ZE is 8 A single-phase and 14 A three-phase', () => {
    expect(standardMinimumA('IEC61851', true)).toBe(6);
    expect(standardMinimumA('IEC61851', false)).toBe(6);
    expect(standardMinimumA('EVZE', false)).toBe(8);
    expect(standardMinimumA('EVZE', true)).toBe(14);
  });

  it('a station override raises the minimum; the standard stays a floor; the rating defaults to 32 A', () => {
    expect(connectorBounds({ ...base, minCurrentA: 10 }, DEFAULT_SETTINGS)).toMatchObject({ minA: 10, maxA: 32, phaseCount: 3 });
    expect(connectorBounds({ ...base, minCurrentA: 10, wiring: 'L2' }, resolveSettings({ minimumStandard: 'EVZE' }))).toMatchObject({ minA: 10, phaseCount: 1 });
    expect(connectorBounds({ ...base, minCurrentA: 4 }, resolveSettings({ minimumStandard: 'EVZE' })).minA).toBe(14);
  });

  it('DC converts watts with the nominal voltage over its phases (A9)', () => {
    const b = connectorBounds({ ...base, kind: 'DC', minPowerW: 5000, maxPowerW: 50_000 }, DEFAULT_SETTINGS);
    expect(b).toMatchObject({ minA: 7.3, maxA: 72.4, wattsPerA: 690 });
    expect(dcPowerW(60, 690)).toBe(41_400);
  });

  it('rounds on the 0.1 A grid, on the safe side and without binary noise', () => {
    expect(floorToGrid(20 / 3)).toBe(6.6);
    expect(floorToGrid(0.1 + 0.2)).toBe(0.3);
    expect(ceilToGrid(7.2463)).toBe(7.3);
    expect(ceilToGrid(6)).toBe(6);
  });
});
