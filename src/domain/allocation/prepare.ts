// First half of allocate(): what each connector is (idle, offline, candidate), what it may draw,
// which zone × phase constraints it loads, and what offline stations hold (A1, A3, A7, D2, D3, D6, Z6).

import { connectorBounds, connectorWiring, type ConnectorBounds } from '../connector/bounds.js';
import { drawPerSitePhase } from '../connector/measurement.js';
import { failsafeCurrents, type Failsafe } from '../limits/failsafe.js';
import { isThreePhase, sitePhases, type PhaseIndex } from '../phases.js';
import type { AllocationSettings } from '../settings.js';
import type { ConnectorState, SiteSnapshot, ZoneInput } from '../snapshot.js';
import type { ZoneIndex } from '../topology/zone-index.js';
import { decideDemand, type DemandDecision } from './demand.js';
import { TIER_DUE, TIER_PROTECTED, TIER_RUNNING, TIER_WAITING } from './selection.js';

export const IDLE = 0;
export const OFFLINE = 1;
export const CANDIDATE = 2;
export const UNKNOWN_ZONE = 3;

export interface Prepared {
  zoneOf: Int32Array;
  status: Uint8Array;
  bounds: ConnectorBounds[];
  /** Counted phases per connector (wired phases, fewer after A7). */
  phases: (readonly PhaseIndex[])[];
  /** The previous state when it belongs to the same session. */
  prev: (ConnectorState | undefined)[];
  demand: (DemandDecision | undefined)[];
  vip: Uint8Array;
  tier: Uint8Array;
  lo: Float64Array;
  /** Maximum after the demand cap. */
  hi: Float64Array;
  marginA: Float64Array;
  conStart: Int32Array;
  conList: Int32Array;
  /** What an offline connector is assumed to draw (failsafe, or a DC's last setpoint). */
  assumedA: Float64Array;
  failsafe: Failsafe[];
  /** Per constraint (zone × 3 + phase). */
  reserveA: Float64Array;
  evMeasuredA: Float64Array;
}

export function prepare(snapshot: SiteSnapshot, index: ZoneIndex<ZoneInput>, settings: AllocationSettings, now: number): Prepared {
  const conns = snapshot.connectors;
  const n = conns.length;
  const constraintCount = index.zones.length * 3;
  const prevStates = snapshot.state?.connectors ?? {};
  const p: Prepared = {
    zoneOf: new Int32Array(n), status: new Uint8Array(n), bounds: new Array<ConnectorBounds>(n),
    phases: new Array<readonly PhaseIndex[]>(n), prev: new Array<ConnectorState | undefined>(n),
    demand: new Array<DemandDecision | undefined>(n), vip: new Uint8Array(n), tier: new Uint8Array(n),
    lo: new Float64Array(n), hi: new Float64Array(n), marginA: new Float64Array(n),
    conStart: new Int32Array(n + 1), conList: new Int32Array(0), assumedA: new Float64Array(n),
    failsafe: failsafeCurrents(index, conns, settings),
    reserveA: new Float64Array(constraintCount), evMeasuredA: new Float64Array(constraintCount),
  };
  const draws = new Array<[number, number, number] | null>(n);
  let listSize = 0;
  for (let i = 0; i < n; i++) {
    const c = conns[i];
    const z = index.byName.get(c.zone) ?? -1;
    const wiring = connectorWiring(c);
    const wired = sitePhases(wiring);
    p.zoneOf[i] = z;
    p.bounds[i] = connectorBounds(c, settings);
    p.phases[i] = wired;
    if (z < 0) { p.status[i] = UNKNOWN_ZONE; continue; }
    const draw = drawPerSitePhase(c, wiring, now, settings.sampleIntervalMs, settings.nominalVoltageV);
    draws[i] = draw;
    const path = index.path[z];
    if (draw) {
      for (const zz of path) for (let ph = 0; ph < 3; ph++) p.evMeasuredA[zz * 3 + ph] += draw[ph];
    }
    if (c.stationConnected === false) {
      p.status[i] = OFFLINE;
      // D6: DC keeps its last setpoint; D2/D3: AC falls back to its failsafe.
      const assumed = c.kind === 'DC' ? (prevStates[c.id]?.lastA ?? 0) : p.failsafe[i].failsafeA;
      p.assumedA[i] = assumed;
      for (const zz of path) for (const ph of wired) p.reserveA[zz * 3 + ph] += assumed;
      continue;
    }
    if (!c.session) { p.status[i] = IDLE; continue; }
    p.status[i] = CANDIDATE;
    const stored = prevStates[c.id];
    const prev = stored && stored.sessionStartedAt === c.session.startedAt ? stored : undefined;
    p.prev[i] = prev;
    p.vip[i] = c.vip || c.session.vip ? 1 : 0;
    const b = p.bounds[i];
    const demand = decideDemand({
      prev, draw, wired, canFreePhases: c.kind !== 'DC' && isThreePhase(wiring),
      minA: b.minA, maxA: b.maxA, now, settings,
    });
    p.demand[i] = demand;
    p.phases[i] = demand.phases;
    p.lo[i] = b.minA;
    p.hi[i] = demand.capA !== undefined ? Math.min(b.maxA, demand.capA) : b.maxA;
    const suspendedSince = prev?.suspendedSince;
    if (suspendedSince === undefined) {
      const servedSince = prev?.servedSince ?? now;
      p.tier[i] = now - servedSince >= settings.rotationPeriodMs ? TIER_RUNNING : TIER_PROTECTED;
    } else {
      p.tier[i] = now - suspendedSince >= settings.rotationPeriodMs ? TIER_DUE : TIER_WAITING;
      p.marginA[i] = settings.resumeMarginA;
    }
    listSize += path.length * demand.phases.length;
  }
  p.conList = new Int32Array(listSize);
  let at = 0;
  for (let i = 0; i < n; i++) {
    p.conStart[i] = at;
    if (p.status[i] !== CANDIDATE) continue;
    for (const zz of index.path[p.zoneOf[i]]) for (const ph of p.phases[i]) p.conList[at++] = zz * 3 + ph;
  }
  p.conStart[n] = at;
  return p;
}
