// The site `fuseguard demo` runs: a small car park with simulated stations and badges.
import type { SiteFile } from '../site/site-schema.js';

export const DEMO_BADGES = Array.from({ length: 12 }, (_, i) => `DEMO-${String(i + 1).padStart(4, '0')}`);

export function demoSite(stationCount: number): SiteFile {
  const ids = Array.from({ length: stationCount }, (_, i) => `SIM-${String(i + 1).padStart(3, '0')}`);
  return {
    settings: { minimumStandard: 'IEC61851', sheddingPriority: 'energy', unknownStations: 'pending', heartbeatIntervalS: 60 },
    zones: [{
      name: 'Car park', maxCurrentA: 100, mode: 'static', authMode: 'lms-known-badges',
      children: [
        { name: 'Level -1', maxCurrentA: 63, mode: 'static' },
        { name: 'Level -2', maxCurrentA: 63, mode: 'static', authMode: 'lms-allow-all' },
      ],
    }],
    stations: ids.map((id, i) => ({
      id, zone: i % 2 === 0 ? 'Level -1' : 'Level -2', name: `Demo station ${i + 1}`,
      connectors: [{ id: 1, phases: 'L1L2L3' as const, maxCurrentA: 32 }, { id: 2, phases: 'L2L3L1' as const, maxCurrentA: 32 }],
    })),
    badges: DEMO_BADGES.slice(0, 10).map((idTag, i) => ({ idTag, authorized: true, vip: i === 0, comment: i === 0 ? 'VIP demo driver' : '' })),
  };
}
