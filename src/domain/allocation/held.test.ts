// D8: connectors that are not allocated are counted at what their stations may let them draw.
import { describe, expect, it } from 'vitest';
import type { ConnectorInput, ZoneInput } from '../snapshot.js';
import { allocate } from './allocate.js';

const now = Date.parse('2025-01-06T08:00:00Z');
const zone: ZoneInput = { name: 'Z', parent: null, maxCurrentA: 40, mode: 'static' };
const car = (id: string, extra: Partial<ConnectorInput> = {}): ConnectorInput =>
  ({ id, stationId: id.split('/')[0], zone: 'Z', session: { startedAt: now - 60_000, energyWh: 0 }, ...extra });

describe('held limits in the allocation (D8)', () => {
  it('an offline station is counted at what it holds (its live profile), not at its failsafe (D2 corrected)', () => {
    const result = allocate({ zones: [zone], connectors: [car('a/1', { stationConnected: false, heldA: 20 }), car('b/1'), car('c/1')] }, now);
    expect(result.setpoints.map((s) => s.currentA)).toEqual([20, 10, 10]);
    expect(result.setpoints[0].reason).toMatchObject({ code: 'station-offline', assumption: 'held' });
    expect(result.zones[0].reservedA).toEqual([20, 20, 20]);
  });

  it('a connected station without its failsafe acknowledged is counted at its maximum and not allocated', () => {
    const result = allocate({ zones: [zone], connectors: [car('a/1', { provisioned: false, heldA: 32 }), car('b/1')] }, now);
    expect(result.setpoints.map((s) => [s.currentA, s.controllable, s.reason.code])).toEqual([[32, false, 'not-provisioned'], [8, true, 'zone-limit']]);
    // Without heldA, its maximum.
    expect(allocate({ zones: [zone], connectors: [car('a/1', { provisioned: false, maxCurrentA: 16 }), car('b/1')] }, now).setpoints[1].currentA).toBe(24);
  });

  it('an idle connector that may still draw (its 0 A live profile not acknowledged yet) keeps its current held', () => {
    const idle: ConnectorInput = { id: 'a/1', stationId: 'a', zone: 'Z', heldA: 6 };
    const result = allocate({ zones: [zone], connectors: [idle, car('b/1')] }, now);
    expect(result.setpoints.map((s) => s.currentA)).toEqual([0, 32]);
    expect(result.zones[0].reservedA).toEqual([6, 6, 6]);
    expect(allocate({ zones: [{ ...zone, maxCurrentA: 32 }], connectors: [idle, car('b/1')] }, now).setpoints[1].currentA).toBe(26);
  });

  it('a charging connector whose reduction goes unanswered is counted at what it may still draw, and the others come down instead', () => {
    // The case of fuzzer seed 21966: c/1 was cut to a fair 13.3 A but its station dropped the
    // request; it may still draw 20 A. Shared as if it held 13.3 A, the zone carries 46.7 A.
    const stuck = car('c/1', { heldA: 20, notAnswering: true });
    const result = allocate({ zones: [zone], connectors: [car('a/1', { heldA: 13.3 }), car('b/1', { heldA: 13.3 }), stuck] }, now);
    expect(result.setpoints.map((s) => [s.currentA, s.controllable, s.reason.code])).toEqual([[10, true, 'zone-limit'], [10, true, 'zone-limit'], [20, false, 'not-answering']]);
    expect(result.zones[0].reservedA).toEqual([20, 20, 20]);
    // Without heldA, at its maximum.
    expect(allocate({ zones: [zone], connectors: [car('a/1'), car('c/1', { notAnswering: true, maxCurrentA: 16 })] }, now).setpoints[0].currentA).toBe(24);
  });

  it('without heldA the rules of D1-D3 apply as before', () => {
    const result = allocate({ zones: [zone], connectors: [car('a/1', { stationConnected: false, minCurrentA: 6 }), car('b/1')] }, now);
    expect(result.setpoints.map((s) => s.currentA)).toEqual([6, 32]);
    expect(result.setpoints[0].reason).toMatchObject({ code: 'station-offline', assumption: 'failsafe' });
  });
});

describe('the worked example of docs/charging-profiles.md (D2, D8)', () => {
  const site = (a: Partial<ConnectorInput>) => ({
    zones: [zone],
    connectors: [
      car('A/1', { minCurrentA: 6, ...a }), car('A/2', { minCurrentA: 6, ...a }),
      car('B/1', { minCurrentA: 6 }), car('B/2', { minCurrentA: 6 }), car('C/1', { minCurrentA: 10 }),
    ],
  });
  const amps = (connectors: Partial<ConnectorInput>) => allocate(site(connectors), now).setpoints.map((s) => s.currentA);

  it('before, and while A is offline holding its live 7.5 A: the same shares', () => {
    expect(amps({})).toEqual([7.5, 7.5, 7.5, 7.5, 10]);
    expect(amps({ stationConnected: false, heldA: 7.5 })).toEqual([7.5, 7.5, 7.5, 7.5, 10]);
  });

  it('once its live profiles expire (failsafe 6 A), the others share 28 A; before D8 they got it at once', () => {
    expect(amps({ stationConnected: false, heldA: 6 })).toEqual([6, 6, 9, 9, 10]);
    expect(amps({ stationConnected: false })).toEqual([6, 6, 9, 9, 10]);
  });
});

describe('a connector with a wiring nobody confirmed (D8, A7)', () => {
  it('keeps all its phases counted: which site phase its car uses cannot be told', () => {
    const phasesAfterAMinute = (extra: Partial<ConnectorInput>): readonly string[] => {
      const measured = (at: number) => ({ currentsA: [8, 0, 0] as [number, number, number], at });
      const connectors = (at: number): ConnectorInput[] => [car('a/1', { measured: measured(at), ...extra })];
      let state = allocate({ zones: [zone], connectors: connectors(now) }, now).state;
      for (let t = now + 10_000; t <= now + 90_000; t += 10_000) state = allocate({ zones: [zone], connectors: connectors(t), state }, t).state;
      const at = now + 100_000;
      return allocate({ zones: [zone], connectors: connectors(at), state }, at).setpoints[0].phases;
    };
    expect(phasesAfterAMinute({})).toEqual(['L1']);
    expect(phasesAfterAMinute({ wiringUnknown: true })).toEqual(['L1', 'L2', 'L3']);
  });
});
