// Second half of allocate(): setpoints with their reasons (A11), the zone report and the next state.

import { dcPowerW } from '../connector/bounds.js';
import type { ZoneLimit } from '../limits/zone-limits.js';
import { PHASES, type PerPhase, type PhaseIndex } from '../phases.js';
import type { AllocationResult, Setpoint, SetpointReason, ZoneReport } from '../result.js';
import type { AllocationSettings } from '../settings.js';
import type { ConnectorState, SiteSnapshot, ZoneInput } from '../snapshot.js';
import type { ZoneIndex } from '../topology/zone-index.js';
import { CANDIDATE, IDLE, OFFLINE, type Prepared } from './prepare.js';
import type { Selection } from './selection.js';
import { BOUND_BY_OWN_MAX, type FillResult } from './water-fill.js';

export interface BuildInput {
  snapshot: SiteSnapshot;
  index: ZoneIndex<ZoneInput>;
  settings: AllocationSettings;
  now: number;
  prepared: Prepared;
  limits: readonly ZoneLimit[];
  selection: Selection;
  fill: FillResult;
}

const IDLE_REASON: SetpointReason = { code: 'idle' };

export function buildResult(input: BuildInput): AllocationResult {
  const { snapshot, index, settings, now, prepared: p, limits, selection, fill } = input;
  const conns = snapshot.connectors;
  const zoneReason = new Array<SetpointReason | undefined>(limits.length * 3);
  const constraintReason = (c: number): SetpointReason => {
    const cached = zoneReason[c];
    if (cached) return cached;
    const z = Math.floor(c / 3);
    const ph = c % 3;
    const reason: SetpointReason = {
      code: 'zone-limit', zone: index.zones[z].name, phase: PHASES[ph],
      limitA: limits[z].limitA[ph], source: limits[z].sources[ph], reservedA: p.reserveA[c],
    };
    zoneReason[c] = reason;
    return reason;
  };
  const allocatedA = new Float64Array(limits.length * 3);
  const setpoints: Setpoint[] = new Array<Setpoint>(conns.length);
  const states: Record<string, ConnectorState> = {};
  const prevStates = snapshot.state?.connectors ?? {};

  for (let i = 0; i < conns.length; i++) {
    const c = conns[i];
    const b = p.bounds[i];
    const status = p.status[i];
    const zone = c.zone;
    const base = { connectorId: c.id, zone, minA: b.minA, maxA: b.maxA, vip: p.vip[i] === 1 };
    if (status === IDLE) {
      setpoints[i] = { ...base, currentA: 0, phases: names(p.phases[i]), controllable: true, reason: IDLE_REASON };
      if (c.kind === 'DC') setpoints[i].powerW = 0;
      continue;
    }
    if (status === OFFLINE) {
      const dc = c.kind === 'DC';
      setpoints[i] = {
        ...base, currentA: p.assumedA[i], phases: names(p.phases[i]), controllable: false,
        reason: dc
          ? { code: 'station-offline', assumption: 'dc-last-setpoint' }
          : { code: 'station-offline', assumption: 'failsafe', failsafe: p.failsafe[i].reason },
      };
      if (dc && b.wattsPerA !== undefined) setpoints[i].powerW = dcPowerW(p.assumedA[i], b.wattsPerA);
      const kept = prevStates[c.id];
      if (kept) states[c.id] = kept;
      continue;
    }
    if (status !== CANDIDATE) {
      setpoints[i] = {
        ...base, currentA: 0, phases: names(p.phases[i]), controllable: true,
        reason: { code: 'config-error', message: `connector "${c.id}" names unknown zone "${zone}"` },
      };
      continue;
    }
    const session = c.session;
    const sessionStartedAt = session ? session.startedAt : now;
    const demand = p.demand[i];
    const served = selection.served[i] === 1;
    const value = served ? fill.value[i] : 0;
    let reason: SetpointReason;
    if (served) {
      const by = fill.boundBy[i];
      if (by !== BOUND_BY_OWN_MAX) {
        reason = constraintReason(by);
      } else if (demand?.capA !== undefined && demand.capA < b.maxA && demand.measuredA !== undefined) {
        reason = { code: 'demand', capA: demand.capA, measuredA: demand.measuredA };
      } else {
        reason = b.wattsPerA !== undefined
          ? { code: 'connector-max', maxA: b.maxA, maxPowerW: dcPowerW(b.maxA, b.wattsPerA) }
          : { code: 'connector-max', maxA: b.maxA };
      }
      const prev = p.prev[i];
      const servedSince = prev && prev.suspendedSince === undefined ? (prev.servedSince ?? now) : now;
      states[c.id] = { sessionStartedAt, lastA: value, servedSince, ...demand?.state };
      const path = index.path[p.zoneOf[i]];
      for (const zz of path) for (const ph of p.phases[i]) allocatedA[zz * 3 + ph] += value;
    } else {
      const since = p.prev[i]?.suspendedSince ?? now;
      reason = suspendReason(p, selection, i, since, settings, now, constraintReason);
      states[c.id] = { sessionStartedAt, lastA: 0, suspendedSince: since };
    }
    const setpoint: Setpoint = {
      ...base, currentA: value, phases: names(p.phases[i]), controllable: true, reason,
    };
    if (b.wattsPerA !== undefined) setpoint.powerW = dcPowerW(value, b.wattsPerA);
    if (served && demand?.probing) setpoint.probing = true;
    setpoints[i] = setpoint;
  }
  return { at: now, setpoints, zones: zoneReports(index, limits, p, allocatedA), state: { connectors: states } };
}

