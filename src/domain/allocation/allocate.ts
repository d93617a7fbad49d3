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
import { indexZones, type ZoneIndex } from '../topology/zone-index.js';
import { validateZoneTree } from '../topology/zone-tree.js';
import { buildResult, rejectAll } from './build-result.js';
import { CANDIDATE, prepare, type Prepared } from './prepare.js';
import { rankKeys, rankOrder, selectServed, setRank } from './selection.js';
import { waterFill, type FillResult } from './water-fill.js';

export function allocate(snapshot: SiteSnapshot, now: number): AllocationResult {
  const settings = resolveSettings(snapshot.settings);
  const treeErrors = validateZoneTree(snapshot.zones);
  if (treeErrors.length > 0) {
    return rejectAll(snapshot, now, `invalid zone tree: ${treeErrors.map((e) => e.message).join('; ')}`);
  }
  const index = indexZones(snapshot.zones);
  const p = prepare(snapshot, index, settings, now);
  const limits = zoneLimits(snapshot, index, p.evMeasuredA, now, settings.meterPollIntervalMs);
  const constraintCount = index.zones.length * 3;
  const capA = new Float64Array(constraintCount);
  for (let z = 0; z < limits.length; z++) {
    for (let ph = 0; ph < 3; ph++) capA[z * 3 + ph] = limits[z].limitA[ph] - p.reserveA[z * 3 + ph];
  }

  // Who charges: every candidate whose minimum fits, in priority order (A5, A6, A8).
  const { order, free } = priorityOrder(snapshot, p, capA, settings.sheddingPriority, now);
  const selection = selectServed(order, p.lo, p.marginA, p.conStart, p.conList, capA.slice(), free);

  // VIPs rise first, with everyone else held at their minimum; then the others share the rest.
  const n = snapshot.connectors.length;
  const vips = new Int32Array(order.length);
  const others = new Int32Array(order.length);
  let vipCount = 0;
  let otherCount = 0;
  const vipCapA = capA.slice();
  for (let c = 0; c < constraintCount; c++) vipCapA[c] -= p.othersMinA[c];
  for (const i of order) {
    if (selection.served[i]) {
      if (p.vip[i]) vips[vipCount++] = i;
      else others[otherCount++] = i;
    } else if (!p.vip[i]) {
      add(vipCapA, p, i, p.lo[i]); // its minimum was counted in othersMinA
    }
  }
  const fill: FillResult = { value: new Float64Array(n), boundBy: new Int32Array(n) };
  const problem = { constraintCount, conStart: p.conStart, conList: p.conList, lo: p.lo, hi: p.hi };
  waterFill(problem, vips.subarray(0, vipCount), vipCapA, fill);
  const othersCapA = capA.slice();
  for (let k = 0; k < vipCount; k++) {
    const i = vips[k];
    fill.value[i] = floorToGrid(fill.value[i]);
    add(othersCapA, p, i, -fill.value[i]);
  }
  waterFill(problem, others.subarray(0, otherCount), othersCapA, fill);
  for (let k = 0; k < otherCount; k++) fill.value[others[k]] = floorToGrid(fill.value[others[k]]);

  return buildResult({ snapshot, index, settings, now, prepared: p, limits, selection, fill });
}

/**
 * Candidates in the order the greedy admission sees them. Only the order among candidates that
 * share an oversubscribed zone × phase matters: the others fit whatever happens, so they go first
 * unsorted, and a site without shortage sorts nothing.
 */
function priorityOrder(
  snapshot: SiteSnapshot, p: Prepared, capA: Float64Array, priority: SheddingPriority, now: number,
): { order: Int32Array; free: number } {
  const conns = snapshot.connectors;
  const order = new Int32Array(conns.length);
  let free = 0;
  let contested = conns.length;
  for (let i = 0; i < conns.length; i++) {
    if (p.status[i] !== CANDIDATE || p.hi[i] < p.lo[i]) continue;
    let short = false;
    for (let j = p.conStart[i]; j < p.conStart[i + 1] && !short; j++) short = p.needA[p.conList[j]] > capA[p.conList[j]] + 1e-9;
    if (short) order[--contested] = i;
    else order[free++] = i;
  }
  const keys = rankKeys(conns.length, conns);
  for (let k = contested; k < conns.length; k++) {
    const i = order[k];
    setRank(keys, i, p.vip[i] === 1, p.tier[i], p.prev[i]?.suspendedSince ?? now, p.energyWh[i], p.startedAt[i], priority);
  }
  rankOrder(keys, order.subarray(contested));
  order.copyWithin(free, contested);
  return { order: order.subarray(0, free + conns.length - contested), free };
}

function add(capA: Float64Array, p: { conStart: Int32Array; conList: Int32Array }, i: number, amountA: number): void {
  for (let j = p.conStart[i]; j < p.conStart[i + 1]; j++) capA[p.conList[j]] += amountA;
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
