// Reads a scenario file's JSON into a Scenario, with errors that name the offending field.

import { validateDigitalInputs, type DigitalInput } from '../limits/digital-inputs.js';
import { validateTouConfig, WEEKDAYS, type TouPeriod, type TouSlot } from '../limits/tou.js';
import { PHASE_WIRINGS } from '../phases.js';
import { DEFAULT_SETTINGS, type AllocationSettings } from '../settings.js';
import { validateZoneTree, type ZoneSpec } from '../topology/zone-tree.js';
import { parseDuration } from './duration.js';
import { optional, Reader, ScenarioError, type Json } from './reader.js';
import type {
  ExpectedSetpoint, ExpectedZone, PhaseValues, Scenario, ScenarioEvent, ScenarioStation, ScenarioStep, ScenarioTou, StepExpectation,
} from './types.js';

export function parseScenario(json: Json): Scenario {
  const r = new Reader(json, '').only([
    'name', 'description', 'spec', 'start', 'timeZone', 'settings', 'zones', 'stations', 'tou', 'digitalInputs', 'accrueEnergy', 'steps',
  ]);
  const start = instant(r.at('start'));
  const timeZone = optional(r, 'timeZone', (x) => x.string()) ?? 'UTC';
  const zones = r.at('zones').array().map(zone);
  const zoneErrors = validateZoneTree(zones);
  if (zoneErrors.length > 0) throw new ScenarioError('zones', zoneErrors.map((e) => e.message).join('; '));
  const zoneNames = zones.map((z) => z.name);
  const stations = r.at('stations').array().map((s) => station(s, zoneNames));
  const connectorIds = new Set(stations.flatMap((s) => Array.from({ length: s.connectors }, (_, k) => `${s.id}/${k + 1}`)));
  const tou = optional(r, 'tou', (x) => touConfig(x, timeZone, zoneNames));
  const digitalInputs = optional(r, 'digitalInputs', (x) => x.array().map(digitalInput)) ?? [];
  const diErrors = validateDigitalInputs(digitalInputs);
  if (diErrors.length > 0) throw new ScenarioError('digitalInputs', diErrors.map((e) => e.message).join('; '));
  const names = {
    connectors: connectorIds, stations: new Set(stations.map((s) => s.id)), zones: new Set(zoneNames),
    inputs: new Set(digitalInputs.map((d) => d.id)),
  };
  let at = start;
  const steps = r.at('steps').array().map((s) => {
    const parsed = step(s, at, names);
    at = parsed.at;
    return parsed;
  });
  return {
    name: r.at('name').string(),
    description: optional(r, 'description', (x) => x.string()),
    spec: optional(r, 'spec', (x) => x.array().map((s) => s.string())) ?? [],
    start, timeZone,
    settings: optional(r, 'settings', settings) ?? {},
    zones, stations, tou, digitalInputs,
    accrueEnergy: optional(r, 'accrueEnergy', (x) => x.boolean()) ?? true,
    steps,
  };
}

function instant(r: Reader): number {
  const at = Date.parse(r.string());
  if (Number.isNaN(at)) r.error('must be an ISO 8601 date and time, e.g. "2025-01-06T08:00:00Z"');
  return at;
}

function duration(r: Reader): number {
  const ms = parseDuration(r.string());
  if (ms === null) r.error('must be a duration such as "30s", "15m" or "1h30m"');
  return ms;
}

function zone(r: Reader): ZoneSpec {
  r.only(['name', 'parent', 'maxCurrentA', 'mode', 'meter', 'fallbackCurrentA']);
  const parent = r.at('parent');
  return {
    name: r.at('name').string(),
    parent: parent.value === undefined || parent.value === null ? null : parent.string(),
    maxCurrentA: r.at('maxCurrentA').number(),
    mode: optional(r, 'mode', (x) => x.oneOf(['static', 'dynamic'] as const)) ?? 'static',
    meter: optional(r, 'meter', (x) => x.string()),
    fallbackCurrentA: optional(r, 'fallbackCurrentA', (x) => x.number()),
  };
}

