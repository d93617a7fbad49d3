// Second half of allocate(): setpoints with their reasons (A11), the zone report and the next state.

import { dcPowerW } from '../connector/bounds.js';
import type { ZoneLimit } from '../limits/zone-limits.js';
import { PHASES, type PerPhase, type Phase, type PhaseIndex } from '../phases.js';
import type { AllocationResult, Setpoint, SetpointReason, ZoneReport } from '../result.js';
import type { AllocationSettings } from '../settings.js';
import type { FailsafeReason } from '../limits/failsafe.js';
import type { ConnectorInput, ConnectorState, DemandState, SiteSnapshot, ZoneInput } from '../snapshot.js';
import { rollUp, type ZoneIndex } from '../topology/zone-index.js';
import { CANDIDATE, IDLE, NOT_ANSWERING, NOT_PROVISIONED, OFFLINE, previous, UNCONTROLLED, type Prepared } from './prepare.js';
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
/** The reasons of the statuses that are not allocated and say nothing more (an offline one does). */
const HELD_REASONS: Partial<Record<number, SetpointReason>> = {
  [UNCONTROLLED]: { code: 'uncontrolled' }, [NOT_PROVISIONED]: { code: 'not-provisioned' }, [NOT_ANSWERING]: { code: 'not-answering' },
};

/** Builds the result, yielding after every `stepConnectors` connectors (see allocateSteps). */
export function* buildResultSteps(input: BuildInput, stepConnectors: number): Generator<void, AllocationResult> {
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
  const setpoints = new Array<Setpoint>(conns.length);
  const states = new Array<ConnectorState>(p.stateCount);
  let stateCount = 0;
  const maxReasons = new Map<number, SetpointReason>();
  let sinceYield = 0;

  for (let i = 0; i < conns.length; i++) {
    const c = conns[i];
    const maxA = p.maxA[i];
    const status = p.status[i];
    const dcWatts = p.wattsPerA[i] > 0 ? p.wattsPerA[i] : undefined;
    let currentA = 0;
    let controllable = true;
    let probing: boolean | undefined;
    let reason: SetpointReason;
    if (status === IDLE) {
      reason = IDLE_REASON;
    } else if (status === OFFLINE || status === NOT_PROVISIONED || status === NOT_ANSWERING || status === UNCONTROLLED) {
      // Not allocated: counted at what it holds (D2, D6, D8); an offline one keeps its memory.
      currentA = p.assumedA[i];
      controllable = false;
      reason = HELD_REASONS[status] ?? offlineReason(c, p.failsafe.get(i)?.reason);
      const kept = status === UNCONTROLLED ? undefined : p.stored[i];
      if (kept) states[stateCount++] = kept;
    } else if (status !== CANDIDATE) {
      reason = { code: 'config-error', message: `connector "${c.id}" names unknown zone "${c.zone}"` };
    } else {
      const sessionStartedAt = p.startedAt[i];
      const demand = p.demand[i];
      if (selection.served[i] === 1) {
        currentA = fill.value[i];
        const by = fill.boundBy[i];
        if (by !== BOUND_BY_OWN_MAX) {
          reason = constraintReason(by);
        } else if (demand?.capA !== undefined && demand.capA < maxA && demand.measuredA !== undefined && !(p.capA[i] < demand.capA)) {
          reason = { code: 'demand', capA: demand.capA, measuredA: demand.measuredA };
        } else if (p.capA[i] < maxA) {
          const source = c.externalCap?.source.kind ?? 'cpo';
          reason = { code: 'external-cap', source, capA: p.capA[i] };
        } else {
          reason = maxReason(maxReasons, maxA, dcWatts);
        }
        if (demand?.probing) probing = true;
        if (currentA === p.keepAtA[i]) {
          // A number only where there is a previous state (not read here: it is a cache miss).
          states[stateCount++] = p.stored[i] as ConnectorState;
        } else {
          const prev = previous(p, i);
          const servedSince = prev && prev.suspendedSince === undefined ? (prev.servedSince ?? now) : now;
          states[stateCount++] = stateOf(c.id, sessionStartedAt, currentA, servedSince, undefined, demand?.state);
        }
        // Adding 0 A to the phases it does not load: no loop over 1 or 3 phases, hard to predict.
        const own = p.zoneOf[i] * 3;
        const bits = p.phaseBits[i];
        allocatedA[own] += currentA * (bits & 1);
        allocatedA[own + 1] += currentA * ((bits >> 1) & 1);
        allocatedA[own + 2] += currentA * (bits >> 2);
      } else {
        const prev = previous(p, i);
        const since = prev?.suspendedSince ?? now;
        reason = suspendReason(p, selection, i, since, settings, now, constraintReason);
        states[stateCount++] = prev && p.keepSuspended[i] ? prev : stateOf(c.id, sessionStartedAt, 0, undefined, since, undefined);
      }
    }
    // Every field present (undefined when not applicable): one object shape for all setpoints.
    setpoints[i] = {
      connectorId: c.id, zone: c.zone, currentA, powerW: dcWatts === undefined ? undefined : dcPowerW(currentA, dcWatts),
      phases: names(p.phases[i]), minA: p.minA[i], maxA, vip: p.vip[i] === 1, controllable, probing, reason,
    };
    if (++sinceYield === stepConnectors) {
      sinceYield = 0;
      yield;
    }
  }
  rollUp(index, allocatedA);
  return { at: now, setpoints, zones: zoneReports(index, limits, p, allocatedA), state: { connectors: states } };
}

