// First half of allocate(): what each connector is (idle, offline, candidate), what it may draw,
// which zone × phase constraints it loads, and what offline stations hold (A1, A3, A7, D1-D3, D6, Z6).
//
// With thousands of connectors, reading their objects is most of the cost. Each pass reads one kind
// of object (connectors, sessions, measurements, states) into flat arrays, which the later steps
// and the rest of allocate() read instead.

import { connectorWiring, writeBounds } from '../connector/bounds.js';
import { writeDraw } from '../connector/measurement.js';
import { failsafeOf, zoneVerdicts, type Failsafe } from '../limits/failsafe.js';
import { isThreePhase, sitePhases, type PhaseIndex } from '../phases.js';
import type { AllocationSettings } from '../settings.js';
import type { ConnectorInput, ConnectorState, SiteSnapshot, ZoneInput } from '../snapshot.js';
import { rollUp, type ZoneIndex } from '../topology/zone-index.js';
import { decideDemand, PHASE_IN_USE_A, type DemandDecision, type DemandInput } from './demand.js';
import { TIER_DUE, TIER_PROTECTED, TIER_RUNNING, TIER_WAITING } from './selection.js';

export const IDLE = 0;
export const OFFLINE = 1;
export const CANDIDATE = 2;
export const UNKNOWN_ZONE = 3;
/** Does not apply setpoints: held at its maximum, like an offline station at its failsafe. */
export const UNCONTROLLED = 4;
/** D8: connected, failsafe not acknowledged yet: counted at what it may hold, not allocated. */
export const NOT_PROVISIONED = 5;
/** D8: a live profile sent to it is unanswered past the patience: counted at what it may hold, not allocated. */
export const NOT_ANSWERING = 6;

/** Each pass over the connectors yields after this many (a few ms on a slow, busy machine). */
export const STEP_CONNECTORS = 1_024;

/** decideCandidates' place in the constraint list, and the states counted so far, from one range to the next. */
interface CandidateCursor {
  conList: Int32Array;
  at: number;
  stateCount: number;
}

export interface Prepared {
  zoneOf: Int32Array;
  status: Uint8Array;
  /** A3/A9 bounds, A per phase; wattsPerA 0 for AC. */
  minA: Float64Array;
  maxA: Float64Array;
  wattsPerA: Float64Array;
  /** 1 where the wiring is three-phase, and where the connector is DC. */
  threePhase: Uint8Array;
  dc: Uint8Array;
  /** Counted phases per connector (wired phases, fewer after A7); for candidates also as bits (bit p = phase p). */
  phases: (readonly PhaseIndex[])[];
  phaseBits: Uint8Array;
  /** The stored state, whatever its session; sameSession 1 when it belongs to the candidate's session (previous()). */
  stored: (ConnectorState | undefined)[];
  sameSession: Uint8Array;
  /**
   * Candidates: the previous state can be kept as it is (sparing the garbage collector) when served
   * at exactly keepAtA (NaN: not when served), or when suspended again (keepSuspended 1). Decided
   * here, where the state is read anyway, so that building the result need not read it again.
   */
  keepAtA: Float64Array;
  keepSuspended: Uint8Array;
  /** Candidates: session start and energy (A5). */
  startedAt: Float64Array;
  energyWh: Float64Array;
  demand: (DemandDecision | null)[];
  vip: Uint8Array;
  tier: Uint8Array;
  /** Candidates: the maximum after the external cap (U1) and the demand cap (the minimum is minA). */
  hi: Float64Array;
  /** Candidates: the external cap (U1) when it is below maxA, else NaN. */
  capA: Float64Array;
  marginA: Float64Array;
  /**
   * Candidates: the constraints of their own zone, one per counted phase, in conList[conStart[i] ..
   * conStart[i + 1]); they load the same phases of every ancestor zone too (FillProblem.tree).
   */
  conStart: Int32Array;
  conList: Int32Array;
  /** Candidates that load the same constraints share a group (zone × 8 + phase bits, below groupCount), for the filling. */
  groupOf: Int32Array;
  groupCount: number;
  /** What an offline connector is assumed to draw (failsafe, or a DC's last setpoint); an uncontrolled one, its maximum. */
  assumedA: Float64Array;
  /** Offline connectors only (D1, D6), by index. */
  failsafe: Map<number, Failsafe>;
  /** How many states the next round keeps: candidates, and offline connectors with one. */
  stateCount: number;
  /** Per constraint (zone × 3 + phase). */
  reserveA: Float64Array;
  evMeasuredA: Float64Array;
  /** Per constraint: what the candidates that can charge need (minimum + resume margin), and the minimums of the non-VIPs. */
  needA: Float64Array;
  othersMinA: Float64Array;
}

