// The site `fuseguard demo` runs: a car park of 12 simulated stations in a zone tree with a
// static level, a dynamic garage behind a (simulated) building meter, and a time-of-use period.
import type { SiteFile } from '../site/site-schema.js';

export const DEMO_BADGES = Array.from({ length: 12 }, (_, i) => `DEMO-${String(i + 1).padStart(4, '0')}`);
export const DEMO_METER = 'Garage meter';
export const DEMO_DYNAMIC_ZONE = 'Garage (dynamic)';

export const demoStationId = (i: number) => `SIM-${String(i + 1).padStart(3, '0')}`;

/** Stations of the first half go to the static level, the rest to the dynamic garage. */
export function demoSite(stationCount: number, meterPort: number, timeZone: string): SiteFile {
  const half = Math.ceil(stationCount / 2);
  return {
    settings: { minimumStandard: 'IEC61851', sheddingPriority: 'energy', unknownStations: 'pending', heartbeatIntervalS: 60, meterPollingMs: 500 },
    meters: [{ name: DEMO_METER, protocol: 'tcp', host: '127.0.0.1', port: meterPort, unitId: 1, model: 'pm5320-iem3x5x-powertag', reporting: false }],
    zones: [{
      name: 'Car park', maxCurrentA: 125, mode: 'static', authMode: 'lms-known-badges',
      children: [
        { name: 'Level -1', maxCurrentA: 63, mode: 'static' },
        { name: DEMO_DYNAMIC_ZONE, maxCurrentA: 80, mode: 'dynamic', meter: DEMO_METER, fallbackCurrentA: 16, authMode: 'lms-allow-all' },
      ],
    }],
    stations: Array.from({ length: stationCount }, (_, i) => ({
      id: demoStationId(i), zone: i < half ? 'Level -1' : DEMO_DYNAMIC_ZONE, name: `Demo station ${i + 1}`,
      connectors: [{ id: 1, phases: 'L1L2L3' as const, maxCurrentA: 32 }, { id: 2, phases: (['L1', 'L2', 'L3'] as const)[i % 3], maxCurrentA: 32 }],
    })),
    badges: DEMO_BADGES.slice(0, 10).map((idTag, i) => ({ idTag, authorized: true, vip: i === 0, comment: i === 0 ? 'VIP demo driver' : '' })),
    tou: {
      enabled: true, timeZone,
      periods: [{
        name: 'Peak', enabled: true, pct: 70, weekdays: ['mon', 'tue', 'wed', 'thu', 'fri'],
        slots: [{ startHour: 7, startMinute: 0, endHour: 9, endMinute: 0 }, { startHour: 17, startMinute: 0, endHour: 20, endMinute: 0 }],
      }],
    },
  };
}
