// The M1 summary table: per zone, the nominal current and the current in each period.

import { periodAppliesToZone, type TouConfig } from './tou.js';

export interface TouSummaryCell {
  period: string;
  pct: number;
  enabled: boolean;
  /** null when the period does not apply to this zone (matrix). */
  currentA: number | null;
}

export interface TouSummaryRow {
  zone: string;
  nominalA: number;
  periods: TouSummaryCell[];
}

export function touSummary(zones: readonly { name: string; maxCurrentA: number }[], config: TouConfig): TouSummaryRow[] {
  return zones.map((zone) => ({
    zone: zone.name,
    nominalA: zone.maxCurrentA,
    periods: config.periods.map((period) => ({
      period: period.name,
      pct: period.pct,
      enabled: period.enabled,
      currentA: periodAppliesToZone(config, period.name, zone.name) ? percentOf(zone.maxCurrentA, period.pct) : null,
    })),
  }));
}

/** maxCurrentA × pct, rounded down to 0.1 A (80 A at 80 % is 64 A, not 64.00000000000001). */
export function percentOf(currentA: number, pct: number): number {
  return Math.floor((currentA * pct) / 10 + 1e-9) / 10;
}