/**
 * Reads the snapshot into a Prepared, in steps: it yields between passes over the connectors, so that a caller may let other
 * work run between them (a round of a large site, issue 15). Nothing is read from outside the
 * snapshot, so the result is the same however the steps are spread.
 */
export function* prepareSteps(
  snapshot: SiteSnapshot, index: ZoneIndex<ZoneInput>, settings: AllocationSettings, now: number, stepConnectors = STEP_CONNECTORS,
): Generator<void, Prepared> {
  const conns = snapshot.connectors;
  const n = conns.length;
  const constraintCount = index.zones.length * 3;
  const p: Prepared = {
    zoneOf: new Int32Array(n), status: new Uint8Array(n),
    minA: new Float64Array(n), maxA: new Float64Array(n), wattsPerA: new Float64Array(n),
    threePhase: new Uint8Array(n), dc: new Uint8Array(n),
    phases: new Array<readonly PhaseIndex[]>(n), phaseBits: new Uint8Array(n),
    stored: [], sameSession: new Uint8Array(n), keepAtA: new Float64Array(n).fill(NaN), keepSuspended: new Uint8Array(n),
    startedAt: new Float64Array(n), energyWh: new Float64Array(n),
    demand: new Array<DemandDecision | null>(n), vip: new Uint8Array(n), tier: new Uint8Array(n),
    hi: new Float64Array(n), capA: new Float64Array(n).fill(NaN), marginA: new Float64Array(n),
    conStart: new Int32Array(n + 1), conList: new Int32Array(0),
    groupOf: new Int32Array(n), groupCount: index.zones.length * 8,
    assumedA: new Float64Array(n), failsafe: new Map<number, Failsafe>(), stateCount: 0,
    reserveA: new Float64Array(constraintCount), evMeasuredA: new Float64Array(constraintCount),
    needA: new Float64Array(constraintCount), othersMinA: new Float64Array(constraintCount),
  };
  const minSum = new Float64Array(constraintCount);
  for (let from = 0; from < n; from += stepConnectors) {
    const to = Math.min(n, from + stepConnectors);
    readConnectors(conns, from, to, index, settings, p, minSum);
    readSessions(conns, from, to, p);
    yield;
  }
  const draws = new Float64Array(n * 3);
  const measured = new Uint8Array(n);
  for (let from = 0; from < n; from += stepConnectors) {
    readMeasurements(conns, from, Math.min(n, from + stepConnectors), settings, now, p, draws, measured);
    yield;
  }
  // Just before they are used, while they are still in the cache.
  p.stored = matchStates(conns, snapshot.state?.connectors ?? []);
  const candidates: CandidateCursor = { conList: new Int32Array(n * 3), at: 0, stateCount: 0 };
  for (let from = 0; from < n; from += stepConnectors) {
    decideCandidates(conns, from, Math.min(n, from + stepConnectors), p, draws, measured, settings, now, candidates);
    yield;
  }
  p.conStart[n] = candidates.at;
  p.conList = candidates.conList.subarray(0, candidates.at);
  p.stateCount = candidates.stateCount;

  rollUp(index, minSum);
  rollUp(index, p.evMeasuredA);
  rollUp(index, p.needA);
  rollUp(index, p.othersMinA);
  const verdicts = { of: undefined as ReturnType<typeof zoneVerdicts> | undefined };
  for (let from = 0; from < n; from += stepConnectors) {
    holdOffline(conns, from, Math.min(n, from + stepConnectors), index, minSum, p, verdicts);
    yield;
  }
  rollUp(index, p.reserveA);
  return p;
}

