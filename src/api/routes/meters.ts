// Power meters (P1-P3, Z7, W8): the list stored under the settings key `meters`, checked with
// validateMeterConfigs against the loaded register maps, and against the zones (a reporting
// meter drives no dynamic zone, Z7); "test connection"; live status.
import { Type, type Static } from '@sinclair/typebox';
import type { FastifyPluginAsync } from 'fastify';
import { loadRegisterMaps, MeterConfigSchema, testConnection, validateMeterConfigs, type MeterConfigInput, type MeterReading } from '../../meters/index.js';
import { resolveSettings } from '../../site/settings.js';
import { audit } from '../audit.js';
import type { ApiContext } from '../context.js';
import { badRequest, conflict, notFound, unprocessable } from '../errors.js';
import { errors, OkSchema } from '../schemas.js';

const NameParams = Type.Object({ name: Type.String({ minLength: 1, maxLength: 64 }) });
const MeterBody = Type.Omit(MeterConfigSchema, ['name'], { additionalProperties: false });
const PerPhase = Type.Array(Type.Number(), { minItems: 3, maxItems: 3, description: 'L1, L2, L3 in A' });
const ReadingSchema = Type.Object({
  currentsA: PerPhase,
  powerW: Type.Union([Type.Number(), Type.Null()]),
  energyWh: Type.Union([Type.Number(), Type.Null()]),
  at: Type.Number(),
});
const StatusSchema = Type.Object({
  status: Type.String({ description: 'connected | not-connected | error | not-polled (not in the running poller yet)' }),
  reason: Type.Union([Type.String(), Type.Null()], { description: 'why it is not connected or in error' }),
  lost: Type.Boolean({ description: 'no valid reading for 3 polling periods: its zone runs on the fallback current (D4)' }),
  since: Type.Union([Type.Number(), Type.Null()]),
  lastReading: Type.Union([ReadingSchema, Type.Null()]),
});
const MeterView = Type.Composite([MeterConfigSchema, Type.Object({
  usedBy: Type.Union([Type.String(), Type.Null()], { description: 'the zone whose switchboard it measures' }),
  state: StatusSchema,
})]);
const TestAnswer = Type.Object({
  ok: Type.Boolean(),
  reason: Type.Optional(Type.String()),
  reading: Type.Optional(ReadingSchema),
});

const showReading = (r: MeterReading | null) => (r ? { currentsA: [...r.currentsA], powerW: r.powerW, energyWh: r.energyWh, at: r.at } : null);

