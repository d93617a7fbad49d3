// Random sites and event sequences for the site safety fuzzer (issue 13, D8), generated with
// fast-check from one integer seed: the same seed always gives the same scenario.
import fc from 'fast-check';
import type { SiteFile, SiteZone } from '../../../src/site/site-schema.js';
import type { BeforeBoot, PhysicalConnector, StationSpec, Wiring } from './station-model.js';

export interface FuzzZone {
  name: string;
  parent: string | null;
  maxCurrentA: number;
}

export interface FuzzStation extends StationSpec {
  /** null: not in the site file; it connects as pending and waits for an admin. */
  zone: string | null;
  /** How many of its connectors the site file lists (the others exist physically, unknown to Fuseguard). */
  listedConnectors: number;
}

export interface FuzzSite {
  zones: FuzzZone[];
  stations: FuzzStation[];
}

/** Station and zone references are indices taken modulo the counts when the event runs. */
export type FuzzEvent =
  | { kind: 'wait'; ms: number }
  | { kind: 'connect'; station: number }
  | { kind: 'disconnect'; station: number }
  | { kind: 'reconnect'; station: number; boot: boolean }
  | { kind: 'reboot'; station: number; keepProfiles: boolean; downMs: number }
  | { kind: 'dropping'; station: number; on: boolean }
  | { kind: 'plug'; station: number; connector: number; phases: 1 | 3; carMaxA: number }
  | { kind: 'unplug'; station: number; connector: number }
  | { kind: 'admit'; station: number; zone: number; via: 'api' | 'cli' }
  | { kind: 'zoneMax'; zone: number; fraction: number }
  | { kind: 'addConnector'; station: number };

export interface Scenario {
  seed: number;
  site: FuzzSite;
  events: FuzzEvent[];
}

const WIRINGS: Wiring[] = ['L1L2L3', 'L2L3L1', 'L3L1L2', 'L1', 'L2', 'L3'];

const zonesArb: fc.Arbitrary<FuzzZone[]> = fc
  .record({
    levels: fc.integer({ min: 1, max: 4 }),
    topA: fc.integer({ min: 12, max: 80 }),
    shape: fc.array(fc.record({ children: fc.integer({ min: 1, max: 2 }), fractions: fc.array(fc.double({ min: 0.3, max: 1, noNaN: true }), { minLength: 2, maxLength: 2 }) }), { minLength: 3, maxLength: 3 }),
  })
  .map(({ levels, topA, shape }) => {
    const zones: FuzzZone[] = [{ name: 'Z1', parent: null, maxCurrentA: topA }];
    let previous = [zones[0]];
    for (let level = 1; level < levels; level++) {
      const next: FuzzZone[] = [];
      const { children, fractions } = shape[level - 1];
      for (let i = 0; i < children; i++) {
        const parent = previous[i % previous.length];
        const zone = { name: `${parent.name}.${i + 1}`, parent: parent.name, maxCurrentA: Math.max(6, Math.round(parent.maxCurrentA * fractions[i])) };
        zones.push(zone);
        next.push(zone);
      }
      previous = next;
    }
    return zones;
  });

const connectorArb: fc.Arbitrary<Omit<PhysicalConnector, 'id'>> = fc.record({
  maxCurrentA: fc.constantFrom(16, 20, 32),
  minCurrentA: fc.integer({ min: 6, max: 10 }),
  wiring: fc.constantFrom(...WIRINGS),
});

const stationArb = fc.record({
  zone: fc.nat(),
  pending: fc.integer({ min: 0, max: 5 }).map((n) => n === 0),
  connectors: fc.array(connectorArb, { minLength: 1, maxLength: 2 }),
  hideLast: fc.integer({ min: 0, max: 3 }).map((n) => n === 0),
  beforeBoot: fc.constantFrom<BeforeBoot>('answer', 'strict', 'silent'),
  bootDelayMs: fc.oneof(fc.constant(0), fc.integer({ min: 100, max: 20_000 })),
  latencyMs: fc.integer({ min: 1, max: 80 }),
});

const siteArb: fc.Arbitrary<FuzzSite> = fc
  .record({ zones: zonesArb, stations: fc.array(stationArb, { minLength: 2, maxLength: 6 }) })
  .map(({ zones, stations }) => ({
    zones,
    stations: stations.map((s, i): FuzzStation => ({
      id: `${s.pending ? 'NEW' : 'CP'}-${i + 1}`,
      zone: s.pending ? null : zones[s.zone % zones.length].name,
      connectors: s.connectors.map((c, j) => ({ ...c, id: j + 1 })),
      listedConnectors: s.hideLast && s.connectors.length > 1 ? s.connectors.length - 1 : s.connectors.length,
      behaviour: { beforeBoot: s.beforeBoot, bootDelayMs: s.bootDelayMs, latencyMs: s.latencyMs },
    })),
  }));

