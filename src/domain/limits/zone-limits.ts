// A zone's effective limit per phase (Z5, Z6, D4, M1, M2), with the source that set it (A11).

import type { PerPhase } from '../phases.js';
import type { ZoneInput } from '../snapshot.js';
import type { ActiveInput } from './digital-inputs.js';
import type { ActivePeriod } from './tou.js';
import { percentOf } from './tou-summary.js';

export type LimitSource =
  | { kind: 'zone-max' }
  /** Z6: what the meter leaves after other loads. */
  | { kind: 'meter'; otherLoadsA: number }
  /** D4: meter lost, running on the fallback current. */
  | { kind: 'meter-lost'; fallbackA: number }
  | { kind: 'tou'; period: string; pct: number }
  | { kind: 'digital-input'; input: string; pct: number };

export type LimitModifier =
  | { kind: 'tou'; period: ActivePeriod }
  | { kind: 'digital-input'; input: ActiveInput };

export interface ZoneLimit {
  limitA: [number, number, number];
  sources: [LimitSource, LimitSource, LimitSource];
  meterLost: boolean;
  otherLoadsA?: PerPhase;
}

/** D4: no reading, or none within 3 polling periods. */
export function isMeterLost(zone: ZoneInput, now: number, meterPollIntervalMs: number): boolean {
  const reading = zone.meterReading;
  return !reading || now - reading.at > 3 * meterPollIntervalMs;
}

/** M2 beats M1: while a digital input is active, TOU is ignored. */
export function limitModifier(input: ActiveInput | null, period: ActivePeriod | null): LimitModifier | null {
  if (input) return { kind: 'digital-input', input };
  if (period) return { kind: 'tou', period };
  return null;
}

/**
 * static: maxCurrentA; dynamic: maxCurrentA − (meter − EV measured), clamped to [0, max] (Z6);
 * dynamic with the meter lost: fallbackCurrentA (D4). A modifier caps it at maxCurrentA × pct (M1, M2).
 */
export function zoneLimit(zone: ZoneInput, evMeasuredA: PerPhase, modifier: LimitModifier | null, now: number, meterPollIntervalMs: number): ZoneLimit {
  const maxA = zone.maxCurrentA;
  const limitA: [number, number, number] = [maxA, maxA, maxA];
  const base: LimitSource = { kind: 'zone-max' };
  const sources: [LimitSource, LimitSource, LimitSource] = [base, base, base];
  let meterLost = false;
  let otherLoadsA: PerPhase | undefined;
  if (zone.mode === 'dynamic') {
    meterLost = isMeterLost(zone, now, meterPollIntervalMs);
    if (meterLost) {
      const fallbackA = zone.fallbackCurrentA ?? 0;
      const lost: LimitSource = { kind: 'meter-lost', fallbackA };
      for (let p = 0; p < 3; p++) { limitA[p] = fallbackA; sources[p] = lost; }
    } else {
      const meter = zone.meterReading?.currentsA ?? [0, 0, 0];
      const other: [number, number, number] = [0, 0, 0];
      for (let p = 0; p < 3; p++) {
        other[p] = meter[p] - evMeasuredA[p];
        limitA[p] = Math.min(maxA, Math.max(0, maxA - other[p]));
        sources[p] = { kind: 'meter', otherLoadsA: other[p] };
      }
      otherLoadsA = other;
    }
  }
  if (modifier) {
    const pct = modifier.kind === 'tou' ? modifier.period.pct : modifier.input.pct;
    const capA = percentOf(maxA, pct);
    const source: LimitSource = modifier.kind === 'tou'
      ? { kind: 'tou', period: modifier.period.name, pct }
      : { kind: 'digital-input', input: modifier.input.id, pct };
    for (let p = 0; p < 3; p++) {
      if (capA < limitA[p]) { limitA[p] = capA; sources[p] = source; }
    }
  }
  return { limitA, sources, meterLost, otherLoadsA };
}