export function metersRoutes(ctx: ApiContext): FastifyPluginAsync {
  return async (app) => {
    const listOf = (meters: unknown): MeterConfigInput[] => (Array.isArray(meters) ? (meters as MeterConfigInput[]) : []);
    const stored = async (): Promise<MeterConfigInput[]> => listOf((await ctx.store.settings.getAll()).meters);
    const maps = async () => (await loadRegisterMaps(resolveSettings(await ctx.store.settings.getAll()).registerMapsDir || undefined)).maps;
    const owners = async () => new Map((await ctx.store.zones.list()).filter((z) => z.meter !== null).map((z) => [z.meter as string, z.name]));
    const view = (m: MeterConfigInput, usedBy: string | null) => {
      const state = ctx.meters().state(m.name);
      return {
        ...m, usedBy,
        state: state
          ? { status: state.status, reason: state.reason, lost: state.lost, since: state.since, lastReading: showReading(state.lastReading) }
          : { status: 'not-polled', reason: 'not in the running poller', lost: true, since: null, lastReading: null },
      };
    };
    const find = async (name: string) => {
      const meters = await stored();
      const index = meters.findIndex((m) => m.name === name);
      if (index < 0) throw notFound('meter', name);
      return { meters, index };
    };
    /** Z7: a reporting meter is part of no allocation, so it cannot be the one a dynamic zone runs on. */
    const checkReporting = async (meter: MeterConfigInput): Promise<void> => {
      if (meter.reporting !== true) return;
      const zone = (await ctx.store.zones.list()).find((z) => z.mode === 'dynamic' && z.meter === meter.name);
      if (!zone) return;
      throw unprocessable('meter-not-reporting',
        `meter "${meter.name}" drives dynamic zone "${zone.name}": it cannot be a reporting meter (monitoring only, Z7); give the zone another meter first`,
        { field: 'body.reporting', meter: meter.name, zone: zone.name, rule: 'meter-not-reporting' });
    };
    /**
     * Changes the stored list in one transaction (`change` gets the list as it is then, so that two
     * edits at once never lose one, issue 16) after checking it as the poller will (P1, unique
     * names, known maps): 422 naming the field of the meter at `indexOf` the new list.
     */
    const save = async (change: (meters: MeterConfigInput[]) => { meters: MeterConfigInput[]; index: number }): Promise<void> => {
      const mapNames = new Set((await maps()).keys());
      await ctx.store.settings.update('meters', (current) => {
        const { meters, index } = change(listOf(current));
        const validation = validateMeterConfigs(meters, mapNames);
        if (!validation.ok) {
          const prefix = `/${index}/`;
          const mine = validation.errors.filter((e) => e.path.startsWith(prefix));
          const first = mine[0] ?? validation.errors[0];
          const field = `body.${first.path.slice(prefix.length).replaceAll('/', '.')}`;
          throw unprocessable('invalid-meter', `${field}: ${first.message}`, { field, problems: mine.length > 0 ? mine : validation.errors });
        }
        return meters;
      });
    };
    const indexOf = (meters: MeterConfigInput[], name: string): number => {
      const index = meters.findIndex((m) => m.name === name);
      if (index < 0) throw notFound('meter', name);
      return index;
    };

    app.get('/meters', {
      config: { access: 'user' },
      schema: { tags: ['meters'], summary: 'Meters with their live state (P1): connected, not connected, error and why, last reading', response: { 200: Type.Array(MeterView), ...errors(401, 403) } },
    }, async () => {
      const usedBy = await owners();
      return (await stored()).map((m) => view(m, usedBy.get(m.name) ?? null));
    });

    app.get<{ Params: Static<typeof NameParams> }>('/meters/:name', {
      config: { access: 'user' },
      schema: { tags: ['meters'], summary: 'One meter with its live state', params: NameParams, response: { 200: MeterView, ...errors(401, 403, 404) } },
    }, async (request) => {
      const { meters, index } = await find(request.params.name);
      return view(meters[index], (await owners()).get(request.params.name) ?? null);
    });

    app.post<{ Body: MeterConfigInput }>('/meters', {
      config: { access: 'admin' },
      schema: { tags: ['meters'], summary: 'Adds a meter; it is polled at once', body: MeterConfigSchema, response: { 201: MeterView, ...errors(400, 401, 403, 409, 422) } },
    }, async (request, reply) => {
      await checkReporting(request.body);
      await save((meters) => {
        if (meters.some((m) => m.name === request.body.name)) throw conflict('duplicate-name', `a meter "${request.body.name}" exists already`, { field: 'body.name' });
        return { meters: [...meters, request.body], index: meters.length };
      });
      await audit(ctx, request, 'meter.create', request.body.name, request.body);
      await ctx.reload();
      return reply.status(201).send(view(request.body, null));
    });

    app.put<{ Params: Static<typeof NameParams>; Body: Static<typeof MeterBody> }>('/meters/:name', {
      config: { access: 'admin' },
      schema: {
        tags: ['meters'], summary: "Replaces a meter's settings (the name stays); polling restarts with them",
        params: NameParams, body: MeterBody, response: { 200: MeterView, ...errors(400, 401, 403, 404, 422) },
      },
    }, async (request) => {
      const { name } = request.params;
      await find(name);
      const meter: MeterConfigInput = { name, ...request.body };
      await checkReporting(meter);
      await save((meters) => {
        const index = indexOf(meters, name);
        return { meters: meters.map((m, i) => (i === index ? meter : m)), index };
      });
      await audit(ctx, request, 'meter.update', name, request.body);
      await ctx.reload();
      return view(meter, (await owners()).get(name) ?? null);
    });

    app.delete<{ Params: Static<typeof NameParams> }>('/meters/:name', {
      config: { access: 'admin' },
      schema: { tags: ['meters'], summary: 'Deletes a meter that no zone uses', params: NameParams, response: { 200: OkSchema, ...errors(401, 403, 404, 409) } },
    }, async (request) => {
      const { name } = request.params;
      await find(name);
      const zone = (await owners()).get(name);
      if (zone !== undefined) throw conflict('meter-in-use', `meter "${name}" measures zone "${zone}"; change the zone first`, { meter: name, zone });
      await ctx.store.settings.update('meters', (current) => {
        const meters = listOf(current);
        const index = indexOf(meters, name);
        return meters.filter((_, i) => i !== index);
      });
      await audit(ctx, request, 'meter.delete', name);
      await ctx.reload();
      return { ok: true as const };
    });

    const runTest = async (meter: MeterConfigInput) => {
      const known = await maps();
      const validation = validateMeterConfigs([meter], new Set(known.keys()));
      if (!validation.ok) {
        const first = validation.errors[0];
        const field = `body.${first.path.replace(/^\/0\//, '').replaceAll('/', '.')}`;
        throw badRequest('invalid-meter', `${field}: ${first.message}`, { field, problems: validation.errors });
      }
      const result = await testConnection(validation.configs[0], known, { timeoutMs: 2_000, now: ctx.now });
      return result.ok ? { ok: true, reading: showReading(result.reading) ?? undefined } : { ok: false, reason: result.reason };
    };

    app.post<{ Params: Static<typeof NameParams> }>('/meters/:name/test', {
      config: { access: 'admin' },
      schema: {
        tags: ['meters'], summary: 'Test connection: one connection and one reading of a stored meter',
        description: 'Answers 200 either way: ok with the reading, or not ok with the reason.',
        params: NameParams, response: { 200: TestAnswer, ...errors(401, 403, 404) },
      },
    }, async (request) => {
      const { meters, index } = await find(request.params.name);
      return runTest(meters[index]);
    });

    app.post<{ Body: MeterConfigInput }>('/meters/test', {
      config: { access: 'admin' },
      schema: {
        tags: ['meters'], summary: 'Test connection of a meter before it is saved (the commissioning assistant)',
        body: MeterConfigSchema, response: { 200: TestAnswer, ...errors(400, 401, 403) },
      },
    }, async (request) => runTest(request.body));
  };
}
