import { describe, expect, it } from 'vitest';
import { StationAuthThrottle } from './station-auth-throttle.js';

const limits = { stationAttempts: 3, addressAttempts: 10, backoffMaxMs: 60_000 };

describe('StationAuthThrottle', () => {
  it('blocks a station after its free attempts, for a time that doubles up to the maximum', () => {
    const t = new StationAuthThrottle();
    let now = 0;
    for (let i = 0; i < 2; i++) t.failed('CP', 'a', now, limits);
    expect(t.check('CP', 'a', now, limits)).toEqual({ blocked: false });
    t.failed('CP', 'a', now, limits);
    expect(t.check('CP', 'b', now, limits)).toEqual({ blocked: true, by: 'station', retryAfterMs: 1_000 });
    const waits: number[] = [];
    for (let i = 0; i < 8; i++) {
      const verdict = t.check('CP', null, now, limits);
      if (verdict.blocked) now += verdict.retryAfterMs;
      t.failed('CP', null, now, limits);
      const next = t.check('CP', null, now, limits);
      waits.push(next.blocked ? next.retryAfterMs : 0);
    }
    expect(waits).toEqual([2_000, 4_000, 8_000, 16_000, 32_000, 60_000, 60_000, 60_000]);
  });

  it('blocks an address across stations; a success clears the station, not the address', () => {
    const t = new StationAuthThrottle();
    for (let i = 0; i < 10; i++) t.failed(`CP-${i}`, 'a', 0, limits);
    expect(t.check('CP-new', 'a', 0, limits)).toMatchObject({ blocked: true, by: 'address' });
    expect(t.check('CP-new', 'b', 0, limits)).toEqual({ blocked: false });
    t.failed('CP-x', 'c', 0, { ...limits, stationAttempts: 1 });
    t.succeeded('CP-x');
    expect(t.check('CP-x', null, 0, limits)).toEqual({ blocked: false });
    t.succeeded('CP-0');
    expect(t.check('CP-0', 'a', 0, limits)).toMatchObject({ blocked: true, by: 'address' });
  });

  it('forgets failures after a quiet hour and keeps at most maxTracked keys', () => {
    const t = new StationAuthThrottle(100);
    for (let i = 0; i < 3; i++) t.failed('CP', null, 0, limits);
    expect(t.check('CP', null, 3_600_001, limits)).toEqual({ blocked: false });
    for (let i = 0; i < 1_000; i++) t.failed(`id-${i}`, `10.0.${i >> 8}.${i & 255}`, i, limits);
    expect(t.size()).toEqual({ stations: 100, addresses: 100 });
  });
});
