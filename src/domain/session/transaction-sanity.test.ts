// The bounds on what stations say of their transactions (issue 14, row 7), at their edges.
import { describe, expect, it } from 'vitest';
import {
  connectorRefusal, joinAnomalies, MAX_CLOCK_AHEAD_MS, MAX_CLOCK_BEHIND_MS, MAX_CONNECTOR_ID, MAX_METER_WH,
  plausibleMeterWh, plausibleTime, settleStop, supersededStop,
} from './transaction-sanity.js';

describe('transaction sanity', () => {
  it('believes connectors 1 up to the highest the station has, any of 1..64 while it has told none', () => {
    expect(connectorRefusal(0, [1, 2])).toMatch(/not a socket/);
    expect(connectorRefusal(-1, [])).toMatch(/not a socket/);
    expect(connectorRefusal(1.5, [])).toMatch(/not a socket/);
    expect(connectorRefusal(2, [1, 2])).toBeNull();
    expect(connectorRefusal(2, [1, 3])).toBeNull(); // a gap: the site lists 1 and 3
    expect(connectorRefusal(3, [1, 2])).toMatch(/beyond the station's connectors \(1..2\)/);
    expect(connectorRefusal(MAX_CONNECTOR_ID, [])).toBeNull();
    expect(connectorRefusal(MAX_CONNECTOR_ID + 1, [])).toMatch(/beyond 64/);
  });

  it("keeps a station's time within a day ahead and five years behind, else takes the receive time", () => {
    const now = Date.parse('2026-12-06T12:00:00Z');
    expect(plausibleTime(now + MAX_CLOCK_AHEAD_MS, now)).toEqual({ at: now + MAX_CLOCK_AHEAD_MS, corrected: false });
    expect(plausibleTime(now + MAX_CLOCK_AHEAD_MS + 1, now)).toEqual({ at: now, corrected: true });
    expect(plausibleTime(now - MAX_CLOCK_BEHIND_MS, now)).toEqual({ at: now - MAX_CLOCK_BEHIND_MS, corrected: false });
    expect(plausibleTime(0, now)).toEqual({ at: now, corrected: true });
    expect(plausibleTime(Number.NaN, now)).toEqual({ at: now, corrected: true });
  });

  it('bounds meter readings to 0..10 GWh and never gives a negative energy', () => {
    expect(plausibleMeterWh(-5)).toEqual({ wh: 0, corrected: true });
    expect(plausibleMeterWh(1e308)).toEqual({ wh: MAX_METER_WH, corrected: true });
    expect(plausibleMeterWh(Number.POSITIVE_INFINITY)).toEqual({ wh: 0, corrected: true });
    expect(plausibleMeterWh(12_345)).toEqual({ wh: 12_345, corrected: false });
    expect(settleStop({ startAt: 1_000, meterStartWh: 500 }, { stopAt: 900, meterStopWh: 400 }))
      .toEqual({ stopAt: 1_000, energyWh: 0, anomalies: ['stop-before-start', 'meter-stop-below-start'] });
  });

  it('closes a stale session at the next start when that is after all that is known of it, else at its last reading', () => {
    const open = { start_at: 1_000, meter_start_wh: 100, last_meter_wh: 300, last_meter_at: 2_000 };
    expect(supersededStop(open, { startAt: 5_000, meterStartWh: 400 })).toEqual({ stopAt: 5_000, meterStopWh: 400 });
    expect(supersededStop(open, { startAt: 1_500, meterStartWh: 10 })).toEqual({ stopAt: 2_000, meterStopWh: 300 });
    expect(joinAnomalies('start-time', ['superseded', 'start-time'])).toBe('start-time,superseded');
    expect(joinAnomalies(null, [])).toBeNull();
  });
});
