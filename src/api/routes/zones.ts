// Zones (Z1, Z2, W4, W8): the tree with live figures, create, replace, delete. Every edit is
// checked against the Z2 rules on the whole tree (and Z7: no reporting meter drives a dynamic
// zone), and takes effect live (ctx.reload()). Each zone carries its warnings (issue 16).
import { Type, type Static } from '@sinclair/typebox';
import type { FastifyPluginAsync } from 'fastify';
import { AUTH_MODES, OFFLINE_AUTH_MODES } from '../../auth/auth-mode.js';
import { describeLimitSource, type ZoneSpec } from '../../domain/index.js';
import { ZONE_WARNING_CODES, zoneWarnings } from '../../services/zone-warnings.js';
import type { ZoneRow } from '../../store/schema.js';
import { audit } from '../audit.js';
import type { ApiContext } from '../context.js';
import { conflict, notFound, unprocessable } from '../errors.js';
import { enumOf, errors, OkSchema } from '../schemas.js';
import { treeOrder, withZone, zoneEditProblems } from './zone-tree-edit.js';

const PerPhase = Type.Array(Type.Number(), { minItems: 3, maxItems: 3, description: 'L1, L2, L3 in A' });

// The fields of a zone as in the site file's ZoneSchema (Z1), with parent instead of nesting.
const zoneFields = {
  parent: Type.Optional(Type.Union([Type.String({ minLength: 1 }), Type.Null()], { description: 'the parent zone; null or absent: a top-level zone' })),
  maxCurrentA: Type.Number({ exclusiveMinimum: 0, description: 'A per phase (Z1)' }),
  mode: enumOf(['static', 'dynamic'] as const, 'static: maxCurrentA is available; dynamic: a meter measures the switchboard (Z5, Z6)'),
  meter: Type.Optional(Type.Union([Type.String({ minLength: 1 }), Type.Null()], { description: 'dynamic zones: the meter of the switchboard' })),
  fallbackCurrentA: Type.Optional(Type.Number({ minimum: 0, description: 'dynamic zones: the limit while the meter is lost (D4) [0]' })),
  authMode: Type.Optional(Type.Union([enumOf(AUTH_MODES, 'authentication mode (B1)'), Type.Null()], { description: 'null or absent: inherited from the parent' })),
  offlineAuthMode: Type.Optional(Type.Union([enumOf(OFFLINE_AUTH_MODES, 'offline policy (B2)'), Type.Null()], { description: 'null or absent: inherited from the parent' })),
};
const NewZoneBody = Type.Object({ name: Type.String({ minLength: 1, maxLength: 64 }), ...zoneFields }, { additionalProperties: false });
const ZoneBody = Type.Object(zoneFields, { additionalProperties: false });
const NameParams = Type.Object({ name: Type.String({ minLength: 1, maxLength: 64 }) });

const LiveSchema = Type.Object({
  at: Type.Number({ description: 'when the allocation ran (epoch ms)' }),
  limitA: PerPhase,
  limitSources: Type.Array(Type.String(), { description: 'what set each phase limit (A11)' }),
  allocatedA: PerPhase,
  measuredA: Type.Array(Type.Number(), { minItems: 3, maxItems: 3, description: 'fresh EV measurements in the subtree (Z6), L1, L2, L3 in A' }),
  reservedA: PerPhase,
  meterLost: Type.Boolean(),
  otherLoadsA: Type.Optional(PerPhase),
});
const ZoneView = Type.Object({
  name: Type.String(),
  parent: Type.Union([Type.String(), Type.Null()]),
  depth: Type.Integer({ description: '1 for a top-level zone' }),
  position: Type.Integer({ description: 'order among siblings' }),
  maxCurrentA: Type.Number(),
  mode: Type.String(),
  meter: Type.Union([Type.String(), Type.Null()]),
  fallbackCurrentA: Type.Number(),
  authMode: Type.Union([Type.String(), Type.Null()]),
  offlineAuthMode: Type.Union([Type.String(), Type.Null()], { description: 'B2; null: inherited' }),
  children: Type.Array(Type.String()),
  stations: Type.Array(Type.String(), { description: 'stations directly in this zone' }),
  meterA: Type.Union([PerPhase, Type.Null()], { description: "the zone meter's last reading, if any" }),
  live: Type.Union([LiveSchema, Type.Null()], { description: 'from the last allocation; null before the first one or without load management' }),
  warnings: Type.Array(Type.Object({
    code: enumOf(ZONE_WARNING_CODES, 'children-above-zone: its sub-zones and the connectors of its stations can draw more than its maxCurrentA on a phase (fine electrically: they share it)'),
    message: Type.String(),
    phase: Type.String({ description: 'the phase where their sum is largest' }),
    childrenA: Type.Number({ description: "sum of the sub-zones' and connectors' maxCurrentA on that phase" }),
    zoneMaxA: Type.Number(),
  }), { description: 'what is worth knowing about its configuration; never an error; empty: nothing' }),
});

