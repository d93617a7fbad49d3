import { describe, expect, it } from 'vitest';
import type { ConnectorInput } from '../snapshot.js';
import { drawPerSitePhase, isMeasurementFresh } from './measurement.js';

const now = 100_000;
const conn = (extra: Partial<ConnectorInput>): ConnectorInput => ({ id: 'a/1', stationId: 'a', zone: 'Z', ...extra });

describe('measured draw (Z4, Z6)', () => {
  it('is stale after 3 sample intervals', () => {
    expect(isMeasurementFresh(conn({ measured: { currentsA: [1, 1, 1], at: now - 30_000 } }), now, 10_000)).toBe(true);
    expect(isMeasurementFresh(conn({ measured: { currentsA: [1, 1, 1], at: now - 30_001 } }), now, 10_000)).toBe(false);
    expect(isMeasurementFresh(conn({ sampleIntervalMs: 60_000, measured: { currentsA: [1, 1, 1], at: now - 60_000 } }), now, 10_000)).toBe(true);
    expect(drawPerSitePhase(conn({ measured: null }), 'L1L2L3', now, 10_000, 230)).toBeNull();
  });

  it("maps the connector's phases to the site's through the rotation", () => {
    const c = conn({ measured: { currentsA: [10, 20, 30], at: now } });
    expect(drawPerSitePhase(c, 'L1L2L3', now, 10_000, 230)).toEqual([10, 20, 30]);
    expect(drawPerSitePhase(c, 'L2L3L1', now, 10_000, 230)).toEqual([30, 10, 20]);
    expect(drawPerSitePhase(c, 'L3L1L2', now, 10_000, 230)).toEqual([20, 30, 10]);
  });

  it('single-phase: the largest reported value on its phase; DC: power over the phases', () => {
    expect(drawPerSitePhase(conn({ measured: { currentsA: [0, 12, 0], at: now } }), 'L3', now, 10_000, 230)).toEqual([0, 0, 12]);
    const dc = conn({ kind: 'DC', measured: { currentsA: [300, 0, 0], powerW: 69_000, at: now } });
    expect(drawPerSitePhase(dc, 'L1L2L3', now, 10_000, 230)).toEqual([100, 100, 100]);
  });
});
