// Property tests of allocate() (A2, A4, A5, A8, A11, A12) over random trees of up to 4 levels,
// random wirings and connectors. Bounds and limits are recomputed here from the generated site,
// independently of the engine.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isThreePhase, PHASE_WIRINGS, phaseIndex, sitePhases, type PhaseWiring } from '../phases.js';
import type { AllocationResult, Setpoint } from '../result.js';
import type { ConnectorInput, SiteSnapshot, ZoneInput } from '../snapshot.js';
import { allocate, allocateSteps, runSteps } from './allocate.js';
import { planChanges } from './change-plan.js';

const NOW = Date.parse('2025-01-06T08:00:00Z');
const RUNS = { numRuns: 150, seed: 4242 };
const EPS = 1e-6;

const zoneArb = fc.record({
  parentPick: fc.nat(), topLevel: fc.boolean(), maxA: fc.integer({ min: 6, max: 200 }), fraction: fc.double({ min: 0.05, max: 1, noNaN: true }),
  dynamic: fc.boolean(), meterA: fc.option(fc.tuple(fc.integer({ min: 0, max: 150 }), fc.integer({ min: 0, max: 150 }), fc.integer({ min: 0, max: 150 })), { nil: null }),
  fallbackFraction: fc.double({ min: 0, max: 1, noNaN: true }),
});
const connectorArb = fc.record({
  zonePick: fc.nat(), wiring: fc.constantFrom(...PHASE_WIRINGS), dc: fc.boolean(),
  minOverride: fc.option(fc.constantFrom(10, 14), { nil: undefined }), maxA: fc.integer({ min: 6, max: 63 }),
  maxPowerW: fc.integer({ min: 3000, max: 150_000 }), vip: fc.integer({ min: 0, max: 9 }),
  session: fc.option(fc.record({ energyWh: fc.integer({ min: 0, max: 60_000 }), agoMs: fc.integer({ min: 0, max: 10 * 3_600_000 }) }), { freq: 6, nil: null }),
  offline: fc.integer({ min: 0, max: 9 }),
  /** 0: the station does not apply setpoints (counted at its maximum). */
  uncontrolled: fc.integer({ min: 0, max: 9 }),
  measured: fc.option(fc.tuple(fc.integer({ min: 0, max: 40 }), fc.integer({ min: 0, max: 40 }), fc.integer({ min: 0, max: 40 })), { freq: 3, nil: null }),
});
const siteArb = fc.record({
  zones: fc.array(zoneArb, { minLength: 1, maxLength: 8 }),
  connectors: fc.array(connectorArb, { maxLength: 25 }),
  /** Copies of connectors: same constraints, the VIP flag as given. */
  twins: fc.array(fc.record({ of: fc.nat(), vip: fc.boolean() }), { maxLength: 4 }),
  evze: fc.boolean(), duration: fc.boolean(),
  di: fc.option(fc.integer({ min: 0, max: 99 }), { freq: 3, nil: null }),
});
type Site = typeof siteArb extends fc.Arbitrary<infer T> ? T : never;

interface Built {
  snapshot: SiteSnapshot;
  parentOf: Map<string, string | null>;
}

function build(site: Site): Built {
  const zones: ZoneInput[] = [];
  const depth: number[] = [];
  site.zones.forEach((z, i) => {
    const eligible = zones.map((_, k) => k).filter((k) => depth[k] < 4);
    const parent = i === 0 || z.topLevel || eligible.length === 0 ? -1 : eligible[z.parentPick % eligible.length];
    const maxCurrentA = parent < 0 ? z.maxA : Math.max(1, Math.floor(zones[parent].maxCurrentA * z.fraction));
    depth.push(parent < 0 ? 1 : depth[parent] + 1);
    const zone: ZoneInput = { name: `Z${i}`, parent: parent < 0 ? null : zones[parent].name, maxCurrentA, mode: 'static' };
    if (z.dynamic) {
      Object.assign(zone, {
        mode: 'dynamic', meter: `M${i}`, fallbackCurrentA: Math.floor(maxCurrentA * z.fallbackFraction),
        meterReading: z.meterA ? { currentsA: z.meterA, at: NOW } : null,
      });
    }
    zones.push(zone);
  });
  const connectors: ConnectorInput[] = site.connectors.map((c, i) => ({
    id: `c${i}`, stationId: `s${i}`, zone: zones[c.zonePick % zones.length].name, wiring: c.wiring,
    kind: c.dc ? 'DC' : 'AC', minCurrentA: c.minOverride, maxCurrentA: c.maxA, maxPowerW: c.dc ? c.maxPowerW : undefined,
    vip: c.vip === 0, stationConnected: c.offline !== 0, uncontrolled: c.uncontrolled === 0,
    session: c.session ? { startedAt: NOW - c.session.agoMs, energyWh: c.session.energyWh } : null,
    measured: c.measured ? { currentsA: c.measured, at: NOW } : null,
  }));
  site.twins.forEach((t, k) => {
    if (connectors.length === 0) return;
    const original = connectors[t.of % connectors.length];
    connectors.push({ ...original, id: `${original.id}-twin${k}`, stationId: `${original.stationId}-twin${k}`, vip: t.vip, stationConnected: true });
  });
  return {
    snapshot: {
      zones, connectors,
      settings: { minimumStandard: site.evze ? 'EVZE' : 'IEC61851', sheddingPriority: site.duration ? 'duration' : 'energy' },
      digitalInputs: site.di === null ? [] : [{ id: 'DI1', enabled: true, high: true, pct: site.di }],
    },
    parentOf: new Map(zones.map((z) => [z.name, z.parent])),
  };
}

