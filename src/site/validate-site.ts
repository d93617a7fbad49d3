// Validation of a site file: the JSON Schema first, then the rules a schema cannot say
// (unique names, references, the zone tree of Z1-Z3, no reporting meter driving a dynamic zone,
// Z7). Every error names the path of the field.
import { Ajv, type ErrorObject } from 'ajv';
import { validateZoneTree, type ZoneSpec } from '../domain/topology/zone-tree.js';
import { SOCKET_TYPES, validateTouConfig } from '../domain/index.js';
import { validateInputConfigs } from '../inputs/validate-config.js';
import { BUILTIN_MAP_IDS, validateMeterConfigs } from '../meters/index.js';
import { isStationPasswordHash } from '../security/station-password.js';
import { BOX_IDENTITY_PATTERN, SiteSchema, STATION_ID_PATTERN, type SiteFile, type SiteZone } from './site-schema.js';
import { STATION_ID_RULE } from './station-id.js';

export interface SiteError {
  /** JSON Pointer to the offending field, e.g. `/zones/0/children/1/maxCurrentA`. */
  path: string;
  message: string;
}

export type SiteValidation = { ok: true; site: SiteFile } | { ok: false; errors: SiteError[] };

const ajv = new Ajv({ allErrors: true, strict: false });
const validateSchema = ajv.compile<SiteFile>(SiteSchema);

export function validateSite(input: unknown): SiteValidation {
  if (!validateSchema(input)) {
    return { ok: false, errors: (validateSchema.errors ?? []).map((e) => socketTypeError(e, input) ?? schemaError(e)).filter(uniqueError) };
  }
  const errors = ruleErrors(input);
  return errors.length > 0 ? { ok: false, errors } : { ok: true, site: input };
}

/** A zone of the file with its place in the tree. */
export interface FlatZone {
  zone: SiteZone;
  parent: string | null;
  path: string;
  position: number;
}

export function flattenZones(zones: readonly SiteZone[] = [], parent: string | null = null, basePath = '/zones'): FlatZone[] {
  return zones.flatMap((zone, i) => {
    const path = `${basePath}/${i}`;
    return [{ zone, parent, path, position: i }, ...flattenZones(zone.children, zone.name, `${path}/children`)];
  });
}

export function zoneSpec({ zone, parent }: FlatZone): ZoneSpec {
  return { name: zone.name, parent, maxCurrentA: zone.maxCurrentA, mode: zone.mode, meter: zone.meter ?? null, fallbackCurrentA: zone.fallbackCurrentA ?? 0 };
}

