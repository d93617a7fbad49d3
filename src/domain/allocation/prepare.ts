// First half of allocate(): what each connector is (idle, offline, candidate), what it may draw,
// which zone × phase constraints it loads, and what offline stations hold (A1, A3, A7, D1-D3, D6, Z6).
// One pass over the connectors: with thousands of them, memory traffic is most of the cost.

import { connectorWiring, writeBounds } from '../connector/bounds.js';
import { writeDraw } from '../connector/measurement.js';
import { failsafeOf, zoneVerdicts, type Failsafe } from '../limits/failsafe.js';
import { isThreePhase, sitePhases, type PhaseIndex } from '../phases.js';
import type { AllocationSettings } from '../settings.js';
import type { ConnectorState, SiteSnapshot, ZoneInput } from '../snapshot.js';
import { rollUp, type ZoneIndex } from '../topology/zone-index.js';
import { decideDemand, PHASE_IN_USE_A, type DemandDecision } from './demand.js';
import { TIER_DUE, TIER_PROTECTED, TIER_RUNNING, TIER_WAITING } from './selection.js';

export const IDLE = 0;
export const OFFLINE = 1;
export const CANDIDATE = 2;
export const UNKNOWN_ZONE = 3;

export interface Prepared {
  zoneOf: Int32Array;
  status: Uint8Array;
  /** A3/A9 bounds, A per phase; wattsPerA 0 for AC. */
  minA: Float64Array;
  maxA: Float64Array;
  wattsPerA: Float64Array;
  /** Counted phases per connector (wired phases, fewer after A7). */
  phases: (readonly PhaseIndex[])[];
  /** The stored state, whatever its session. */
  stored: (ConnectorState | undefined)[];
  /** The previous state when it belongs to the same session. */
  prev: (ConnectorState | undefined)[];
  /** Candidates: session start and energy (A5). */
  startedAt: Float64Array;
  energyWh: Float64Array;
  demand: (DemandDecision | null)[];
  vip: Uint8Array;
  tier: Uint8Array;
  /** Candidates: the minimum. */
  lo: Float64Array;
  /** Candidates: the maximum after the demand cap. */
  hi: Float64Array;
  marginA: Float64Array;
  conStart: Int32Array;
  conList: Int32Array;
  /** What an offline connector is assumed to draw (failsafe, or a DC's last setpoint). */
  assumedA: Float64Array;
  /** Offline connectors only (D1, D6). */
  failsafe: (Failsafe | undefined)[];
  /** Per constraint (zone × 3 + phase). */
  reserveA: Float64Array;
  evMeasuredA: Float64Array;
  /** Per constraint: what the candidates that can charge need (minimum + resume margin), and the minimums of the non-VIPs. */
  needA: Float64Array;
  othersMinA: Float64Array;
}

export function prepare(snapshot: SiteSnapshot, index: ZoneIndex<ZoneInput>, settings: AllocationSettings, now: number): Prepared {
  const states = snapshot.state?.connectors ?? [];
  // The state list normally comes back in connector order (allocate() writes it so): a walk finds
  // each entry; if the walk misses any, a map does it.
  const walked = prepareWith(snapshot, index, settings, now, null);
  if (walked) return walked;
  const mapped = prepareWith(snapshot, index, settings, now, byId(states));
  if (!mapped) throw new Error('prepare: a state lookup by map cannot miss');
  return mapped;
}

function byId(states: readonly ConnectorState[]): Map<string, ConnectorState> {
  const map = new Map<string, ConnectorState>();
  for (const st of states) map.set(st.connectorId, st);
  return map;
}

