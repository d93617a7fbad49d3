// allocate(snapshot, now): the pure heart of load management (A1–A11). Steps:
// effective zone limits → what each connector may draw → who charges (A5, A6) →
// VIPs filled first, then everyone else max-min fair (A4) → setpoints with reasons.

import { floorToGrid } from '../connector/bounds.js';
import { activeDigitalInput } from '../limits/digital-inputs.js';
import { activeTouPeriod, localTime } from '../limits/tou.js';
import { limitModifier, zoneLimit, type ZoneLimit } from '../limits/zone-limits.js';
import type { AllocationResult } from '../result.js';
import { resolveSettings, type SheddingPriority } from '../settings.js';
import type { SiteSnapshot, ZoneInput } from '../snapshot.js';
import { indexZones, phaseParents, type ZoneIndex } from '../topology/zone-index.js';
import { validateZoneTree } from '../topology/zone-tree.js';
import { buildResultSteps, rejectAll } from './build-result.js';
import { CANDIDATE, prepareSteps, previous, STEP_CONNECTORS, type Prepared } from './prepare.js';
import { rankKeys, rankOrder, selectServed, setRank } from './selection.js';
import { constraintTree, waterFill, type ConstraintTree, type FillProblem, type FillResult } from './water-fill.js';

export function allocate(snapshot: SiteSnapshot, now: number): AllocationResult {
  return runSteps(allocateSteps(snapshot, now));
}

/**
 * allocate() in steps of a few passes over the connectors each: the control loop lets the stations'
 * messages in between on a large site (issue 15). The same result as allocate(), however spread
 * (`stepConnectors`: how many connectors each pass reads between two steps; tests).
 */
export function* allocateSteps(snapshot: SiteSnapshot, now: number, stepConnectors = STEP_CONNECTORS): Generator<void, AllocationResult> {
  const settings = resolveSettings(snapshot.settings);
  const treeErrors = validateZoneTree(snapshot.zones);
  if (treeErrors.length > 0) {
    return rejectAll(snapshot, now, `invalid zone tree: ${treeErrors.map((e) => e.message).join('; ')}`);
  }
  const index = indexZones(snapshot.zones);
  const p = yield* prepareSteps(snapshot, index, settings, now, stepConnectors);
  const limits = zoneLimits(snapshot, index, p.evMeasuredA, now, settings.meterPollIntervalMs);
  const tree = constraintTree(phaseParents(index));
  const capA = new Float64Array(index.zones.length * 3);
  for (let z = 0; z < limits.length; z++) {
    for (let ph = 0; ph < 3; ph++) capA[z * 3 + ph] = limits[z].limitA[ph] - p.reserveA[z * 3 + ph];
  }

  // Who charges: every candidate whose minimum fits, in priority order (A5, A6, A8).
  const { order, free } = priorityOrder(snapshot, p, capA, tree.parentOf, settings.sheddingPriority, now);
  const selection = selectServed(order, p.minA, p.marginA, p.conStart, p.conList, capA.slice(), free, tree.parentOf);
  yield;
  const fill = share(p, order, selection.served, capA, tree);
  yield;
  return yield* buildResultSteps({ snapshot, index, settings, now, prepared: p, limits, selection, fill }, stepConnectors);
}

/** Runs every step at once. */
export function runSteps<T>(steps: Generator<void, T>): T {
  for (;;) {
    const next = steps.next();
    if (next.done) return next.value;
  }
}

/**
 * A4: the VIPs rise first, with everyone else served held at their minimum; then the others share
 * what is left. Capacities are summed in priority order, the participants listed in index order.
 */