function ruleErrors(site: SiteFile): SiteError[] {
  const errors: SiteError[] = [];
  const zones = flattenZones(site.zones);
  const zonePath = new Map(zones.map((z) => [z.zone.name, z.path] as const));
  const reportingMeters = new Set((site.meters ?? []).filter((m) => m.reporting === true).map((m) => m.name));
  for (const e of validateZoneTree(zones.map(zoneSpec), { reportingMeters })) {
    errors.push({ path: zonePath.get(e.zone) ?? '/zones', message: `${e.message} (rule ${e.rule})` });
  }

  const stationIds = new Set<string>();
  (site.stations ?? []).forEach((station, i) => {
    const path = `/stations/${i}`;
    if (stationIds.has(station.id)) errors.push({ path: `${path}/id`, message: `station id "${station.id}" is used more than once` });
    stationIds.add(station.id);
    if (!zonePath.has(station.zone)) errors.push({ path: `${path}/zone`, message: `zone "${station.zone}" is not defined in this file` });
    if (station.password !== undefined && station.passwordHash !== undefined) {
      errors.push({ path: `${path}/passwordHash`, message: 'give either password or passwordHash, not both' });
    }
    if (station.passwordHash !== undefined && !isStationPasswordHash(station.passwordHash)) {
      errors.push({ path: `${path}/passwordHash`, message: 'is not a hash written by `fuseguard site export`' });
    }
    const connectorIds = new Set<number>();
    station.connectors.forEach((c, j) => {
      const cPath = `${path}/connectors/${j}`;
      if (connectorIds.has(c.id)) errors.push({ path: `${cPath}/id`, message: `connector ${c.id} is listed more than once` });
      connectorIds.add(c.id);
      if (c.minCurrentA !== undefined && c.minCurrentA > (c.maxCurrentA ?? 32)) {
        errors.push({ path: `${cPath}/minCurrentA`, message: `${c.minCurrentA} A is above the connector's maxCurrentA (${c.maxCurrentA ?? 32} A)` });
      }
      if (c.type === 'DC' && c.maxPowerW === undefined) errors.push({ path: `${cPath}/maxPowerW`, message: 'a DC connector needs maxPowerW (A9)' });
      if (c.type !== 'DC' && c.maxPowerW !== undefined) errors.push({ path: `${cPath}/maxPowerW`, message: 'only DC connectors take maxPowerW' });
    });
  });

  const meterNames = new Set((site.meters ?? []).map((m) => m.name));
  if (site.meters !== undefined) {
    const models = site.settings?.registerMapsDir ? undefined : new Set<string>(BUILTIN_MAP_IDS);
    const meters = validateMeterConfigs(site.meters, models);
    if (!meters.ok) errors.push(...meters.errors.map((e) => ({ path: `/meters${e.path}`, message: e.message })));
  }
  for (const { zone, path } of zones) {
    if (zone.meter && !meterNames.has(zone.meter)) errors.push({ path: `${path}/meter`, message: `meter "${zone.meter}" is not defined in this file` });
  }
  if (site.tou !== undefined) {
    for (const e of validateTouConfig(site.tou, [...zonePath.keys()])) errors.push({ path: '/tou', message: `${e.subject ? `${e.subject}: ` : ''}${e.message}` });
  }

  if (site.inputs !== undefined) {
    const inputs = validateInputConfigs(site.inputs, ['inputs']);
    if (!inputs.ok) errors.push(...inputs.errors.map((e) => ({ path: e.pointer, message: e.message })));
  }

  const idTags = new Set<string>();
  (site.badges ?? []).forEach((badge, i) => {
    if (idTags.has(badge.idTag)) errors.push({ path: `/badges/${i}/idTag`, message: `badge "${badge.idTag}" is listed more than once` });
    idTags.add(badge.idTag);
  });
  return errors;
}

function schemaError(e: ErrorObject): SiteError {
  const params = e.params as Record<string, unknown>;
  switch (e.keyword) {
    case 'required':
      return { path: `${e.instancePath}/${String(params.missingProperty)}`, message: 'is required' };
    case 'additionalProperties':
      return { path: `${e.instancePath}/${String(params.additionalProperty)}`, message: 'is not a known field' };
    case 'enum':
      return { path: e.instancePath, message: `must be one of ${(params.allowedValues as string[]).join(', ')}` };
    case 'pattern':
      if (params.pattern === STATION_ID_PATTERN) return { path: e.instancePath, message: STATION_ID_RULE };
      if (params.pattern === BOX_IDENTITY_PATTERN) return { path: e.instancePath, message: 'must be 1 to 48 characters without spaces' };
      return { path: e.instancePath, message: e.message ?? 'is invalid' };
    default:
      return { path: e.instancePath || '/', message: e.message ?? 'is invalid' };
  }
}

const SOCKET_TYPE_PATH = /^\/stations\/(\d+)\/connectors\/(\d+)\/socketType$/;

/** An unknown socket type, said with its station and connector: the installer looks for those, not for indexes. */
function socketTypeError(e: ErrorObject, input: unknown): SiteError | undefined {
  const at = e.keyword === 'enum' ? SOCKET_TYPE_PATH.exec(e.instancePath) : null;
  if (!at) return undefined;
  const station = (input as { stations: { id?: unknown; connectors: { id?: unknown; socketType?: unknown }[] }[] }).stations[Number(at[1])];
  const connector = station.connectors[Number(at[2])];
  return {
    path: e.instancePath,
    message: `station "${String(station.id)}" connector ${String(connector.id)}: socket type ${JSON.stringify(connector.socketType)} is not one of ${SOCKET_TYPES.join(', ')}`,
  };
}

function uniqueError(error: SiteError, index: number, all: SiteError[]): boolean {
  return all.findIndex((e) => e.path === error.path && e.message === error.message) === index;
}