const specOf = (z: ZoneRow): ZoneSpec => ({
  name: z.name, parent: z.parent, maxCurrentA: z.max_current_a, mode: z.mode, meter: z.meter, fallbackCurrentA: z.fallback_current_a,
});

export function zonesRoutes(ctx: ApiContext): FastifyPluginAsync {
  return async (app) => {
    const views = async () => {
      const [zones, stations, connectors] = await Promise.all([ctx.store.zones.list(), ctx.store.stations.list(), ctx.store.stations.listConnectors()]);
      const result = ctx.control?.lastResult ?? null;
      const meters = ctx.meters();
      const warnings = zoneWarnings(zones, stations, connectors);
      return treeOrder(zones).map(({ zone: z, depth, children }) => {
        const report = result?.zones.find((r) => r.zone === z.name);
        return {
          name: z.name, parent: z.parent, depth, position: z.position, maxCurrentA: z.max_current_a, mode: z.mode, meter: z.meter,
          fallbackCurrentA: z.fallback_current_a, authMode: z.auth_mode, offlineAuthMode: z.offline_auth_mode, children,
          stations: stations.filter((s) => s.zone === z.name).map((s) => s.id),
          meterA: z.meter ? meters.state(z.meter)?.lastReading?.currentsA ?? null : null,
          live: report && result ? {
            at: result.at, limitA: [...report.limitA], limitSources: report.sources.map(describeLimitSource),
            allocatedA: [...report.allocatedA], measuredA: [...report.evMeasuredA], reservedA: [...report.reservedA], meterLost: report.meterLost,
            ...(report.otherLoadsA ? { otherLoadsA: [...report.otherLoadsA] } : {}),
          } : null,
          warnings: warnings.get(z.name) ?? [],
        };
      });
    };
    const viewOf = async (name: string) => {
      const view = (await views()).find((v) => v.name === name);
      if (!view) throw notFound('zone', name);
      return view;
    };

    /** Checks the tree with `row` in place of `name`, that its meter exists (Z2) and is not a reporting one (Z7). */
    const check = async (name: string, row: ZoneRow): Promise<ZoneRow[]> => {
      const stored = await ctx.store.zones.list();
      const before = stored.map(specOf);
      const storedMeters = (await ctx.store.settings.getAll()).meters;
      const meters = (Array.isArray(storedMeters) ? storedMeters : []) as { name?: unknown; reporting?: unknown }[];
      if (row.meter !== null && !meters.some((m) => m.name === row.meter)) {
        throw unprocessable('meter-exists', `meter "${row.meter}" does not exist`, { field: 'body.meter', zone: row.name, rule: 'meter-exists' });
      }
      const reportingMeters = new Set(meters.filter((m) => m.reporting === true).map((m) => String(m.name)));
      const problems = zoneEditProblems(before, withZone(before, name, specOf(row)), { reportingMeters });
      const first = problems[0];
      if (first) {
        throw unprocessable(first.rule, first.message, {
          field: first.field, zone: first.zone, rule: first.rule, ...(first.rule === 'meter-not-reporting' ? { meter: row.meter } : {}), problems,
        });
      }
      return stored;
    };
    const rowOf = (name: string, body: Static<typeof ZoneBody>, position: number): ZoneRow => ({
      name, parent: body.parent ?? null, max_current_a: body.maxCurrentA, mode: body.mode, meter: body.meter ?? null,
      fallback_current_a: body.fallbackCurrentA ?? 0, auth_mode: body.authMode ?? null, offline_auth_mode: body.offlineAuthMode ?? null, position,
    });
    const nextPosition = (stored: readonly ZoneRow[], parent: string | null) =>
      Math.max(-1, ...stored.filter((z) => z.parent === parent).map((z) => z.position)) + 1;

    app.get('/zones', {
      config: { access: 'user' },
      schema: {
        tags: ['zones'], summary: 'The zone tree, depth first, with live limit, allocated and measured current per phase (W3, W4)',
        response: { 200: Type.Array(ZoneView), ...errors(401, 403) },
      },
    }, async () => views());

    app.get<{ Params: Static<typeof NameParams> }>('/zones/:name', {
      config: { access: 'user' },
      schema: { tags: ['zones'], summary: 'One zone with its live figures', params: NameParams, response: { 200: ZoneView, ...errors(401, 403, 404) } },
    }, async (request) => viewOf(request.params.name));

    app.post<{ Body: Static<typeof NewZoneBody> }>('/zones', {
      config: { access: 'admin' },
      schema: {
        tags: ['zones'], summary: 'Creates a zone (Z2 checked on the whole tree)',
        body: NewZoneBody, response: { 201: ZoneView, ...errors(400, 401, 403, 409, 422) },
      },
    }, async (request, reply) => {
      const { name, ...fields } = request.body;
      if (await ctx.store.zones.get(name)) throw conflict('duplicate-name', `a zone "${name}" exists already`, { field: 'body.name' });
      const stored = await ctx.store.zones.list();
      const row = rowOf(name, fields, nextPosition(stored, fields.parent ?? null));
      await check(name, row);
      await ctx.store.zones.upsert(row);
      await audit(ctx, request, 'zone.create', name, fields);
      await ctx.reload();
      return reply.status(201).send(await viewOf(name));
    });

    app.put<{ Params: Static<typeof NameParams>; Body: Static<typeof ZoneBody> }>('/zones/:name', {
      config: { access: 'admin' },
      schema: {
        tags: ['zones'], summary: "Replaces a zone's settings; a new maxCurrentA takes effect at once",
        description: 'Fields left out get their defaults (top level, no meter, fallback 0 A, inherited authentication). The name cannot change.',
        params: NameParams, body: ZoneBody, response: { 200: ZoneView, ...errors(400, 401, 403, 404, 422) },
      },
    }, async (request) => {
      const { name } = request.params;
      const current = await ctx.store.zones.get(name);
      if (!current) throw notFound('zone', name);
      const parent = request.body.parent ?? null;
      const stored = await ctx.store.zones.list();
      const row = rowOf(name, request.body, parent === current.parent ? current.position : nextPosition(stored, parent));
      // A client that does not know offlineAuthMode (older UI) keeps the zone's policy (B2).
      if (request.body.offlineAuthMode === undefined) row.offline_auth_mode = current.offline_auth_mode;
      await check(name, row);
      await ctx.store.zones.upsert(row);
      await audit(ctx, request, 'zone.update', name, request.body);
      await ctx.reload();
      return viewOf(name);
    });

    app.delete<{ Params: Static<typeof NameParams> }>('/zones/:name', {
      config: { access: 'admin' },
      schema: {
        tags: ['zones'], summary: 'Deletes a zone without sub-zones or stations',
        params: NameParams, response: { 200: OkSchema, ...errors(401, 403, 404, 409) },
      },
    }, async (request) => {
      const { name } = request.params;
      if (!(await ctx.store.zones.get(name))) throw notFound('zone', name);
      const children = (await ctx.store.zones.list()).filter((z) => z.parent === name).map((z) => z.name);
      if (children.length > 0) throw conflict('zone-has-children', `zone "${name}" has sub-zones: ${children.join(', ')}`, { zone: name, children });
      const stations = (await ctx.store.stations.list()).filter((s) => s.zone === name).map((s) => s.id);
      if (stations.length > 0) throw conflict('zone-has-stations', `zone "${name}" has stations: ${stations.join(', ')}; move them first`, { zone: name, stations });
      const tou = (await ctx.store.settings.getAll()).tou as { zonePeriods?: Record<string, string[]> } | undefined;
      await ctx.store.atomically(async (db) => {
        await ctx.store.zones.delete(name, db);
        if (tou?.zonePeriods && name in tou.zonePeriods) {
          const { [name]: _gone, ...zonePeriods } = tou.zonePeriods;
          await ctx.store.settings.set({ tou: { ...tou, zonePeriods } }, db);
        }
      });
      await audit(ctx, request, 'zone.delete', name);
      await ctx.reload();
      return { ok: true as const };
    });
  };
}
