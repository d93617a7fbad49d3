// A zone's history for the dashboard's chart (W4): limit, allocated and measured current per
// phase over the last hours, at the recorder's resolution (src/history/). The recorder follows
// the control loop's rounds from the moment this plugin is registered, and writes its open
// buckets when the server closes.
import { Type, type Static } from '@sinclair/typebox';
import type { FastifyPluginAsync } from 'fastify';
import { HISTORY_KEEP_MS, ZoneHistoryRecorder } from '../../history/zone-history.js';
import type { ApiContext } from '../context.js';
import { notFound } from '../errors.js';
import { errors } from '../schemas.js';

const PerPhase = Type.Array(Type.Number(), { minItems: 3, maxItems: 3, description: 'L1, L2, L3 in A' });
const Params = Type.Object({ name: Type.String({ minLength: 1, maxLength: 64 }) });
const Query = Type.Object({
  hours: Type.Optional(Type.Number({ exclusiveMinimum: 0, maximum: HISTORY_KEEP_MS / 3600_000, default: 6, description: 'how far back [6], at most 168 (7 days kept)' })),
}, { additionalProperties: false });
const Point = Type.Object({
  at: Type.Number({ description: "the bucket's start (epoch ms)" }),
  limitA: { ...PerPhase, description: 'the lowest limit of the bucket' },
  allocatedA: { ...PerPhase, description: 'the highest allocated current of the bucket' },
  measuredA: { ...PerPhase, description: "the highest sum of the vehicles' measured currents of the bucket" },
});
const History = Type.Object({
  zone: Type.String(),
  bucketS: Type.Number({ description: 'the resolution: one point per bucket of this many seconds' }),
  from: Type.Number(),
  to: Type.Number(),
  points: Type.Array(Point, { description: 'oldest first; the last one may be the bucket being filled' }),
});

export function zoneHistoryRoutes(ctx: ApiContext): FastifyPluginAsync {
  return async (app) => {
    const recorder = new ZoneHistoryRecorder(ctx.store.zoneHistory, {
      now: ctx.now,
      onError: (error) => ctx.log.error(`zone history not stored: ${error instanceof Error ? error.message : String(error)}`, { action: 'zone-history' }),
    });
    const unsubscribe = ctx.control?.onRound((result) => recorder.record(result));
    app.addHook('onClose', async () => {
      unsubscribe?.();
      await recorder.flush();
    });

    app.get<{ Params: Static<typeof Params>; Querystring: Static<typeof Query> }>('/zones/:name/history', {
      config: { access: 'user' },
      schema: {
        tags: ['zones'], summary: "A zone's limit, allocated and measured current per phase over the last hours (W4)",
        description: 'One point per 30 s bucket, holding the worst case of its window; kept 7 days.',
        params: Params, querystring: Query, response: { 200: History, ...errors(400, 401, 403, 404) },
      },
    }, async (request) => {
      const { name } = request.params;
      if (!(await ctx.store.zones.get(name))) throw notFound('zone', name);
      const to = ctx.now();
      const from = to - (request.query.hours ?? 6) * 3600_000;
      const points = await recorder.points(name, from - recorder.bucketMs);
      return { zone: name, bucketS: recorder.bucketMs / 1000, from, to, points: points.map(({ zone: _zone, ...p }) => p) };
    });
  };
}
