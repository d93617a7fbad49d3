// Compares a step's result with what the scenario expects; returns readable mismatches.

import type { ChangePlan } from '../allocation/change-plan.js';
import { describeReason } from '../allocation/describe.js';
import type { Failsafe } from '../limits/failsafe.js';
import type { LimitSource } from '../limits/zone-limits.js';
import type { AllocationResult, Setpoint } from '../result.js';
import type { ExpectedSetpoint, ExpectedZone, PhaseValues, StepExpectation } from './types.js';

const TOLERANCE = 1e-6;

export function checkStep(
  expect: StepExpectation, result: AllocationResult, previous: AllocationResult | null, plan: ChangePlan, failsafe: Record<string, Failsafe>,
): string[] {
  const out: string[] = [];
  const setpoints = new Map(result.setpoints.map((s) => [s.connectorId, s]));
  for (const [id, want] of Object.entries(expect.setpoints ?? {})) {
    const got = setpoints.get(id);
    if (!got) out.push(`${id}: no setpoint`);
    else out.push(...checkSetpoint(id, want, got));
  }
  for (const [id, want] of Object.entries(expect.failsafe ?? {})) {
    const got = failsafe[id];
    if (!got || Math.abs(got.failsafeA - want) > TOLERANCE) out.push(`${id}: expected failsafe ${want} A, got ${got?.failsafeA ?? 'none'}`);
  }
  const zones = new Map(result.zones.map((z) => [z.zone, z]));
  for (const [name, want] of Object.entries(expect.zones ?? {})) {
    const got = zones.get(name);
    if (!got) { out.push(`zone ${name}: not in the result`); continue; }
    out.push(...checkZone(name, want, got));
  }
  if (expect.unchanged) {
    const before = new Map((previous?.setpoints ?? []).map((s) => [s.connectorId, s.currentA]));
    for (const s of result.setpoints) {
      const was = before.get(s.connectorId) ?? 0;
      if (Math.abs(was - s.currentA) > TOLERANCE) out.push(`${s.connectorId}: expected unchanged ${was} A, got ${s.currentA} A`);
    }
  }
  if (expect.plan?.reductions) out.push(...sameIds('plan reductions', expect.plan.reductions, plan.reductions.map((s) => s.connectorId)));
  if (expect.plan?.increases) out.push(...sameIds('plan increases', expect.plan.increases, plan.increases.map((s) => s.connectorId)));
  return out;
}

function checkSetpoint(id: string, want: ExpectedSetpoint, got: Setpoint): string[] {
  const out: string[] = [];
  const r = got.reason;
  const explain = ` (got ${got.currentA} A: ${describeReason(r)})`;
  if (want.currentA !== undefined && Math.abs(got.currentA - want.currentA) > TOLERANCE) out.push(`${id}: expected ${want.currentA} A${explain}`);
  if (want.powerW !== undefined && got.powerW !== want.powerW) out.push(`${id}: expected ${want.powerW} W, got ${got.powerW ?? 'no'} W`);
  if (want.reason !== undefined && r.code !== want.reason) out.push(`${id}: expected reason ${want.reason}${explain}`);
  if (want.cause !== undefined && (r.code !== 'suspended' || r.cause !== want.cause)) out.push(`${id}: expected suspension cause ${want.cause}${explain}`);
  const zone = r.code === 'zone-limit' || r.code === 'suspended' ? r.zone : undefined;
  const phase = r.code === 'zone-limit' || r.code === 'suspended' ? r.phase : undefined;
  const source: LimitSource | undefined = r.code === 'zone-limit' || r.code === 'suspended' ? r.source : undefined;
  if (want.zone !== undefined && zone !== want.zone) out.push(`${id}: expected zone ${want.zone}${explain}`);
  if (want.phase !== undefined && phase !== want.phase) out.push(`${id}: expected phase ${want.phase}${explain}`);
  if (want.source !== undefined && source?.kind !== want.source) out.push(`${id}: expected limit source ${want.source}${explain}`);
  if (want.phases !== undefined && want.phases.join(',') !== got.phases.join(',')) out.push(`${id}: expected phases ${want.phases.join(',')}, got ${got.phases.join(',')}`);
  if (want.probing !== undefined && Boolean(got.probing) !== want.probing) out.push(`${id}: expected probing ${want.probing}${explain}`);
  return out;
}

function checkZone(name: string, want: ExpectedZone, got: AllocationResult['zones'][number]): string[] {
  const out: string[] = [];
  const triple = (label: string, w: PhaseValues | undefined, g: readonly number[]): void => {
    if (w && w.some((v, i) => Math.abs(v - g[i]) > 1e-3)) out.push(`zone ${name}: expected ${label} [${w.join(', ')}], got [${g.join(', ')}]`);
  };
  triple('limitA', want.limitA, got.limitA);
  triple('reservedA', want.reservedA, got.reservedA);
  triple('allocatedA', want.allocatedA, got.allocatedA);
  if (want.source !== undefined && got.sources.some((s) => s.kind !== want.source)) {
    out.push(`zone ${name}: expected limit source ${want.source}, got ${got.sources.map((s) => s.kind).join(', ')}`);
  }
  if (want.meterLost !== undefined && got.meterLost !== want.meterLost) out.push(`zone ${name}: expected meterLost ${want.meterLost}`);
  return out;
}

function sameIds(label: string, want: readonly string[], got: readonly string[]): string[] {
  const a = [...want].sort().join(', ');
  const b = [...got].sort().join(', ');
  return a === b ? [] : [`${label}: expected [${a}], got [${b}]`];
}