function suspendReason(
  p: Prepared, selection: Selection, i: number, since: number, settings: AllocationSettings, now: number,
  constraintReason: (c: number) => SetpointReason,
): SetpointReason {
  const minA = p.lo[i];
  if (p.hi[i] < p.lo[i]) return { code: 'suspended', cause: 'max-below-minimum', since, minA };
  const failed = selection.failedAt[i];
  const where = failed >= 0 ? constraintReason(failed) : undefined;
  const nextTurnAt = since + settings.rotationPeriodMs;
  const reason: SetpointReason = {
    code: 'suspended', cause: selection.marginOnly[i] ? 'resume-margin' : 'shortage', since, minA,
    priority: settings.sheddingPriority,
  };
  if (where && where.code === 'zone-limit') {
    reason.zone = where.zone;
    reason.phase = where.phase;
    reason.limitA = where.limitA;
    reason.source = where.source;
  }
  if (nextTurnAt > now) reason.nextTurnAt = nextTurnAt;
  return reason;
}

function zoneReports(index: ZoneIndex<ZoneInput>, limits: readonly ZoneLimit[], p: Prepared, allocatedA: Float64Array): ZoneReport[] {
  const triple = (a: Float64Array, z: number): PerPhase => [round(a[z * 3]), round(a[z * 3 + 1]), round(a[z * 3 + 2])];
  return index.zones.map((zone, z) => {
    const report: ZoneReport = {
      zone: zone.name, parent: zone.parent, nominalA: zone.maxCurrentA,
      limitA: limits[z].limitA, sources: limits[z].sources,
      reservedA: triple(p.reserveA, z), allocatedA: triple(allocatedA, z), evMeasuredA: triple(p.evMeasuredA, z),
      meterLost: limits[z].meterLost,
    };
    const other = limits[z].otherLoadsA;
    if (other) report.otherLoadsA = [round(other[0]), round(other[1]), round(other[2])];
    return report;
  });
}

/** Sums of 0.1 A steps, shown without binary noise. */
function round(valueA: number): number {
  return Math.round(valueA * 1000) / 1000;
}

function names(phases: readonly PhaseIndex[]): Setpoint['phases'] {
  return phases.map((ph) => PHASES[ph]);
}

export function rejectAll(snapshot: SiteSnapshot, now: number, message: string): AllocationResult {
  const reason: SetpointReason = { code: 'config-error', message };
  const setpoints: Setpoint[] = snapshot.connectors.map((c) => ({
    connectorId: c.id, zone: c.zone, currentA: 0, phases: [], minA: 0, maxA: 0,
    vip: Boolean(c.vip || c.session?.vip), controllable: true, reason,
  }));
  return { at: now, setpoints, zones: [], state: snapshot.state ?? { connectors: {} } };
}
