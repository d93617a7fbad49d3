import { describe, expect, it } from 'vitest';
import type { ConnectorInput, ZoneInput } from '../snapshot.js';
import { allocate } from './allocate.js';
import { describeReason } from './describe.js';
import { checkAllocation } from './invariants.js';

const now = Date.parse('2025-01-06T08:00:00Z');
const zone = (name: string, maxCurrentA: number): ZoneInput => ({ name, parent: null, maxCurrentA, mode: 'static' });
const car = (id: string, extra: Partial<ConnectorInput> = {}): ConnectorInput =>
  ({ id, stationId: id.split('/')[0], zone: 'Main', session: { startedAt: now - 60_000, energyWh: 0 }, ...extra });
const cpo = (capA: number) => ({ capA, source: { kind: 'cpo' as const } });

describe('external cap (U1)', () => {
  it('caps the connector like a lowered maximum, with the reason, and the others get what it frees', () => {
    const result = allocate({ zones: [zone('Main', 40)], connectors: [car('a/1', { externalCap: cpo(10) }), car('b/1')] }, now);
    expect(result.setpoints.map((s) => s.currentA)).toEqual([10, 30]);
    expect(result.setpoints[0].reason).toEqual({ code: 'external-cap', source: 'cpo', capA: 10 });
    expect(result.setpoints[0].maxA).toBe(32);
    expect(describeReason(result.setpoints[0].reason)).toBe("capped at 10 A by the CPO's charging profile");
    expect(checkAllocation(result)).toEqual([]);
  });

  it('does not bind when the zone gives less, or when it is above the maximum', () => {
    const result = allocate({ zones: [zone('Main', 20)], connectors: [car('a/1', { externalCap: cpo(16) }), car('b/1', { externalCap: cpo(40) })] }, now);
    expect(result.setpoints.map((s) => [s.currentA, s.reason.code])).toEqual([[10, 'zone-limit'], [10, 'zone-limit']]);
    const alone = allocate({ zones: [zone('Main', 64)], connectors: [car('b/1', { externalCap: cpo(40) })] }, now);
    expect(alone.setpoints[0].reason.code).toBe('connector-max');
  });

  it('null or absent is no cap; below the minimum suspends the connector', () => {
    const none = allocate({ zones: [zone('Main', 64)], connectors: [car('a/1', { externalCap: null })] }, now);
    expect(none.setpoints[0]).toMatchObject({ currentA: 32, reason: { code: 'connector-max' } });
    const low = allocate({ zones: [zone('Main', 64)], connectors: [car('a/1', { externalCap: cpo(3) }), car('b/1')] }, now);
    expect(low.setpoints[0]).toMatchObject({ currentA: 0, reason: { code: 'suspended', cause: 'max-below-minimum' } });
    expect(low.setpoints[1].currentA).toBe(32);
  });
});