function offlineReason(c: ConnectorInput, failsafe: FailsafeReason | undefined): SetpointReason {
  if (c.heldA !== undefined && c.heldA !== null) return { code: 'station-offline', assumption: 'held', failsafe };
  return c.kind === 'DC' ? { code: 'station-offline', assumption: 'dc-last-setpoint' } : { code: 'station-offline', assumption: 'failsafe', failsafe };
}

/** Reasons are read-only, so connectors with the same maximum share one. */
function maxReason(cache: Map<number, SetpointReason>, maxA: number, dcWatts: number | undefined): SetpointReason {
  // AC maxima are keys as they are; DC ones negative, so the two never meet.
  const key = dcWatts === undefined ? maxA : -maxA * dcWatts - 1;
  let reason = cache.get(key);
  if (!reason) {
    reason = dcWatts === undefined ? { code: 'connector-max', maxA } : { code: 'connector-max', maxA, maxPowerW: dcPowerW(maxA, dcWatts) };
    cache.set(key, reason);
  }
  return reason;
}

/**
 * A connector's next state, with every field present (one shape for all). When nothing changed, the
 * previous object is kept instead (Prepared.keepAtA), which spares the garbage collector.
 */
function stateOf(
  connectorId: string, sessionStartedAt: number, lastA: number,
  servedSince: number | undefined, suspendedSince: number | undefined, demand: DemandState | undefined,
): ConnectorState {
  return { connectorId, sessionStartedAt, lastA, servedSince, suspendedSince, demand };
}

function suspendReason(
  p: Prepared, selection: Selection, i: number, since: number, settings: AllocationSettings, now: number,
  constraintReason: (c: number) => SetpointReason,
): SetpointReason {
  const minA = p.minA[i];
  if (p.hi[i] < p.minA[i]) return { code: 'suspended', cause: 'max-below-minimum', since, minA };
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

const PHASE_LISTS: readonly (readonly Phase[])[] = [['L1'], ['L2'], ['L3'], ['L1', 'L2', 'L3'], ['L2', 'L3', 'L1'], ['L3', 'L1', 'L2']];

/** Phase names, shared between setpoints (they are read-only). */
function names(phases: readonly PhaseIndex[]): readonly Phase[] {
  if (phases.length === 1) return PHASE_LISTS[phases[0]];
  if (phases.length === 3) return PHASE_LISTS[3 + phases[0]];
  return phases.map((ph) => PHASES[ph]);
}

export function rejectAll(snapshot: SiteSnapshot, now: number, message: string): AllocationResult {
  const reason: SetpointReason = { code: 'config-error', message };
  const setpoints: Setpoint[] = snapshot.connectors.map((c) => ({
    connectorId: c.id, zone: c.zone, currentA: 0, phases: [], minA: 0, maxA: 0,
    vip: Boolean(c.vip || c.session?.vip), controllable: true, reason,
  }));
  return { at: now, setpoints, zones: [], state: snapshot.state ?? { connectors: [] } };
}
