import { describe, expect, it } from 'vitest';
import type { ZoneInput } from '../snapshot.js';
import { isMeterLost, limitModifier, zoneLimit } from './zone-limits.js';

const now = 1_000_000;
const staticZone: ZoneInput = { name: 'S', parent: null, maxCurrentA: 100, mode: 'static' };
const dynamic = (meter: [number, number, number] | null, at = now): ZoneInput => ({
  name: 'D', parent: null, maxCurrentA: 100, mode: 'dynamic', meter: 'M', fallbackCurrentA: 30,
  meterReading: meter ? { currentsA: meter, at } : null,
});
const di = (pct: number) => limitModifier({ id: 'DI1', pct }, null);

describe('zoneLimit (Z5, Z6, D4, M1, M2)', () => {
  it('static: maxCurrentA (Z5)', () => {
    expect(zoneLimit(staticZone, [0, 0, 0], null, now, 500).limitA).toEqual([100, 100, 100]);
  });

  it('dynamic: max - (meter - EV measured), clamped to [0, max] (Z6)', () => {
    const limit = zoneLimit(dynamic([90, 130, 20]), [30, 10, 40], null, now, 500);
    expect(limit.limitA).toEqual([40, 0, 100]);
    expect(limit.otherLoadsA).toEqual([60, 120, -20]);
    expect(limit.sources[0]).toEqual({ kind: 'meter', otherLoadsA: 60 });
  });

  it('dynamic: meter lost after 3 polling periods runs on the fallback (D4)', () => {
    expect(isMeterLost(dynamic([0, 0, 0], now - 1500), now, 500)).toBe(false);
    expect(isMeterLost(dynamic([0, 0, 0], now - 1501), now, 500)).toBe(true);
    const limit = zoneLimit(dynamic([0, 0, 0], now - 2000), [0, 0, 0], null, now, 500);
    expect(limit).toMatchObject({ limitA: [30, 30, 30], meterLost: true, sources: [{ kind: 'meter-lost', fallbackA: 30 }, {}, {}] });
  });

  it('M2 worked examples, nominal 100 A', () => {
    expect(zoneLimit(dynamic([10, 10, 10]), [0, 0, 0], di(70), now, 500).limitA).toEqual([70, 70, 70]);
    expect(zoneLimit(dynamic([50, 50, 50]), [0, 0, 0], di(70), now, 500).limitA).toEqual([50, 50, 50]);
    expect(zoneLimit(dynamic(null), [0, 0, 0], di(10), now, 500).limitA).toEqual([10, 10, 10]);
    expect(zoneLimit(staticZone, [0, 0, 0], di(0), now, 500)).toMatchObject({
      limitA: [0, 0, 0], sources: [{ kind: 'digital-input', input: 'DI1', pct: 0 }, {}, {}],
    });
  });

  it('an active input hides TOU (M2); TOU applies otherwise (M1)', () => {
    expect(limitModifier({ id: 'DI1', pct: 90 }, { name: 'Day', pct: 50 })).toEqual({ kind: 'digital-input', input: { id: 'DI1', pct: 90 } });
    const tou = limitModifier(null, { name: 'Day', pct: 80 });
    expect(zoneLimit({ ...staticZone, maxCurrentA: 80 }, [0, 0, 0], tou, now, 500).limitA).toEqual([64, 64, 64]);
    expect(zoneLimit(dynamic([60, 60, 60]), [0, 0, 0], tou, now, 500).sources[0].kind).toBe('meter');
  });
});