/** Independent A3/A9 bounds, A per phase. */
function bounds(c: ConnectorInput, evze: boolean): { minA: number; maxA: number } {
  const three = isThreePhase(c.wiring ?? 'L1L2L3');
  const standard = evze ? (three ? 14 : 8) : 6;
  const minA = Math.max(standard, c.minCurrentA ?? 0);
  if (c.kind === 'DC') return { minA, maxA: Math.floor(((c.maxPowerW ?? 0) / (230 * (three ? 3 : 1))) * 10 + 1e-9) / 10 };
  return { minA, maxA: c.maxCurrentA ?? 32 };
}

function pathOf(zone: string, parentOf: Map<string, string | null>): string[] {
  const path: string[] = [];
  for (let z: string | null | undefined = zone; z; z = parentOf.get(z)) path.push(z);
  return path;
}

/** Load per zone×phase: controllable setpoints, and what offline stations hold. */
function loads(setpoints: readonly Setpoint[], parentOf: Map<string, string | null>, values?: Map<string, number>) {
  const controlled = new Map<string, number>();
  const held = new Map<string, number>();
  for (const s of setpoints) {
    const value = values?.get(s.connectorId) ?? s.currentA;
    const into = s.controllable ? controlled : held;
    for (const z of pathOf(s.zone, parentOf)) for (const p of s.phases) into.set(`${z}/${p}`, (into.get(`${z}/${p}`) ?? 0) + value);
  }
  return { controlled, held };
}

function limitOf(result: AllocationResult): Map<string, number> {
  const map = new Map<string, number>();
  for (const z of result.zones) z.limitA.forEach((v, p) => map.set(`${z.zone}/L${p + 1}`, v));
  return map;
}

function assertWithinLimits(result: AllocationResult, parentOf: Map<string, string | null>, values?: Map<string, number>): void {
  const { controlled, held } = loads(result.setpoints, parentOf, values);
  for (const [key, limitA] of limitOf(result)) {
    const used = controlled.get(key) ?? 0;
    const hold = held.get(key) ?? 0;
    if (hold > limitA + EPS) expect(used, `${key}: offline stations alone exceed the limit, nothing else may charge`).toBeLessThan(EPS);
    else expect(used + hold, `${key} over its limit ${limitA}`).toBeLessThanOrEqual(limitA + EPS);
  }
}