const station = fc.nat({ max: 5 });
const eventArb: fc.Arbitrary<FuzzEvent> = fc.oneof(
  { weight: 12, arbitrary: fc.record({ kind: fc.constant('wait' as const), ms: fc.oneof(fc.integer({ min: 50, max: 2_000 }), fc.integer({ min: 2_000, max: 40_000 })) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('connect' as const), station }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('disconnect' as const), station }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('reconnect' as const), station, boot: fc.boolean() }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('reboot' as const), station, keepProfiles: fc.boolean(), downMs: fc.integer({ min: 500, max: 10_000 }) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('dropping' as const), station, on: fc.boolean() }) },
  { weight: 10, arbitrary: fc.record({ kind: fc.constant('plug' as const), station, connector: fc.integer({ min: 1, max: 2 }), phases: fc.constantFrom<1 | 3>(1, 3, 3), carMaxA: fc.integer({ min: 6, max: 32 }) }) },
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('unplug' as const), station, connector: fc.integer({ min: 1, max: 2 }) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('admit' as const), station, zone: fc.nat({ max: 8 }), via: fc.constantFrom<'api' | 'cli'>('api', 'cli') }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('zoneMax' as const), zone: fc.nat({ max: 8 }), fraction: fc.double({ min: 0.2, max: 1.6, noNaN: true }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('addConnector' as const), station }) },
);

export const scenarioArb = (maxEvents: number): fc.Arbitrary<Omit<Scenario, 'seed'>> => fc
  .record({ site: siteArb, order: fc.array(fc.integer({ min: 0, max: 3_000 }), { minLength: 6, maxLength: 6 }), events: fc.array(eventArb, { minLength: Math.ceil(maxEvents / 2), maxLength: maxEvents, size: 'max' }) })
  .map(({ site, order, events }) => ({
    site,
    // Every station connects first, in a random order and spread; then the random events.
    events: [
      ...site.stations.flatMap((_, i): FuzzEvent[] => [{ kind: 'connect', station: i }, { kind: 'wait', ms: order[i] }]),
      ...events,
      // Past the end of every live profile Fuseguard gave (60 s): what is left holds by itself.
      { kind: 'wait', ms: 70_000 },
    ],
  }));

/** The scenario of one seed. */
export function scenarioOf(seed: number, maxEvents = 40): Scenario {
  const [generated] = fc.sample(scenarioArb(maxEvents), { seed, numRuns: 1 });
  return { seed, ...generated };
}

/** The scenario with every zone and station name prefixed (scenarios that share one Fuseguard never meet). */
export function prefixed(scenario: Scenario, prefix: string): Scenario {
  const zone = (name: string) => `${prefix}${name}`;
  return {
    ...scenario,
    site: {
      zones: scenario.site.zones.map((z) => ({ ...z, name: zone(z.name), parent: z.parent === null ? null : zone(z.parent) })),
      stations: scenario.site.stations.map((s) => ({ ...s, id: `${prefix}${s.id}`, zone: s.zone === null ? null : zone(s.zone) })),
    },
  };
}

/** The site file of a scenario: static zones, every listed station with its listed connectors. */
export function siteFileOf(site: FuzzSite): SiteFile {
  const build = (parent: string | null): SiteZone[] => site.zones.filter((z) => z.parent === parent).map((z) => {
    const children = build(z.name);
    return { name: z.name, maxCurrentA: z.maxCurrentA, mode: 'static', ...(parent === null ? { authMode: 'lms-allow-all' as const } : {}), ...(children.length ? { children } : {}) };
  });
  return {
    settings: { unknownStations: 'pending', meterValueSampleIntervalS: 10 },
    zones: build(null),
    stations: site.stations.filter((s) => s.zone !== null).map((s) => ({
      id: s.id,
      zone: s.zone as string,
      connectors: s.connectors.slice(0, s.listedConnectors).map((c) => ({ id: c.id, phases: c.wiring, maxCurrentA: c.maxCurrentA, minCurrentA: c.minCurrentA })),
    })),
  };
}

/** One line per event, as generated (the runner picks its target when it runs: see the trace). */
export function describeEvent(event: FuzzEvent, site: FuzzSite): string {
  switch (event.kind) {
    case 'wait': return `wait ${event.ms} ms`;
    case 'connect': return `connect (#${event.station})`;
    case 'disconnect': return `disconnect (#${event.station})`;
    case 'reconnect': return `reconnect ${event.boot ? 'with' : 'without'} boot (#${event.station})`;
    case 'reboot': return `reboot, ${event.keepProfiles ? 'keeping' : 'losing'} profiles, down ${event.downMs} ms (#${event.station})`;
    case 'dropping': return `${event.on ? 'start' : 'stop'} dropping requests (#${event.station})`;
    case 'plug': return `car (${event.phases}-phase, ${event.carMaxA} A) plugs in (#${event.station * 2 + event.connector})`;
    case 'unplug': return `car leaves (#${event.station * 2 + event.connector})`;
    case 'admit': return `admit a pending station into ${site.zones[event.zone % site.zones.length].name} by ${event.via.toUpperCase()} (#${event.station})`;
    case 'zoneMax': return `zone ${site.zones[event.zone % site.zones.length].name} maximum x${event.fraction.toFixed(2)}`;
    case 'addConnector': return `add a connector missing from the site through the API (#${event.station})`;
  }
}