function share(p: Prepared, order: Int32Array, served: Uint8Array, capA: Float64Array, tree: ConstraintTree): FillResult {
  const n = p.status.length;
  const parentOf = tree.parentOf;
  const vipCapA = capA.slice();
  for (let c = 0; c < capA.length; c++) vipCapA[c] -= p.othersMinA[c];
  for (let k = 0; k < order.length; k++) {
    const i = order[k];
    if (!served[i] && !p.vip[i]) add(vipCapA, p, parentOf, i, p.minA[i]); // its minimum was counted in othersMinA
  }
  const vips = new Int32Array(order.length);
  const others = new Int32Array(order.length);
  let vipCount = 0;
  let otherCount = 0;
  for (let i = 0; i < n; i++) {
    if (!served[i]) continue;
    if (p.vip[i]) vips[vipCount++] = i;
    else others[otherCount++] = i;
  }
  const fill: FillResult = { value: new Float64Array(n), boundBy: new Int32Array(n) };
  const problem: FillProblem = {
    constraintCount: capA.length, conStart: p.conStart, conList: p.conList, tree,
    groups: { of: p.groupOf, count: p.groupCount }, lo: p.minA, hi: p.hi,
  };
  waterFill(problem, vips.subarray(0, vipCount), vipCapA, fill);
  const othersCapA = capA.slice();
  for (let k = 0; k < order.length; k++) {
    const i = order[k];
    if (!served[i] || !p.vip[i]) continue;
    fill.value[i] = floorToGrid(fill.value[i]);
    add(othersCapA, p, parentOf, i, -fill.value[i]);
  }
  waterFill(problem, others.subarray(0, otherCount), othersCapA, fill);
  for (let k = 0; k < otherCount; k++) fill.value[others[k]] = floorToGrid(fill.value[others[k]]);
  return fill;
}

/**
 * Candidates in the order the greedy admission sees them. Only the order among candidates that
 * share an oversubscribed zone × phase matters: the others fit whatever happens, so they go first
 * unsorted, and a site without shortage sorts nothing.
 */
function priorityOrder(
  snapshot: SiteSnapshot, p: Prepared, capA: Float64Array, parentOf: Int32Array, priority: SheddingPriority, now: number,
): { order: Int32Array; free: number } {
  const conns = snapshot.connectors;
  // A constraint is short when it or any ancestor cannot hold every minimum below it.
  const short = new Uint8Array(capA.length);
  for (let c = 0; c < capA.length; c++) {
    for (let a = c; a >= 0 && !short[c]; a = parentOf[a]) if (p.needA[a] > capA[a] + 1e-9) short[c] = 1;
  }
  const order = new Int32Array(conns.length);
  let free = 0;
  let contested = conns.length;
  for (let i = 0; i < conns.length; i++) {
    if (p.status[i] !== CANDIDATE || p.hi[i] < p.minA[i]) continue;
    // Without a loop over 1 or 3 phases: that branch is hard to predict on a mixed site.
    const own = p.zoneOf[i] * 3;
    const bits = p.phaseBits[i];
    const contends = (short[own] & bits) | (short[own + 1] & (bits >> 1)) | (short[own + 2] & (bits >> 2));
    if (contends) order[--contested] = i;
    else order[free++] = i;
  }
  if (contested < conns.length) {
    const keys = rankKeys(conns.length, conns);
    for (let k = contested; k < conns.length; k++) {
      const i = order[k];
      setRank(keys, i, p.vip[i] === 1, p.tier[i], previous(p, i)?.suspendedSince ?? now, p.energyWh[i], p.startedAt[i], priority);
    }
    rankOrder(keys, order.subarray(contested));
    order.copyWithin(free, contested);
  }
  return { order: order.subarray(0, free + conns.length - contested), free };
}

/** Adds to every constraint that connector i loads: its own zone's phases and their ancestors. */
function add(capA: Float64Array, p: { conStart: Int32Array; conList: Int32Array }, parentOf: Int32Array, i: number, amountA: number): void {
  for (let j = p.conStart[i]; j < p.conStart[i + 1]; j++) {
    for (let c = p.conList[j]; c >= 0; c = parentOf[c]) capA[c] += amountA;
  }
}

function zoneLimits(snapshot: SiteSnapshot, index: ZoneIndex<ZoneInput>, evMeasuredA: Float64Array, now: number, pollMs: number): ZoneLimit[] {
  const tou = snapshot.tou;
  const local = tou && tou.enabled ? localTime(now, tou.timeZone) : null;
  const input = activeDigitalInput(snapshot.digitalInputs);
  return index.zones.map((zone, z) => {
    const modifier = limitModifier(input, input ? null : activeTouPeriod(tou, zone.name, local));
    const ev = [evMeasuredA[z * 3], evMeasuredA[z * 3 + 1], evMeasuredA[z * 3 + 2]] as const;
    return zoneLimit(zone, ev, modifier, now, pollMs);
  });
}