function station(r: Reader, zoneNames: readonly string[]): ScenarioStation {
  r.only(['id', 'zone', 'connectors', 'kind', 'wiring', 'minCurrentA', 'maxCurrentA', 'minPowerW', 'maxPowerW', 'vip', 'connected', 'sampleIntervalMs']);
  const zoneName = r.at('zone').string();
  if (!zoneNames.includes(zoneName)) r.at('zone').error(`unknown zone "${zoneName}"`);
  const connectors = optional(r, 'connectors', (x) => x.number()) ?? 1;
  if (!Number.isInteger(connectors) || connectors < 1) r.at('connectors').error('must be a whole number ≥ 1');
  return {
    id: r.at('id').string(), zone: zoneName, connectors,
    kind: optional(r, 'kind', (x) => x.oneOf(['AC', 'DC'] as const)),
    wiring: optional(r, 'wiring', (x) => x.oneOf(PHASE_WIRINGS)),
    minCurrentA: optional(r, 'minCurrentA', (x) => x.number()),
    maxCurrentA: optional(r, 'maxCurrentA', (x) => x.number()),
    minPowerW: optional(r, 'minPowerW', (x) => x.number()),
    maxPowerW: optional(r, 'maxPowerW', (x) => x.number()),
    vip: optional(r, 'vip', (x) => x.boolean()),
    connected: optional(r, 'connected', (x) => x.boolean()) ?? true,
    sampleIntervalMs: optional(r, 'sampleIntervalMs', (x) => x.number()),
  };
}

function settings(r: Reader): Partial<AllocationSettings> {
  const keys = Object.keys(DEFAULT_SETTINGS) as (keyof AllocationSettings)[];
  r.only(keys);
  const out: Record<string, unknown> = {};
  for (const key of keys) {
    if (!r.has(key)) continue;
    const x = r.at(key);
    if (key === 'minimumStandard') out[key] = x.oneOf(['IEC61851', 'EVZE'] as const);
    else if (key === 'sheddingPriority') out[key] = x.oneOf(['energy', 'duration'] as const);
    else if (key === 'demandEnabled') out[key] = x.boolean();
    else out[key] = x.number();
  }
  return out as Partial<AllocationSettings>;
}

function touConfig(r: Reader, timeZone: string, zoneNames: readonly string[]): ScenarioTou {
  r.only(['enabled', 'timeZone', 'periods', 'zonePeriods']);
  const zonePeriods = optional(r, 'zonePeriods', (x) =>
    Object.fromEntries(Object.keys(x.object()).map((k) => [k, x.at(k).array().map((p) => p.string())])));
  const config: ScenarioTou = {
    enabled: optional(r, 'enabled', (x) => x.boolean()) ?? true,
    timeZone: optional(r, 'timeZone', (x) => x.string()) ?? timeZone,
    periods: r.at('periods').array().map(period),
    zonePeriods,
  };
  const errors = validateTouConfig(config, zoneNames);
  if (errors.length > 0) r.error(errors.map((e) => e.message).join('; '));
  return config;
}

function period(r: Reader): TouPeriod {
  r.only(['name', 'enabled', 'pct', 'weekdays', 'slots']);
  return {
    name: r.at('name').string(),
    enabled: optional(r, 'enabled', (x) => x.boolean()) ?? true,
    pct: r.at('pct').number(),
    weekdays: optional(r, 'weekdays', (x) => x.array().map((d) => d.oneOf(WEEKDAYS))) ?? [...WEEKDAYS],
    slots: r.at('slots').array().map(slot),
  };
}

/** A slot is written { "from": "22:00", "to": "06:00" }. */
function slot(r: Reader): TouSlot {
  r.only(['from', 'to']);
  const time = (x: Reader): [number, number] => {
    const m = /^(\d{1,2}):(\d{2})$/.exec(x.string());
    if (!m) x.error('must be a time "HH:MM"');
    return [Number(m[1]), Number(m[2])];
  };
  const [startHour, startMinute] = time(r.at('from'));
  const [endHour, endMinute] = time(r.at('to'));
  return { startHour, startMinute, endHour, endMinute };
}