/** Candidate i's state from the previous round when it belongs to the same session. */
export function previous(p: Prepared, i: number): ConnectorState | undefined {
  return p.sameSession[i] ? p.stored[i] : undefined;
}

/**
 * Each connector's stored state. The list normally comes back in connector order (allocate()
 * writes it so): a walk finds each entry; if the walk misses any, a map does it.
 */
function matchStates(conns: readonly ConnectorInput[], states: readonly ConnectorState[]): (ConnectorState | undefined)[] {
  const stored = new Array<ConnectorState | undefined>(conns.length);
  let walk = 0;
  for (let i = 0; i < conns.length; i++) {
    if (walk < states.length && states[walk].connectorId === conns[i].id) stored[i] = states[walk++];
    else stored[i] = undefined;
  }
  if (walk === states.length) return stored;
  const byId = new Map<string, ConnectorState>();
  for (const st of states) byId.set(st.connectorId, st);
  for (let i = 0; i < conns.length; i++) stored[i] = byId.get(conns[i].id);
  return stored;
}

/** Zone, wiring, bounds (A3, A9) and status; per-zone sums of the AC minimums (D1). */
function readConnectors(
  conns: readonly ConnectorInput[], from: number, to: number, index: ZoneIndex<ZoneInput>, settings: AllocationSettings, p: Prepared, minSum: Float64Array,
): void {
  const { phases, zoneOf, status, minA } = p;
  for (let i = from; i < to; i++) {
    const c = conns[i];
    const wiring = connectorWiring(c);
    const wired = sitePhases(wiring);
    const threePhase = isThreePhase(wiring);
    phases[i] = wired;
    p.threePhase[i] = threePhase ? 1 : 0;
    writeBounds(c, threePhase, settings, p, i);
    const z = index.byName.get(c.zone) ?? -1;
    zoneOf[i] = z;
    if (z < 0) { status[i] = UNKNOWN_ZONE; continue; }
    status[i] = c.uncontrolled === true ? UNCONTROLLED : c.stationConnected === false ? OFFLINE
      : c.provisioned === false ? NOT_PROVISIONED : c.notAnswering === true ? NOT_ANSWERING : c.session ? CANDIDATE : IDLE;
    const dc = c.kind === 'DC';
    p.dc[i] = dc ? 1 : 0;
    // Per-zone sums are counted at the connector's own zone and rolled up afterwards. Three phases
    // or one, unrolled: a loop of 1 or 3 turns is a hard branch to predict on a mixed site.
    if (dc) continue;
    if (wired.length === 3) {
      minSum[z * 3] += minA[i];
      minSum[z * 3 + 1] += minA[i];
      minSum[z * 3 + 2] += minA[i];
    } else {
      minSum[z * 3 + wired[0]] += minA[i];
    }
  }
}

/** Candidates: session start, energy, and VIP station or badge (A4, A5). */
function readSessions(conns: readonly ConnectorInput[], from: number, to: number, p: Prepared): void {
  for (let i = from; i < to; i++) {
    const c = conns[i];
    const session = c.session;
    if (p.status[i] !== CANDIDATE || !session) continue;
    p.startedAt[i] = session.startedAt;
    p.energyWh[i] = session.energyWh;
    p.vip[i] = c.vip || session.vip ? 1 : 0;
  }
}

