import { describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS } from '../settings.js';
import type { ConnectorInput } from '../snapshot.js';
import { indexZones } from '../topology/zone-index.js';
import type { ZoneSpec } from '../topology/zone-tree.js';
import { failsafeCurrents, siteFailsafe } from './failsafe.js';

const zone = (name: string, parent: string | null, maxCurrentA: number, mode: 'static' | 'dynamic' = 'static'): ZoneSpec =>
  ({ name, parent, maxCurrentA, mode, meter: mode === 'dynamic' ? `m-${name}` : undefined });
const conn = (id: string, z: string, extra: Partial<ConnectorInput> = {}): ConnectorInput => ({ id, stationId: id.split('/')[0], zone: z, ...extra });

describe('failsafe currents (D1, D6, D7)', () => {
  it('D2 example: 6/6/6/6/10 when the minimums (34 A) fit in 40 A', () => {
    const zones = [zone('Main', null, 40)];
    const connectors = [conn('A/1', 'Main'), conn('A/2', 'Main'), conn('B/1', 'Main'), conn('B/2', 'Main'), conn('C/1', 'Main', { minCurrentA: 10 })];
    expect(failsafeCurrents(indexZones(zones), connectors, DEFAULT_SETTINGS).map((f) => f.failsafeA)).toEqual([6, 6, 6, 6, 10]);
  });

  it('D7: 0 A for every station of a zone whose minimums exceed its maximum, with the reason', () => {
    const zones = [zone('Main', null, 20)];
    const connectors = [1, 2, 3, 4].map((k) => conn(`S/${k}`, 'Main'));
    const result = failsafeCurrents(indexZones(zones), connectors, DEFAULT_SETTINGS);
    expect(result[0]).toEqual({ failsafeA: 0, reason: { code: 'minimums-exceed-max', zone: 'Main', phase: 'L1', sumA: 24, maxA: 20 } });
  });

  it('sums per phase (Z4): three single-phase 6 A connectors on different phases fit in 10 A', () => {
    const zones = [zone('Main', null, 10)];
    const connectors = [conn('a/1', 'Main', { wiring: 'L1' }), conn('b/1', 'Main', { wiring: 'L2' }), conn('c/1', 'Main', { wiring: 'L3' })];
    expect(failsafeCurrents(indexZones(zones), connectors, DEFAULT_SETTINGS).map((f) => f.failsafeA)).toEqual([6, 6, 6]);
    const onL1 = connectors.map((c) => ({ ...c, wiring: 'L1' as const }));
    expect(failsafeCurrents(indexZones(zones), onL1, DEFAULT_SETTINGS).map((f) => f.failsafeA)).toEqual([0, 0, 0]);
  });

  it('an ancestor that cannot hold the whole subtree zeroes it; dynamic zones and zones below them get 0 A', () => {
    const zones = [zone('Top', null, 15), zone('Sub', 'Top', 15), zone('Dyn', null, 50, 'dynamic'), zone('Below', 'Dyn', 30)];
    const connectors = [conn('a/1', 'Top'), conn('b/1', 'Sub'), conn('c/1', 'Sub'), conn('d/1', 'Below')];
    const result = failsafeCurrents(indexZones(zones), connectors, DEFAULT_SETTINGS);
    expect(result.map((f) => f.failsafeA)).toEqual([0, 0, 0, 0]);
    expect(result[1].reason).toMatchObject({ code: 'minimums-exceed-max', zone: 'Top', sumA: 18 });
    expect(result[3].reason).toEqual({ code: 'dynamic-zone', zone: 'Dyn' });
  });

  it('DC has no failsafe (D6) and does not count in the sum; EV/ZE minimums apply (A3)', () => {
    const zones = [zone('Main', null, 28)];
    const connectors = [conn('dc/1', 'Main', { kind: 'DC', maxPowerW: 50_000 }), conn('a/1', 'Main'), conn('b/1', 'Main')];
    const evze = siteFailsafe(zones, connectors, { minimumStandard: 'EVZE' });
    expect(evze['dc/1']).toEqual({ failsafeA: 0, reason: { code: 'dc-no-failsafe' } });
    expect(evze['a/1'].failsafeA).toBe(14);
  });
});