function digitalInput(r: Reader): DigitalInput {
  r.only(['id', 'enabled', 'high', 'pct']);
  return {
    id: r.at('id').string(),
    enabled: optional(r, 'enabled', (x) => x.boolean()) ?? true,
    high: optional(r, 'high', (x) => x.boolean()) ?? false,
    pct: r.at('pct').number(),
  };
}

interface Names {
  connectors: ReadonlySet<string>;
  stations: ReadonlySet<string>;
  zones: ReadonlySet<string>;
  inputs: ReadonlySet<string>;
}

function step(r: Reader, previousAt: number, names: Names): ScenarioStep {
  r.only(['label', 'after', 'at', 'events', 'expect']);
  if (r.has('after') && r.has('at')) r.error('give "after" or "at", not both');
  const at = r.has('at') ? instant(r.at('at')) : previousAt + (optional(r, 'after', duration) ?? 0);
  if (at < previousAt) r.error('steps must not go back in time');
  return {
    label: optional(r, 'label', (x) => x.string()),
    at,
    events: optional(r, 'events', (x) => x.array().map((e) => event(e, names))) ?? [],
    expect: optional(r, 'expect', (x) => expectation(x, names)),
  };
}

function named(r: Reader, known: ReadonlySet<string>, what: string): string {
  const name = r.string();
  if (!known.has(name)) r.error(`unknown ${what} "${name}"`);
  return name;
}

function phaseValues(r: Reader): PhaseValues {
  if (typeof r.value === 'number') {
    const v = r.number();
    return [v, v, v];
  }
  const values = r.array().map((x) => x.number());
  if (values.length !== 3) r.error('must be a number or [L1, L2, L3]');
  return [values[0], values[1], values[2]];
}

function event(r: Reader, names: Names): ScenarioEvent {
  const type = r.at('type').oneOf([
    'plug', 'unplug', 'energy', 'measure', 'measure-stop', 'meter', 'meter-lost', 'station-offline', 'station-online', 'station-uncontrolled', 'station-controlled', 'cap', 'di', 'tou', 'settings',
  ] as const);
  const connector = (): string => named(r.at('connector'), names.connectors, 'connector');
  switch (type) {
    case 'plug':
      r.only(['type', 'connector', 'energyWh', 'vip', 'startedAgo']);
      return {
        type, connector: connector(), energyWh: optional(r, 'energyWh', (x) => x.number()) ?? 0,
        vip: optional(r, 'vip', (x) => x.boolean()) ?? false, startedAgoMs: optional(r, 'startedAgo', duration) ?? 0,
      };
    case 'unplug':
    case 'measure-stop':
      r.only(['type', 'connector']);
      return { type, connector: connector() };
    case 'energy':
      r.only(['type', 'connector', 'energyWh']);
      return { type, connector: connector(), energyWh: r.at('energyWh').number() };
    case 'measure': {
      r.only(['type', 'connector', 'currentsA', 'powerW']);
      const e: ScenarioEvent = { type, connector: connector() };
      if (r.has('currentsA')) e.currentsA = phaseValues(r.at('currentsA'));
      if (r.has('powerW')) e.powerW = r.at('powerW').number();
      if (!e.currentsA && e.powerW === undefined) r.error('measure needs currentsA or powerW');
      return e;
    }
    case 'meter':
      r.only(['type', 'zone', 'currentsA']);
      return { type, zone: named(r.at('zone'), names.zones, 'zone'), currentsA: phaseValues(r.at('currentsA')) };
    case 'meter-lost':
      r.only(['type', 'zone']);
      return { type, zone: named(r.at('zone'), names.zones, 'zone') };
    case 'station-offline':
    case 'station-online':
    case 'station-uncontrolled':
    case 'station-controlled':
      r.only(['type', 'station']);
      return { type, station: named(r.at('station'), names.stations, 'station') };
    case 'cap': {
      r.only(['type', 'connector', 'capA']);
      const capA = r.at('capA').value === null ? null : r.at('capA').number();
      if (capA !== null && capA < 0) r.error('capA must be 0 or more, or null');
      return { type, connector: connector(), capA };
    }
    case 'di':
      r.only(['type', 'input', 'high']);
      return { type, input: named(r.at('input'), names.inputs, 'digital input'), high: r.at('high').boolean() };
    case 'tou':
      r.only(['type', 'enabled']);
      return { type, enabled: r.at('enabled').boolean() };
    case 'settings':
      r.only(['type', 'settings']);
      return { type, settings: settings(r.at('settings')) };
  }
}