function prepareWith(
  snapshot: SiteSnapshot, index: ZoneIndex<ZoneInput>, settings: AllocationSettings, now: number, stateMap: Map<string, ConnectorState> | null,
): Prepared | null {
  const conns = snapshot.connectors;
  const states = snapshot.state?.connectors ?? [];
  const n = conns.length;
  const constraintCount = index.zones.length * 3;
  const p: Prepared = {
    zoneOf: new Int32Array(n), status: new Uint8Array(n),
    minA: new Float64Array(n), maxA: new Float64Array(n), wattsPerA: new Float64Array(n),
    phases: new Array<readonly PhaseIndex[]>(n), stored: new Array<ConnectorState | undefined>(n),
    prev: new Array<ConnectorState | undefined>(n), startedAt: new Float64Array(n), energyWh: new Float64Array(n), demand: new Array<DemandDecision | null>(n),
    vip: new Uint8Array(n), tier: new Uint8Array(n),
    lo: new Float64Array(n), hi: new Float64Array(n), marginA: new Float64Array(n),
    conStart: new Int32Array(n + 1), conList: new Int32Array(0), assumedA: new Float64Array(n),
    failsafe: new Array<Failsafe | undefined>(n),
    reserveA: new Float64Array(constraintCount), evMeasuredA: new Float64Array(constraintCount),
    needA: new Float64Array(constraintCount), othersMinA: new Float64Array(constraintCount),
  };
  const minSum = new Float64Array(constraintCount);
  const draws = new Float64Array(n * 3);
  const offline: number[] = [];
  let walk = 0;
  // Constraints are written as they are found: at most 3 phases on each zone of the deepest path.
  let maxPath = 0;
  for (const path of index.path) maxPath = Math.max(maxPath, path.length);
  const conList = new Int32Array(n * maxPath * 3);
  let at = 0;
  for (let i = 0; i < n; i++) {
    const c = conns[i];
    p.conStart[i] = at;
    writeBounds(c, settings, p, i);
    const minA = p.minA[i];
    const maxA = p.maxA[i];
    const wiring = connectorWiring(c);
    const wired = sitePhases(wiring);
    const z = index.byName.get(c.zone) ?? -1;
    p.phases[i] = wired;
    p.zoneOf[i] = z;
    let stored: ConnectorState | undefined;
    if (stateMap) stored = stateMap.get(c.id);
    else if (walk < states.length && states[walk].connectorId === c.id) stored = states[walk++];
    p.stored[i] = stored;
    if (z < 0) { p.status[i] = UNKNOWN_ZONE; continue; }
    const path = index.path[z];
    // Per-zone sums are counted at the connector's own zone and rolled up afterwards.
    const own = z * 3;
    if (c.kind !== 'DC') for (const ph of wired) minSum[own + ph] += minA;
    const measured = writeDraw(c, wiring, now, settings.sampleIntervalMs, settings.nominalVoltageV, draws, i * 3);
    if (measured) {
      for (let ph = 0; ph < 3; ph++) p.evMeasuredA[own + ph] += draws[i * 3 + ph];
    }
    if (c.stationConnected === false) {
      p.status[i] = OFFLINE;
      offline.push(i);
      continue;
    }
    const session = c.session;
    if (!session) { p.status[i] = IDLE; continue; }
    p.status[i] = CANDIDATE;
    p.startedAt[i] = session.startedAt;
    p.energyWh[i] = session.energyWh;
    const prev = stored && stored.sessionStartedAt === session.startedAt ? stored : undefined;
    p.prev[i] = prev;
    p.vip[i] = c.vip || session.vip ? 1 : 0;
    const demand = measured && prev && prev.suspendedSince === undefined && settings.demandEnabled
      && (prev.demand !== undefined || mayNeedDemand(draws, i * 3, wired, prev.lastA - settings.demandThresholdA, c.kind !== 'DC' && wired.length === 3))
      ? decideDemand({
        prev, draw: draws, drawAt: i * 3, wired, canFreePhases: c.kind !== 'DC' && isThreePhase(wiring),
        minA, maxA, now, settings,
      })
      : null;
    p.demand[i] = demand;
    p.lo[i] = minA;
    p.hi[i] = maxA;
    if (demand) {
      p.phases[i] = demand.phases;
      if (demand.capA !== undefined) p.hi[i] = Math.min(maxA, demand.capA);
    }
    const suspendedSince = prev?.suspendedSince;
    if (suspendedSince === undefined) {
      const servedSince = prev?.servedSince ?? now;
      p.tier[i] = now - servedSince >= settings.rotationPeriodMs ? TIER_RUNNING : TIER_PROTECTED;
    } else {
      p.tier[i] = now - suspendedSince >= settings.rotationPeriodMs ? TIER_DUE : TIER_WAITING;
      p.marginA[i] = settings.resumeMarginA;
    }
    const canCharge = p.hi[i] >= minA;
    const need = minA + p.marginA[i];
    const other = p.vip[i] === 0 ? minA : 0;
    for (const zz of path) for (const ph of p.phases[i]) conList[at++] = zz * 3 + ph;
    if (canCharge) {
      for (const ph of p.phases[i]) { p.needA[own + ph] += need; p.othersMinA[own + ph] += other; }
    }
  }
  p.conStart[n] = at;
  p.conList = conList.subarray(0, at);
  if (!stateMap && walk < states.length) return null;

  rollUp(index, minSum);
  rollUp(index, p.evMeasuredA);
  rollUp(index, p.needA);
  rollUp(index, p.othersMinA);

  // D2, D3, D6: what offline stations hold, once every minimum is known (D1).
  const verdicts = zoneVerdicts(index, minSum);
  for (const i of offline) {
    const c = conns[i];
    const path = index.path[p.zoneOf[i]];
    const failsafe = failsafeOf(c, path, p.minA[i], verdicts);
    p.failsafe[i] = failsafe;
    const assumed = c.kind === 'DC' ? (p.stored[i]?.lastA ?? 0) : failsafe.failsafeA;
    p.assumedA[i] = assumed;
    for (const ph of p.phases[i]) p.reserveA[p.zoneOf[i] * 3 + ph] += assumed;
  }
  rollUp(index, p.reserveA);

  return p;
}

/**
 * Cheap test before decideDemand(): with nothing remembered, demand awareness can only start when
 * the draw is below the offer minus the threshold, or when a three-phase car leaves a phase unused.
 */
function mayNeedDemand(draws: Float64Array, at: number, wired: readonly PhaseIndex[], lowBelowA: number, threePhaseAc: boolean): boolean {
  let maxA = 0;
  let unused = false;
  for (const ph of wired) {
    const v = draws[at + ph];
    if (v > maxA) maxA = v;
    if (v < PHASE_IN_USE_A) unused = true;
  }
  return maxA < lowBelowA || (threePhaseAc && unused);
}
