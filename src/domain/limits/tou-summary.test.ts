import { describe, expect, it } from 'vitest';
import { touSummary } from './tou-summary.js';
import type { TouPeriod } from './tou.js';

const p = (name: string, pct: number): TouPeriod => ({ name, pct, enabled: true, weekdays: ['mon'], slots: [] });

describe('touSummary (M1 summary table)', () => {
  it('gives the spec example: 80 A -> 64/48, 60 A -> 48/36, 100 A -> 80/60', () => {
    const rows = touSummary(
      [{ name: 'A', maxCurrentA: 80 }, { name: 'B', maxCurrentA: 60 }, { name: 'C', maxCurrentA: 100 }],
      { enabled: true, timeZone: 'UTC', periods: [p('HP', 80), p('HC', 60)] },
    );
    expect(rows.map((r) => [r.zone, r.nominalA, ...r.periods.map((c) => c.currentA)])).toEqual([
      ['A', 80, 64, 48], ['B', 60, 48, 36], ['C', 100, 80, 60],
    ]);
  });

  it('marks a period that does not apply to a zone (matrix)', () => {
    const [row] = touSummary([{ name: 'A', maxCurrentA: 80 }], { enabled: true, timeZone: 'UTC', periods: [p('HP', 80), p('HC', 60)], zonePeriods: { A: ['HP'] } });
    expect(row.periods.map((c) => c.currentA)).toEqual([64, null]);
  });
});