function expectation(r: Reader, names: Names): StepExpectation {
  r.only(['setpoints', 'failsafe', 'zones', 'unchanged', 'plan']);
  const ids = (x: Reader): string[] => x.array().map((id) => named(id, names.connectors, 'connector'));
  return {
    setpoints: optional(r, 'setpoints', (x) => Object.fromEntries(Object.keys(x.object()).map((id) => {
      named(new Reader(id, `${x.path}.${id}`), names.connectors, 'connector');
      return [id, expectedSetpoint(x.at(id))];
    }))),
    failsafe: optional(r, 'failsafe', (x) => Object.fromEntries(Object.keys(x.object()).map((id) => {
      named(new Reader(id, `${x.path}.${id}`), names.connectors, 'connector');
      return [id, x.at(id).number()];
    }))),
    zones: optional(r, 'zones', (x) => Object.fromEntries(Object.keys(x.object()).map((name) => {
      named(new Reader(name, `${x.path}.${name}`), names.zones, 'zone');
      return [name, expectedZone(x.at(name))];
    }))),
    unchanged: optional(r, 'unchanged', (x) => x.boolean()),
    plan: optional(r, 'plan', (x) => {
      x.only(['reductions', 'increases']);
      return { reductions: optional(x, 'reductions', ids), increases: optional(x, 'increases', ids) };
    }),
  };
}

function expectedSetpoint(r: Reader): ExpectedSetpoint {
  if (typeof r.value === 'number') return { currentA: r.number() };
  r.only(['currentA', 'powerW', 'reason', 'cause', 'zone', 'phase', 'source', 'phases', 'probing']);
  return {
    currentA: optional(r, 'currentA', (x) => x.number()),
    powerW: optional(r, 'powerW', (x) => x.number()),
    reason: optional(r, 'reason', (x) => x.oneOf(['idle', 'config-error', 'station-offline', 'uncontrolled', 'zone-limit', 'connector-max', 'demand', 'external-cap', 'suspended'] as const)),
    cause: optional(r, 'cause', (x) => x.oneOf(['shortage', 'resume-margin', 'max-below-minimum'] as const)),
    zone: optional(r, 'zone', (x) => x.string()),
    phase: optional(r, 'phase', (x) => x.oneOf(['L1', 'L2', 'L3'] as const)),
    source: optional(r, 'source', sourceKind),
    phases: optional(r, 'phases', (x) => x.array().map((p) => p.oneOf(['L1', 'L2', 'L3'] as const))),
    probing: optional(r, 'probing', (x) => x.boolean()),
  };
}

function sourceKind(r: Reader): string {
  return r.oneOf(['zone-max', 'meter', 'meter-lost', 'tou', 'digital-input'] as const);
}

function expectedZone(r: Reader): ExpectedZone {
  r.only(['limitA', 'source', 'reservedA', 'allocatedA', 'meterLost']);
  return {
    limitA: optional(r, 'limitA', phaseValues),
    source: optional(r, 'source', sourceKind),
    reservedA: optional(r, 'reservedA', phaseValues),
    allocatedA: optional(r, 'allocatedA', phaseValues),
    meterLost: optional(r, 'meterLost', (x) => x.boolean()),
  };
}