/** Fresh draws per site phase into draws[i * 3 ..] and the zones' EV sums (Z6); measured[i] 1 where fresh. */
function readMeasurements(
  conns: readonly ConnectorInput[], from: number, to: number, settings: AllocationSettings, now: number, p: Prepared, draws: Float64Array, measured: Uint8Array,
): void {
  for (let i = from; i < to; i++) {
    if (p.status[i] === UNKNOWN_ZONE) continue;
    const at = i * 3;
    if (!writeDraw(conns[i], p.phases[i], p.threePhase[i] === 1, now, settings.sampleIntervalMs, settings.nominalVoltageV, draws, at)) continue;
    measured[i] = 1;
    const own = p.zoneOf[i] * 3;
    for (let ph = 0; ph < 3; ph++) p.evMeasuredA[own + ph] += draws[at + ph];
  }
}

/** Candidates: previous state, external cap (U1), demand (A7), rotation tier (A6), constraints and what they need. */
function decideCandidates(
  conns: readonly ConnectorInput[], from: number, to: number, p: Prepared, draws: Float64Array, measured: Uint8Array, settings: AllocationSettings, now: number,
  cursor: CandidateCursor,
): void {
  const { status, stored, minA, maxA, hi, phases, zoneOf, conStart, needA, othersMinA } = p;
  const conList = cursor.conList;
  // One input object for every decideDemand() call: it keeps no reference to it.
  const demandInput: DemandInput = {
    prev: undefined, draw: draws, drawAt: 0, wired: [], canFreePhases: false, minA: 0, maxA: 0, now, settings,
  };
  let at = cursor.at;
  let stateCount = cursor.stateCount;
  for (let i = from; i < to; i++) {
    conStart[i] = at;
    if (status[i] !== CANDIDATE) {
      if ((status[i] === OFFLINE || status[i] === NOT_PROVISIONED || status[i] === NOT_ANSWERING) && stored[i]) stateCount++;
      continue;
    }
    stateCount++;
    const st = stored[i];
    const prev = st && st.sessionStartedAt === p.startedAt[i] ? st : undefined;
    p.sameSession[i] = prev ? 1 : 0;
    hi[i] = maxA[i];
    // U1: like a lowered maximum (a negative or non-finite cap is ignored: the relay never sends one).
    const cap = conns[i].externalCap?.capA;
    if (cap !== undefined && cap >= 0 && cap < maxA[i]) {
      hi[i] = cap;
      p.capA[i] = cap;
    }
    const wired = phases[i];
    const ac = p.dc[i] === 0;
    let demand: DemandDecision | null = null;
    if (measured[i] && prev && prev.suspendedSince === undefined && settings.demandEnabled
      && (prev.demand !== undefined || mayNeedDemand(draws, i * 3, wired, prev.lastA - settings.demandThresholdA, ac && wired.length === 3 && conns[i].wiringUnknown !== true))) {
      demandInput.prev = prev;
      demandInput.drawAt = i * 3;
      demandInput.wired = wired;
      demandInput.canFreePhases = ac && p.threePhase[i] === 1 && conns[i].wiringUnknown !== true;
      demandInput.minA = minA[i];
      demandInput.maxA = maxA[i];
      demand = decideDemand(demandInput);
    }
    p.demand[i] = demand;
    if (demand) {
      phases[i] = demand.phases;
      if (demand.capA !== undefined) hi[i] = Math.min(hi[i], demand.capA);
    }
    const suspendedSince = prev?.suspendedSince;
    if (suspendedSince === undefined) {
      const servedSince = prev?.servedSince ?? now;
      p.tier[i] = now - servedSince >= settings.rotationPeriodMs ? TIER_RUNNING : TIER_PROTECTED;
    } else {
      p.tier[i] = now - suspendedSince >= settings.rotationPeriodMs ? TIER_DUE : TIER_WAITING;
      p.marginA[i] = settings.resumeMarginA;
    }
    if (prev) keepState(p, i, prev, demand, now);
    const own = zoneOf[i] * 3;
    const need = minA[i] + p.marginA[i];
    const other = p.vip[i] === 0 ? minA[i] : 0;
    const canCharge = hi[i] >= minA[i];
    let bits = 0;
    for (const ph of phases[i]) {
      conList[at++] = own + ph;
      bits |= 1 << ph;
      if (canCharge) { needA[own + ph] += need; othersMinA[own + ph] += other; }
    }
    p.phaseBits[i] = bits;
    p.groupOf[i] = zoneOf[i] * 8 + bits;
  }
  cursor.at = at;
  cursor.stateCount = stateCount;
}

