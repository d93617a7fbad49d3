// Time of use (M1, W8): the periods, the zone × period matrix, and the summary table. Stored
// under the settings key `tou`, checked with the domain's own rules (validateTouConfig).
import { Type, type Static } from '@sinclair/typebox';
import type { FastifyPluginAsync } from 'fastify';
import { periodAppliesToZone, touSummary, validateTouConfig, type TouConfig } from '../../domain/index.js';
import { TouSchema, type SiteTou } from '../../site/site-schema.js';
import { audit } from '../audit.js';
import type { ApiContext } from '../context.js';
import { unprocessable } from '../errors.js';
import { errors } from '../schemas.js';

const MatrixSchema = Type.Object({
  periods: Type.Array(Type.String(), { description: 'every period, in order' }),
  zones: Type.Array(Type.Object({
    zone: Type.String(),
    periods: Type.Array(Type.String(), { description: 'the periods that apply to this zone' }),
    allPeriods: Type.Boolean({ description: 'true: not listed, every period applies, also those added later [default]' }),
  })),
});
const MatrixBody = Type.Object({
  zonePeriods: Type.Record(Type.String(), Type.Array(Type.String()), { description: 'zone → the periods that apply to it; a zone left out gets every period' }),
}, { additionalProperties: false });
const SummarySchema = Type.Object({
  enabled: Type.Boolean(),
  zones: Type.Array(Type.Object({
    zone: Type.String(),
    nominalA: Type.Number(),
    periods: Type.Array(Type.Object({
      period: Type.String(), pct: Type.Number(), enabled: Type.Boolean(),
      currentA: Type.Union([Type.Number(), Type.Null()], { description: 'null: the period does not apply to this zone' }),
    })),
  })),
});

const DEFAULT_TOU: SiteTou = { enabled: false, timeZone: Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC', periods: [], zonePeriods: {} };

/** The field of a TOU rule's subject, for the error's details. */
function fieldOf(config: SiteTou, rule: string, subject: string): string {
  if (rule === 'time-zone') return 'body.timeZone';
  if (rule === 'too-many-periods' || rule === 'too-many-slots') return 'body.periods';
  if (rule === 'matrix-zone' || rule === 'matrix-period') return `body.zonePeriods.${subject}`;
  const i = config.periods.findIndex((p) => p.name === subject);
  const leaf = { 'period-name': 'name', 'pct-range': 'pct', weekdays: 'weekdays', 'slot-time': 'slots' }[rule] ?? '';
  return i < 0 ? 'body.periods' : `body.periods.${i}${leaf ? `.${leaf}` : ''}`;
}

export function touRoutes(ctx: ApiContext): FastifyPluginAsync {
  return async (app) => {
    const stored = async (): Promise<SiteTou> => ({ ...DEFAULT_TOU, ...((await ctx.store.settings.getAll()).tou as SiteTou | undefined) });
    const zoneNames = async () => (await ctx.store.zones.list()).map((z) => z.name);
    const save = async (tou: SiteTou, bodyOf: (tou: SiteTou, rule: string, subject: string) => string): Promise<void> => {
      const problems = validateTouConfig(tou as TouConfig, await zoneNames());
      const first = problems[0];
      if (first) throw unprocessable(first.rule, first.message, { field: bodyOf(tou, first.rule, first.subject), rule: first.rule, problems });
      await ctx.store.settings.set({ tou });
    };

    app.get('/tou', {
      config: { access: 'user' },
      schema: { tags: ['tou'], summary: 'Time of use (M1): on/off, time zone, periods and the zone matrix', response: { 200: TouSchema, ...errors(401, 403) } },
    }, async () => stored());

    app.put<{ Body: Static<typeof TouSchema> }>('/tou', {
      config: { access: 'admin' },
      schema: {
        tags: ['tou'], summary: 'Replaces the time of use configuration; it applies at once',
        description: 'At most 5 periods and 20 timeslots in all. Without zonePeriods the stored matrix is kept.',
        body: TouSchema, response: { 200: TouSchema, ...errors(400, 401, 403, 422) },
      },
    }, async (request) => {
      const tou: SiteTou = { ...request.body, zonePeriods: request.body.zonePeriods ?? (await stored()).zonePeriods ?? {} };
      // Renamed or removed periods leave the matrix: a matrix naming them would be refused.
      if (request.body.zonePeriods === undefined) {
        const names = new Set(tou.periods.map((p) => p.name));
        tou.zonePeriods = Object.fromEntries(Object.entries(tou.zonePeriods ?? {}).map(([z, ps]) => [z, ps.filter((p) => names.has(p))]));
      }
      await save(tou, fieldOf);
      await audit(ctx, request, 'tou.update', null, { enabled: tou.enabled, periods: tou.periods.map((p) => p.name) });
      await ctx.reload();
      return tou;
    });

    app.get('/tou/matrix', {
      config: { access: 'user' },
      schema: { tags: ['tou'], summary: 'The zone × period matrix: which periods apply to which zones (M1)', response: { 200: MatrixSchema, ...errors(401, 403) } },
    }, async () => {
      const tou = await stored();
      const periods = tou.periods.map((p) => p.name);
      return {
        periods,
        zones: (await zoneNames()).map((zone) => ({
          zone, periods: periods.filter((p) => periodAppliesToZone(tou as TouConfig, p, zone)), allPeriods: tou.zonePeriods?.[zone] === undefined,
        })),
      };
    });

    app.put<{ Body: Static<typeof MatrixBody> }>('/tou/matrix', {
      config: { access: 'admin' },
      schema: {
        tags: ['tou'], summary: 'Replaces the zone × period matrix',
        body: MatrixBody, response: { 200: TouSchema, ...errors(400, 401, 403, 422) },
      },
    }, async (request) => {
      const tou = { ...(await stored()), zonePeriods: request.body.zonePeriods };
      await save(tou, (t, rule, subject) => (rule.startsWith('matrix') ? `body.zonePeriods.${subject}` : fieldOf(t, rule, subject)));
      await audit(ctx, request, 'tou.matrix', null, request.body);
      await ctx.reload();
      return tou;
    });

    app.get('/tou/summary', {
      config: { access: 'user' },
      schema: { tags: ['tou'], summary: 'Per zone: the nominal current and the current in each period (M1 summary table)', response: { 200: SummarySchema, ...errors(401, 403) } },
    }, async () => {
      const tou = await stored();
      const zones = (await ctx.store.zones.list()).map((z) => ({ name: z.name, maxCurrentA: z.max_current_a }));
      return { enabled: tou.enabled, zones: touSummary(zones, tou as TouConfig) };
    });
  };
}
