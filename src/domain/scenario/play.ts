// Plays a scenario: applies each step's events at its time, runs allocate(), checks the step.
// Pure: the clock is the scenario's own.

import { allocate } from '../allocation/allocate.js';
import { planChanges, type ChangePlan } from '../allocation/change-plan.js';
import { checkAllocation, type Violation } from '../allocation/invariants.js';
import type { DigitalInput } from '../limits/digital-inputs.js';
import { siteFailsafe, type Failsafe } from '../limits/failsafe.js';
import type { PerPhase } from '../phases.js';
import type { AllocationResult, Setpoint } from '../result.js';
import { resolveSettings, type AllocationSettings } from '../settings.js';
import type { ConnectorInput, SiteSnapshot, ZoneInput } from '../snapshot.js';
import { checkStep } from './expect.js';
import type { Scenario, ScenarioEvent } from './types.js';

export interface TimelineStep {
  index: number;
  label?: string;
  at: number;
  events: ScenarioEvent[];
  result: AllocationResult;
  /** From the previous step's setpoints to this one's (A8). */
  plan: ChangePlan;
  failsafe: Record<string, Failsafe>;
  /** Expectations of the step that did not hold. */
  mismatches: string[];
  /** A2 violations: always checked. */
  violations: Violation[];
}

interface Reporting {
  currentsA?: PerPhase;
  powerW?: number;
  /** null while reporting: restamped at every step. */
  stoppedAt: number | null;
}

interface World {
  settings: Partial<AllocationSettings>;
  connectors: Map<string, ConnectorInput>;
  reporting: Map<string, Reporting>;
  meters: Map<string, PerPhase | null>;
  inputs: DigitalInput[];
  touEnabled: boolean;
}

export function playScenario(scenario: Scenario): TimelineStep[] {
  const world = initialWorld(scenario);
  const timeline: TimelineStep[] = [];
  let previous: AllocationResult | null = null;
  let lastAt = scenario.start;
  scenario.steps.forEach((step, index) => {
    if (previous && scenario.accrueEnergy) accrue(world, previous, step.at - lastAt, resolveSettings(world.settings));
    for (const event of step.events) apply(world, event, step.at);
    const snapshot = snapshotOf(scenario, world, step.at, previous);
    const result = allocate(snapshot, step.at);
    const plan = planChanges(previous?.setpoints ?? [], result.setpoints);
    const failsafe = siteFailsafe(snapshot.zones, snapshot.connectors, snapshot.settings);
    timeline.push({
      index, label: step.label, at: step.at, events: step.events, result, plan, failsafe,
      mismatches: step.expect ? checkStep(step.expect, result, previous, plan, failsafe) : [],
      violations: checkAllocation(result),
    });
    previous = result;
    lastAt = step.at;
  });
  return timeline;
}

function initialWorld(scenario: Scenario): World {
  const connectors = new Map<string, ConnectorInput>();
  for (const s of scenario.stations) {
    for (let k = 1; k <= s.connectors; k++) {
      const id = `${s.id}/${k}`;
      connectors.set(id, {
        id, stationId: s.id, zone: s.zone, kind: s.kind, wiring: s.wiring, minCurrentA: s.minCurrentA,
        maxCurrentA: s.maxCurrentA, minPowerW: s.minPowerW, maxPowerW: s.maxPowerW, vip: s.vip,
        stationConnected: s.connected, sampleIntervalMs: s.sampleIntervalMs, session: null,
      });
    }
  }
  return {
    settings: { ...scenario.settings }, connectors, reporting: new Map(), meters: new Map(),
    inputs: scenario.digitalInputs.map((d) => ({ ...d })), touEnabled: scenario.tou?.enabled ?? false,
  };
}

function apply(world: World, event: ScenarioEvent, at: number): void {
  const connector = (id: string): ConnectorInput => {
    const c = world.connectors.get(id);
    if (!c) throw new Error(`unknown connector ${id}`);
    return c;
  };
  switch (event.type) {
    case 'plug':
      connector(event.connector).session = { startedAt: at - event.startedAgoMs, energyWh: event.energyWh, vip: event.vip };
      break;
    case 'unplug':
      connector(event.connector).session = null;
      world.reporting.delete(event.connector);
      break;
    case 'energy': {
      const session = connector(event.connector).session;
      if (session) session.energyWh = event.energyWh;
      break;
    }
    case 'measure':
      world.reporting.set(event.connector, { currentsA: event.currentsA, powerW: event.powerW, stoppedAt: null });
      break;
    case 'measure-stop': {
      const r = world.reporting.get(event.connector);
      if (r && r.stoppedAt === null) r.stoppedAt = at;
      break;
    }
    case 'meter':
      world.meters.set(event.zone, event.currentsA);
      break;
    case 'meter-lost':
      world.meters.set(event.zone, null);
      break;
    case 'station-offline':
    case 'station-online':
      for (const c of world.connectors.values()) {
        if (c.stationId === event.station) c.stationConnected = event.type === 'station-online';
      }
      break;
    case 'station-uncontrolled':
    case 'station-controlled':
      for (const c of world.connectors.values()) {
        if (c.stationId === event.station) c.uncontrolled = event.type === 'station-uncontrolled';
      }
      break;
    case 'cap':
      connector(event.connector).externalCap = event.capA === null ? null : { capA: event.capA, source: { kind: 'cpo' } };
      break;
    case 'di':
      for (const d of world.inputs) if (d.id === event.input) d.high = event.high;
      break;
    case 'tou':
      world.touEnabled = event.enabled;
      break;
    case 'settings':
      world.settings = { ...world.settings, ...event.settings };
      break;
  }
}

function snapshotOf(scenario: Scenario, world: World, at: number, previous: AllocationResult | null): SiteSnapshot {
  const zones: ZoneInput[] = scenario.zones.map((z) => {
    const reading = world.meters.get(z.name);
    return reading === undefined ? { ...z } : { ...z, meterReading: reading === null ? null : { currentsA: reading, at } };
  });
  const connectors = [...world.connectors.values()].map((c): ConnectorInput => {
    const r = world.reporting.get(c.id);
    const session = c.session ? { ...c.session } : null;
    if (!r) return { ...c, session };
    return { ...c, session, measured: { currentsA: r.currentsA, powerW: r.powerW, at: r.stoppedAt ?? at } };
  });
  return {
    zones, connectors, settings: world.settings, digitalInputs: world.inputs,
    tou: scenario.tou ? { ...scenario.tou, enabled: world.touEnabled } : null,
    state: previous?.state ?? null,
  };
}

/** Sessions gain what they drew: the reported draw if any, else their setpoint. */
function accrue(world: World, previous: AllocationResult, elapsedMs: number, settings: AllocationSettings): void {
  const hours = elapsedMs / 3_600_000;
  if (hours <= 0) return;
  const byId = new Map<string, Setpoint>(previous.setpoints.map((s) => [s.connectorId, s]));
  for (const c of world.connectors.values()) {
    const s = byId.get(c.id);
    if (!c.session || !s || s.currentA <= 0) continue;
    if (s.powerW !== undefined) {
      c.session.energyWh += s.powerW * hours;
      continue;
    }
    const r = world.reporting.get(c.id);
    const reported = r?.currentsA ? Math.max(...r.currentsA) : Infinity;
    c.session.energyWh += Math.min(s.currentA, reported) * settings.nominalVoltageV * s.phases.length * hours;
  }
}