describe('allocate properties (A2, A4, A5, A8, A11)', () => {
  it('A2: no zone or phase over its limit; static limits are maxCurrentA (or the DI share)', () => {
    fc.assert(fc.property(siteArb, (site) => {
      const { snapshot, parentOf } = build(site);
      const result = allocate(snapshot, NOW);
      assertWithinLimits(result, parentOf);
      for (const z of snapshot.zones) {
        const limit = result.zones.find((r) => r.zone === z.name)?.limitA ?? [];
        const nominal = site.di === null ? z.maxCurrentA : Math.floor(z.maxCurrentA * site.di / 10 + 1e-9) / 10;
        if (z.mode === 'static') expect(limit).toEqual([nominal, nominal, nominal]);
        else limit.forEach((v) => { expect(v).toBeGreaterThanOrEqual(0); expect(v).toBeLessThanOrEqual(z.maxCurrentA); });
      }
    }), RUNS);
  });

  it('A2/A3: every non-zero setpoint lies within [min, max]; counted phases are wired phases', () => {
    fc.assert(fc.property(siteArb, (site) => {
      const { snapshot } = build(site);
      const result = allocate(snapshot, NOW);
      result.setpoints.forEach((s, i) => {
        const c = snapshot.connectors[i];
        const wired = sitePhases(c.wiring as PhaseWiring).map((p) => `L${p + 1}`);
        expect(wired).toEqual(expect.arrayContaining([...s.phases]));
        if (!s.controllable || s.currentA === 0) return;
        const b = bounds(c, site.evze);
        expect(s.currentA).toBeGreaterThanOrEqual(b.minA - EPS);
        expect(s.currentA).toBeLessThanOrEqual(b.maxA + EPS);
        expect(Math.abs(s.currentA * 10 - Math.round(s.currentA * 10))).toBeLessThan(EPS);
      });
    }), RUNS);
  });

  it('A5/A8: nobody is suspended while its minimum (plus the resume margin after a suspension) would fit', () => {
    fc.assert(fc.property(siteArb, (site) => {
      const { snapshot, parentOf } = build(site);
      const first = allocate(snapshot, NOW);
      const second = allocate({ ...snapshot, state: first.state }, NOW + 1000);
      for (const [result, marginFor] of [[first, () => 0], [second, (id: string) => (first.state.connectors.find((c) => c.connectorId === id)?.suspendedSince !== undefined ? 1 : 0)]] as const) {
        const mins = new Map<string, number>();
        const served = result.setpoints.map((s, i) => ({ ...s, minA: bounds(snapshot.connectors[i], site.evze).minA }));
        const { held } = loads(result.setpoints, parentOf);
        for (const s of served) if (s.controllable && s.currentA > 0) {
          for (const z of pathOf(s.zone, parentOf)) for (const p of s.phases) mins.set(`${z}/${p}`, (mins.get(`${z}/${p}`) ?? 0) + s.minA);
        }
        const limits = limitOf(result);
        for (const s of served) {
          if (s.reason.code !== 'suspended' || s.reason.cause === 'max-below-minimum') continue;
          const need = s.minA + marginFor(s.connectorId);
          const blocked = pathOf(s.zone, parentOf).some((z) => s.phases.some((p) => {
            const key = `${z}/${p}`;
            return (mins.get(key) ?? 0) + (held.get(key) ?? 0) + need > (limits.get(key) ?? 0) + EPS;
          }));
          expect(blocked, `${s.connectorId} suspended although ${need} A fits`).toBe(true);
        }
      }
    }), RUNS);
  });

  it('A12: the result is deterministic and does not depend on the order of the connectors', () => {
    fc.assert(fc.property(siteArb, fc.nat(), (site, seed) => {
      const { snapshot } = build(site);
      const result = allocate(snapshot, NOW);
      expect(allocate(snapshot, NOW)).toEqual(result);
      const shuffled = [...snapshot.connectors].sort((a, b) => ((a.id.length * 31 + seed) % 7) - ((b.id.length * 17 + seed) % 5) || (a.id < b.id ? 1 : -1));
      const again = new Map(allocate({ ...snapshot, connectors: shuffled }, NOW).setpoints.map((s) => [s.connectorId, s.currentA]));
      for (const s of result.setpoints) expect(Math.abs((again.get(s.connectorId) ?? -1) - s.currentA)).toBeLessThanOrEqual(0.1 + EPS);
    }), RUNS);
  });

  it('issue 15: the result, and the next one from its state, do not depend on how the passes over the connectors are spread', () => {
    fc.assert(fc.property(siteArb, fc.integer({ min: 1, max: 5 }), (site, stepConnectors) => {
      const { snapshot } = build(site);
      const whole = allocate(snapshot, NOW);
      expect(runSteps(allocateSteps(snapshot, NOW, stepConnectors))).toEqual(whole);
      const next = { ...snapshot, state: whole.state };
      expect(runSteps(allocateSteps(next, NOW + 60_000, stepConnectors))).toEqual(allocate(next, NOW + 60_000));
    }), RUNS);
  });

  it('A4: a VIP is never below a non-VIP that shares its constraints; two such non-VIPs differ by at most 1 A', () => {
    fc.assert(fc.property(siteArb, (site) => {
      const { snapshot } = build(site);
      const result = allocate(snapshot, NOW);
      const byId = new Map(result.setpoints.map((s) => [s.connectorId, s]));
      for (const twin of result.setpoints.filter((s) => s.connectorId.includes('-twin'))) {
        const original = byId.get(twin.connectorId.split('-twin')[0]);
        if (!original || !original.controllable || snapshot.connectors.find((c) => c.id === twin.connectorId)?.session == null) continue;
        const [vip, other] = twin.vip ? [twin, original] : [original, twin];
        if (vip.vip && !other.vip) expect(vip.currentA, `${vip.connectorId} (VIP) below ${other.connectorId}`).toBeGreaterThanOrEqual(other.currentA - EPS);
        if (!twin.vip && !original.vip && twin.currentA > 0 && original.currentA > 0) {
          expect(Math.abs(twin.currentA - original.currentA)).toBeLessThanOrEqual(1);
        }
      }
    }), RUNS);
  });

  it('A4: VIPs are served first: a VIP held back by a zone leaves every non-VIP there at its minimum', () => {
    fc.assert(fc.property(siteArb, (site) => {
      const { snapshot, parentOf } = build(site);
      const result = allocate(snapshot, NOW);
      result.setpoints.forEach((v) => {
        if (!v.vip || v.reason.code !== 'zone-limit') return;
        const key = `${v.reason.zone}/${v.reason.phase}`;
        const inside = (s: Setpoint): boolean => pathOf(s.zone, parentOf).some((z) => s.phases.some((p) => `${z}/${p}` === key));
        // What rounding the VIPs down to 0.1 A leaves may go to the others.
        const vipsInside = result.setpoints.filter((s) => s.vip && s.currentA > 0 && inside(s)).length;
        result.setpoints.forEach((s, i) => {
          if (s.vip || !s.controllable || s.currentA === 0 || !inside(s)) return;
          expect(s.currentA, `${s.connectorId} above its minimum while VIP ${v.connectorId} is held by ${key}`)
            .toBeLessThan(bounds(snapshot.connectors[i], site.evze).minA + 0.1 * vipsInside + EPS);
        });
      });
    }), RUNS);
  });

  it('A11: the reason is true: a full zone is full, a maximum is reached', () => {
    fc.assert(fc.property(siteArb, (site) => {
      const { snapshot, parentOf } = build(site);
      const result = allocate(snapshot, NOW);
      const { controlled, held } = loads(result.setpoints, parentOf);
      const members = new Map<string, number>();
      for (const s of result.setpoints) if (s.controllable && s.currentA > 0) {
        for (const z of pathOf(s.zone, parentOf)) for (const p of s.phases) members.set(`${z}/${p}`, (members.get(`${z}/${p}`) ?? 0) + 1);
      }
      const limits = limitOf(result);
      result.setpoints.forEach((s, i) => {
        if (!s.controllable || s.currentA === 0) return;
        const r = s.reason;
        if (r.code === 'zone-limit') {
          const key = `${r.zone}/${r.phase}`;
          expect(s.phases.map((p) => phaseIndex(p))).toContain(phaseIndex(r.phase));
          const slack = (limits.get(key) ?? 0) - (controlled.get(key) ?? 0) - (held.get(key) ?? 0);
          expect(slack, `${s.connectorId}: ${key} is not full`).toBeLessThan(0.1 * (members.get(key) ?? 0) + EPS);
        } else if (r.code === 'connector-max') {
          expect(s.currentA).toBeCloseTo(bounds(snapshot.connectors[i], site.evze).maxA, 6);
        } else {
          expect.fail(`${s.connectorId}: a charging connector with reason ${r.code}`);
        }
      });
    }), RUNS);
  });

  it('A8: a change plan never passes through an overload', () => {
    const twoSessions = fc.tuple(siteArb, fc.array(fc.boolean(), { maxLength: 30 }), fc.array(fc.nat(60_000), { maxLength: 30 }));
    fc.assert(fc.property(twoSessions, ([site, flip, energy]) => {
      const { snapshot, parentOf } = build({ ...site, connectors: site.connectors.map((c) => ({ ...c, measured: null })) });
      const before = allocate(snapshot, NOW);
      const changed: SiteSnapshot = {
        ...snapshot,
        connectors: snapshot.connectors.map((c, i) => ({
          ...c, vip: flip[i] ? !c.vip : c.vip,
          session: flip[i] ? (c.session ? null : { startedAt: NOW, energyWh: energy[i] ?? 0 }) : c.session,
        })),
      };
      const after = allocate(changed, NOW + 1000);
      const plan = planChanges(before.setpoints, after.setpoints);
      const values = new Map(before.setpoints.map((s) => [s.connectorId, s.currentA]));
      for (const step of [...plan.reductions, ...plan.increases]) {
        values.set(step.connectorId, step.toA);
        assertWithinLimits(after, parentOf, values);
      }
      for (const s of after.setpoints) if (s.controllable) expect(values.get(s.connectorId)).toBe(s.currentA);
    }), RUNS);
  });
});
