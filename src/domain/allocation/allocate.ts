// allocate(snapshot, now): the pure heart of load management (A1–A11). Steps:
// effective zone limits → what each connector may draw → who charges (A5, A6) →
// VIPs filled first, then everyone else max-min fair (A4) → setpoints with reasons.

import { floorToGrid } from '../connector/bounds.js';
import { activeDigitalInput } from '../limits/digital-inputs.js';
import { activeTouPeriod, localTime } from '../limits/tou.js';
import { limitModifier, zoneLimit, type ZoneLimit } from '../limits/zone-limits.js';
import type { AllocationResult } from '../result.js';
import { resolveSettings } from '../settings.js';
import type { SiteSnapshot, ZoneInput } from '../snapshot.js';
import { indexZones, type ZoneIndex } from '../topology/zone-index.js';
import { validateZoneTree } from '../topology/zone-tree.js';
import { buildResult, rejectAll } from './build-result.js';
import { CANDIDATE, prepare } from './prepare.js';
import { compareRank, selectServed, type RankInput } from './selection.js';
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
  const conns = snapshot.connectors;
  const ranks: RankInput[] = [];
  for (let i = 0; i < conns.length; i++) {
    if (p.status[i] !== CANDIDATE || p.hi[i] < p.lo[i]) continue;
    const session = conns[i].session;
    ranks.push({
      id: conns[i].id, vip: p.vip[i] === 1, tier: p.tier[i], suspendedSince: p.prev[i]?.suspendedSince ?? now,
      energyWh: session?.energyWh ?? 0, startedAt: session?.startedAt ?? now, index: i,
    });
  }
  const priority = settings.sheddingPriority;
  ranks.sort((a, b) => compareRank(a, b, priority));
  const order = Int32Array.from(ranks, (r) => r.index);
  const remainingA = capA.slice();
  const selection = selectServed(order, p.lo, p.marginA, p.conStart, p.conList, remainingA);

  // VIPs rise first, with everyone else held at their minimum; then the others share the rest.
  const vips: number[] = [];
  const others: number[] = [];
  for (const i of order) if (selection.served[i]) (p.vip[i] ? vips : others).push(i);
  const fill: FillResult = { value: new Float64Array(conns.length), boundBy: new Int32Array(conns.length) };
  const problem = { constraintCount, conStart: p.conStart, conList: p.conList, lo: p.lo, hi: p.hi };
  const vipCapA = capA.slice();
  for (const i of others) subtract(vipCapA, p, i, p.lo[i]);
  waterFill(problem, vips, vipCapA, fill);
  const othersCapA = capA.slice();
  for (const i of vips) {
    fill.value[i] = floorToGrid(fill.value[i]);
    subtract(othersCapA, p, i, fill.value[i]);
  }
  waterFill(problem, others, othersCapA, fill);
  for (const i of others) fill.value[i] = floorToGrid(fill.value[i]);

  return buildResult({ snapshot, index, settings, now, prepared: p, limits, selection, fill });
}

function subtract(capA: Float64Array, p: { conStart: Int32Array; conList: Int32Array }, i: number, amountA: number): void {
  for (let j = p.conStart[i]; j < p.conStart[i + 1]; j++) capA[p.conList[j]] -= amountA;
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
