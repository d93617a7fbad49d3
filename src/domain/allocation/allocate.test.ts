import { describe, expect, it } from 'vitest';
import type { ConnectorInput, SiteSnapshot, ZoneInput } from '../snapshot.js';
import { allocate } from './allocate.js';
import { checkAllocation } from './invariants.js';

const now = Date.parse('2025-01-06T08:00:00Z');
const zone = (name: string, maxCurrentA: number, parent: string | null = null): ZoneInput => ({ name, parent, maxCurrentA, mode: 'static' });
const car = (id: string, z: string, extra: Partial<ConnectorInput> = {}): ConnectorInput =>
  ({ id, stationId: id.split('/')[0], zone: z, session: { startedAt: now - 60_000, energyWh: 0 }, ...extra });

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null) {
    Object.values(value).forEach(deepFreeze);
    Object.freeze(value);
  }
  return value;
}

describe('allocate (A1, A2, A11)', () => {
  it('refuses an invalid zone tree by giving everyone 0 A with the reason, keeping the state', () => {
    const state = { connectors: [{ connectorId: 'a/1', sessionStartedAt: 1, lastA: 10 }] };
    const result = allocate({ zones: [zone('Main', 32), zone('Main', 16)], connectors: [car('a/1', 'Main')], state }, now);
    expect(result.setpoints[0]).toMatchObject({ currentA: 0, reason: { code: 'config-error' } });
    expect(result.setpoints[0].reason).toMatchObject({ message: expect.stringContaining('"Main" is used more than once') });
    expect(result.state).toBe(state);
  });

  it('gives 0 A to a connector in an unknown zone and allocates the others', () => {
    const result = allocate({ zones: [zone('Main', 32)], connectors: [car('a/1', 'Nope'), car('b/1', 'Main')] }, now);
    expect(result.setpoints.map((s) => [s.currentA, s.reason.code])).toEqual([[0, 'config-error'], [32, 'connector-max']]);
  });

  it('does not touch its input and is deterministic', () => {
    const snapshot: SiteSnapshot = deepFreeze({
      zones: [zone('Main', 40)],
      connectors: [car('a/1', 'Main'), car('b/1', 'Main', { vip: true }), car('c/1', 'Main', { measured: { currentsA: [3, 3, 3], at: now } })],
    });
    expect(allocate(snapshot, now)).toEqual(allocate(snapshot, now));
  });

  it('keeps state for active and offline connectors only, and forgets it when a new session starts', () => {
    const first = allocate({ zones: [zone('Main', 10)], connectors: [car('a/1', 'Main'), car('b/1', 'Main')] }, now);
    expect(first.state.connectors.find((c) => c.connectorId === 'b/1')).toMatchObject({ lastA: 0, suspendedSince: now });
    const second = allocate({
      zones: [zone('Main', 10)],
      connectors: [car('a/1', 'Main', { session: null }), car('b/1', 'Main', { session: { startedAt: now + 5000, energyWh: 0 } })],
      state: first.state,
    }, now + 10_000);
    // A new session is not a resume: no margin, no old suspension.
    expect(second.state.connectors).toEqual([{ connectorId: 'b/1', sessionStartedAt: now + 5000, lastA: 10, servedSince: now + 10_000 }]);
  });

  it('suspends a connector whose maximum is below its minimum (A3)', () => {
    const result = allocate({ zones: [zone('Main', 40)], connectors: [car('a/1', 'Main', { maxCurrentA: 10 })], settings: { minimumStandard: 'EVZE' } }, now);
    expect(result.setpoints[0]).toMatchObject({ currentA: 0, reason: { code: 'suspended', cause: 'max-below-minimum', minA: 14 } });
  });

  it('counts an offline DC station with no known setpoint at 0 A, and reports idle connectors', () => {
    const result = allocate({
      zones: [zone('Main', 40)],
      connectors: [car('dc/1', 'Main', { kind: 'DC', stationConnected: false }), { id: 'i/1', stationId: 'i', zone: 'Main' }],
    }, now);
    expect(result.setpoints.map((s) => [s.currentA, s.reason.code, s.controllable])).toEqual([[0, 'station-offline', false], [0, 'idle', true]]);
    expect(result.zones[0].reservedA).toEqual([0, 0, 0]);
  });

  it('reports per zone: limit, allocated, measured', () => {
    const result = allocate({
      zones: [zone('Main', 40), zone('Sub', 20, 'Main')],
      connectors: [car('a/1', 'Sub', { wiring: 'L2', measured: { currentsA: [7, 0, 0], at: now } }), car('b/1', 'Main')],
    }, now);
    expect(checkAllocation(result)).toEqual([]);
    expect(result.zones.find((z) => z.zone === 'Sub')).toMatchObject({ allocatedA: [0, 20, 0], evMeasuredA: [0, 7, 0], limitA: [20, 20, 20] });
    // b/1 is three-phase: Main's L2 holds a/1's 20 A and b/1's 20 A.
    expect(result.zones.find((z) => z.zone === 'Main')).toMatchObject({ allocatedA: [20, 40, 20], evMeasuredA: [0, 7, 0] });
    expect(result.setpoints[1].reason).toMatchObject({ code: 'zone-limit', zone: 'Main', phase: 'L2' });
  });
});

describe('checkAllocation (A2)', () => {
  it('finds an overloaded phase and a setpoint outside its bounds', () => {
    const result = allocate({ zones: [zone('Main', 20)], connectors: [car('a/1', 'Main'), car('b/1', 'Main')] }, now);
    result.setpoints[0] = { ...result.setpoints[0], currentA: 16 };
    result.setpoints[1] = { ...result.setpoints[1], currentA: 5 };
    expect(checkAllocation(result).map((v) => v.rule)).toEqual(['below-minimum', 'zone-phase-limit', 'zone-phase-limit', 'zone-phase-limit']);
  });
});