/** When the candidate's next state would equal its previous one (see keepAtA), served or suspended. */
function keepState(p: Prepared, i: number, prev: ConnectorState, demand: DemandDecision | null, now: number): void {
  if (prev.suspendedSince === undefined) {
    p.keepAtA[i] = prev.servedSince === (prev.servedSince ?? now) && prev.demand === demand?.state ? prev.lastA : NaN;
  } else {
    p.keepSuspended[i] = prev.lastA === 0 && prev.servedSince === undefined && prev.suspendedSince === (prev.suspendedSince ?? now) && prev.demand === undefined ? 1 : 0;
  }
}

/**
 * D2, D3, D6, D8: what the connectors that are not allocated hold, once every minimum is known (D1);
 * minSum rolled up. With heldA (D8) each is counted at it: offline, not provisioned, not answering,
 * and idle ones too (a car may plug in before the next round). Without it: an offline one at its
 * failsafe (a DC at its last setpoint), a not-provisioned or not-answering one at its maximum, an
 * idle one at 0 A. An uncontrolled connector holds its maximum: whatever it is told, it may draw
 * that much.
 */
function holdOffline(
  conns: readonly ConnectorInput[], from: number, to: number, index: ZoneIndex<ZoneInput>, minSum: Float64Array, p: Prepared,
  verdicts: { of: ReturnType<typeof zoneVerdicts> | undefined },
): void {
  for (let i = from; i < to; i++) {
    const status = p.status[i];
    if (status === CANDIDATE || status === UNKNOWN_ZONE) continue;
    const c = conns[i];
    const heldA = c.heldA ?? undefined;
    let assumed: number;
    if (status === UNCONTROLLED) {
      assumed = p.maxA[i];
    } else if (status === NOT_PROVISIONED || status === NOT_ANSWERING) {
      assumed = heldA ?? p.maxA[i];
    } else if (status === IDLE) {
      if (heldA === undefined || heldA <= 0) continue;
      assumed = heldA;
    } else {
      verdicts.of ??= zoneVerdicts(index, minSum);
      const failsafe = failsafeOf(c, index.path[p.zoneOf[i]], p.minA[i], verdicts.of);
      p.failsafe.set(i, failsafe);
      assumed = heldA ?? (c.kind === 'DC' ? (p.stored[i]?.lastA ?? 0) : failsafe.failsafeA);
    }
    p.assumedA[i] = assumed;
    for (const ph of p.phases[i]) p.reserveA[p.zoneOf[i] * 3 + ph] += assumed;
  }
}

/**
 * Cheap test before decideDemand(): with nothing remembered, demand awareness can only start when
 * the draw is below the offer minus the threshold, or when a three-phase car leaves a phase unused.
 */
function mayNeedDemand(draws: Float64Array, at: number, wired: readonly PhaseIndex[], lowBelowA: number, threePhaseAc: boolean): boolean {
  let highestA = 0;
  let unused = false;
  for (const ph of wired) {
    const v = draws[at + ph];
    if (v > highestA) highestA = v;
    if (v < PHASE_IN_USE_A) unused = true;
  }
  return highestA < lowBelowA || (threePhaseAc && unused);
}
