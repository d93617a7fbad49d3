// Badges (B3, B4, W7): list with sorting, add, edit, delete, the seen unknown badges and their
// one-click enrollment, CSV import (replaces the whole list, all or nothing) and export.
import { Type, type Static } from '@sinclair/typebox';
import type { FastifyPluginAsync } from 'fastify';
import { formatBadgeCsv, MAX_BADGE_COMMENT_LENGTH, MAX_ID_TAG_LENGTH, parseBadgeCsv } from '../../services/badge-csv.js';
import type { BadgeRow } from '../../store/schema.js';
import { audit } from '../audit.js';
import type { ApiContext } from '../context.js';
import { badRequest, conflict, notFound, unprocessable } from '../errors.js';
import { errors, OkSchema } from '../schemas.js';

const Nullable = <T extends ReturnType<typeof Type.Number>>(t: T) => Type.Union([t, Type.Null()]);
const BadgeSchema = Type.Object({
  idTag: Type.String(), authorized: Type.Boolean(), vip: Type.Boolean(), comment: Type.String(),
  registeredAt: Type.Number({ description: 'epoch ms' }), lastSeenAt: Nullable(Type.Number({ description: 'epoch ms; null: never presented' })),
});
const SeenBadgeSchema = Type.Object({
  idTag: Type.String(), firstSeenAt: Type.Number(), lastSeenAt: Type.Number(), lastStationId: Type.String(), timesSeen: Type.Number(),
});
const IdTag = Type.String({ minLength: 1, maxLength: MAX_ID_TAG_LENGTH, description: 'RFID idTag, 1–20 characters' });
const Comment = Type.String({ maxLength: MAX_BADGE_COMMENT_LENGTH });
const BadgeFields = {
  authorized: Type.Optional(Type.Boolean({ description: 'may charge [true]' })),
  vip: Type.Optional(Type.Boolean({ description: '[false]' })),
  comment: Type.Optional(Comment),
};
const NewBadgeBody = Type.Object({ idTag: IdTag, ...BadgeFields }, { additionalProperties: false });
const BadgeUpdateBody = Type.Object(BadgeFields, { additionalProperties: false });
const IdTagParams = Type.Object({ idTag: IdTag });
const SORT_FIELDS = ['idTag', 'registeredAt', 'lastSeenAt', 'comment'] as const;
const ListQuery = Type.Object({
  sort: Type.Optional(Type.Unsafe<(typeof SORT_FIELDS)[number]>({ type: 'string', enum: [...SORT_FIELDS], description: '[idTag]' })),
  order: Type.Optional(Type.Unsafe<'asc' | 'desc'>({ type: 'string', enum: ['asc', 'desc'], description: '[asc]' })),
}, { additionalProperties: false });
const ImportResult = Type.Object({
  format: Type.Union([Type.Literal('fuseguard'), Type.Literal('station-export')]),
  count: Type.Number({ description: 'badges in the list now' }),
  removed: Type.Number({ description: 'badges that were in the list and are not in the file' }),
});

export const view = (b: BadgeRow) => ({
  idTag: b.id_tag, authorized: b.authorized === 1, vip: b.vip === 1, comment: b.comment, registeredAt: b.registered_at, lastSeenAt: b.last_seen_at,
});

export function badgesRoutes(ctx: ApiContext): FastifyPluginAsync {
  return async (app) => {
    const badges = ctx.store.badges;
    const list = ctx.store.badgeList;
    const get = async (idTag: string): Promise<BadgeRow> => {
      const badge = await badges.get(idTag);
      if (!badge) throw notFound('badge', idTag);
      return badge;
    };

    app.get<{ Querystring: Static<typeof ListQuery> }>('/badges', {
      config: { access: 'user' },
      schema: { tags: ['badges'], summary: 'Known badges, sorted', querystring: ListQuery, response: { 200: Type.Array(BadgeSchema), ...errors(400, 401, 403) } },
    }, async (request) => {
      const sort = request.query.sort ?? 'idTag';
      const sign = request.query.order === 'desc' ? -1 : 1;
      const rows = (await badges.list()).map(view);
      const key = (b: ReturnType<typeof view>) => b[sort];
      return rows.sort((a, b) => {
        const ka = key(a);
        const kb = key(b);
        if (ka === kb) return a.idTag < b.idTag ? -1 : 1;
        if (ka === null) return 1; // never seen: last either way
        if (kb === null) return -1;
        return (ka < kb ? -1 : 1) * sign;
      });
    });

    app.get('/badges/csv', {
      config: { access: 'user' },
      schema: {
        tags: ['badges'], summary: 'Exports the list in Fuseguard\'s CSV format (B4)',
        description: 'Columns: idTag,authorized,vip,comment,registeredAt,lastSeenAt (ISO 8601). Importing it gives the same list back.',
        produces: ['text/csv'], response: { 200: Type.String(), ...errors(401, 403) },
      },
    }, async (_request, reply) => {
      const rows = await badges.list();
      const csv = formatBadgeCsv(rows.map((b) => ({ ...view(b) })));
      return reply.type('text/csv; charset=utf-8').header('content-disposition', 'attachment; filename="badges.csv"').send(csv);
    });

    app.put('/badges/csv', {
      config: { access: 'user' },
      schema: {
        tags: ['badges'], summary: 'Imports a CSV file: it REPLACES the whole list (B4)',
        description: 'Body: `text/csv`. Fuseguard\'s own format (header `idTag,...`) or a station export (one idTag per line, extra columns ignored). '
          + 'Any malformed line: 422 `csv-invalid` with `details.errors` [{line, message}], and nothing is changed.',
        consumes: ['text/csv', 'text/plain'], response: { 200: ImportResult, ...errors(400, 401, 403, 422) },
      },
    }, async (request) => {
      if (typeof request.body !== 'string') throw badRequest('csv-expected', 'send the file as the body, with Content-Type text/csv', { field: 'body' });
      const parsed = parseBadgeCsv(request.body);
      if (!parsed.ok) {
        const shown = parsed.errors.slice(0, 5).map((e) => `line ${e.line}: ${e.message}`).join('; ');
        throw unprocessable('csv-invalid', `nothing imported; ${parsed.errors.length} bad line(s): ${shown}`, { field: 'body', errors: parsed.errors });
      }
      const at = ctx.now();
      const before = await badges.list();
      const kept = new Map(before.map((b) => [b.id_tag, b]));
      const rows: BadgeRow[] = parsed.badges.map((b) => ({
        id_tag: b.idTag, authorized: b.authorized ? 1 : 0, vip: b.vip ? 1 : 0, comment: b.comment,
        registered_at: b.registeredAt ?? kept.get(b.idTag)?.registered_at ?? at,
        last_seen_at: b.lastSeenAt ?? kept.get(b.idTag)?.last_seen_at ?? null,
      }));
      await ctx.store.atomically((db) => list.replaceAll(rows, db));
      const imported = new Set(rows.map((r) => r.id_tag));
      const removed = before.filter((b) => !imported.has(b.id_tag)).length;
      await audit(ctx, request, 'badge.import', null, { format: parsed.format, count: rows.length, removed });
      ctx.events.emit('badges.changed', { at: ctx.now() });
      await ctx.reload();
      return { format: parsed.format, count: rows.length, removed };
    });

    app.get('/seen-badges', {
      config: { access: 'user' },
      schema: { tags: ['badges'], summary: 'Unknown badges presented at stations, newest first, for enrollment (B3)', response: { 200: Type.Array(SeenBadgeSchema), ...errors(401, 403) } },
    }, async () => (await badges.listSeen()).map((s) => ({
      idTag: s.id_tag, firstSeenAt: s.first_seen_at, lastSeenAt: s.last_seen_at, lastStationId: s.last_station_id, timesSeen: s.times_seen,
    })));

    app.post<{ Params: Static<typeof IdTagParams>; Body: Static<typeof BadgeUpdateBody> }>('/seen-badges/:idTag/enroll', {
      config: { access: 'user' },
      schema: {
        tags: ['badges'], summary: 'Enrolls a seen badge with one click (authorized unless told otherwise)',
        params: IdTagParams, body: Type.Optional(BadgeUpdateBody), response: { 201: BadgeSchema, ...errors(400, 401, 403, 404, 409) },
      },
    }, async (request, reply) => {
      const { idTag } = request.params;
      const seen = await list.getSeen(idTag);
      if (!seen) throw notFound('seenBadge', idTag);
      if (await badges.get(idTag)) throw conflict('duplicate-badge', `badge "${idTag}" is enrolled already`, { field: 'params.idTag' });
      const body = request.body ?? {};
      await ctx.store.atomically((db) => badges.upsert({ id_tag: idTag, authorized: body.authorized === false ? 0 : 1, vip: body.vip ? 1 : 0, comment: body.comment ?? '' }, ctx.now(), db));
      await badges.touch(idTag, seen.last_seen_at);
      await audit(ctx, request, 'badge.enroll', idTag);
      ctx.events.emit('badges.changed', { at: ctx.now() });
      await ctx.reload();
      return reply.status(201).send(view(await get(idTag)));
    });

    app.delete<{ Params: Static<typeof IdTagParams> }>('/seen-badges/:idTag', {
      config: { access: 'user' },
      schema: { tags: ['badges'], summary: 'Forgets a seen badge without enrolling it', params: IdTagParams, response: { 200: OkSchema, ...errors(401, 403, 404) } },
    }, async (request) => {
      if (!(await list.deleteSeen(request.params.idTag))) throw notFound('seenBadge', request.params.idTag);
      await audit(ctx, request, 'badge.seen.dismiss', request.params.idTag);
      return { ok: true as const };
    });

    app.get<{ Params: Static<typeof IdTagParams> }>('/badges/:idTag', {
      config: { access: 'user' },
      schema: { tags: ['badges'], summary: 'One badge', params: IdTagParams, response: { 200: BadgeSchema, ...errors(401, 403, 404) } },
    }, async (request) => view(await get(request.params.idTag)));

    app.post<{ Body: Static<typeof NewBadgeBody> }>('/badges', {
      config: { access: 'user' },
      schema: { tags: ['badges'], summary: 'Adds a badge', body: NewBadgeBody, response: { 201: BadgeSchema, ...errors(400, 401, 403, 409) } },
    }, async (request, reply) => {
      const { idTag, authorized, vip, comment } = request.body;
      if (await badges.get(idTag)) throw conflict('duplicate-badge', `badge "${idTag}" exists already`, { field: 'body.idTag' });
      await ctx.store.atomically((db) => badges.upsert({ id_tag: idTag, authorized: authorized === false ? 0 : 1, vip: vip ? 1 : 0, comment: comment ?? '' }, ctx.now(), db));
      await audit(ctx, request, 'badge.create', idTag, { authorized: authorized !== false, vip: vip === true });
      ctx.events.emit('badges.changed', { at: ctx.now() });
      await ctx.reload();
      return reply.status(201).send(view(await get(idTag)));
    });

    app.patch<{ Params: Static<typeof IdTagParams>; Body: Static<typeof BadgeUpdateBody> }>('/badges/:idTag', {
      config: { access: 'user' },
      schema: { tags: ['badges'], summary: 'Changes a badge\'s flags or comment', params: IdTagParams, body: BadgeUpdateBody, response: { 200: BadgeSchema, ...errors(400, 401, 403, 404) } },
    }, async (request) => {
      const { idTag } = request.params;
      const { authorized, vip, comment } = request.body;
      const changes = {
        ...(authorized !== undefined ? { authorized: authorized ? 1 : 0 } : {}),
        ...(vip !== undefined ? { vip: vip ? 1 : 0 } : {}),
        ...(comment !== undefined ? { comment } : {}),
      };
      if (!(await list.update(idTag, changes))) throw notFound('badge', idTag);
      await audit(ctx, request, 'badge.update', idTag, request.body);
      ctx.events.emit('badges.changed', { at: ctx.now() });
      await ctx.reload();
      return view(await get(idTag));
    });

    app.delete<{ Params: Static<typeof IdTagParams> }>('/badges/:idTag', {
      config: { access: 'user' },
      schema: { tags: ['badges'], summary: 'Deletes a badge', params: IdTagParams, response: { 200: OkSchema, ...errors(401, 403, 404) } },
    }, async (request) => {
      if (!(await list.delete(request.params.idTag))) throw notFound('badge', request.params.idTag);
      await audit(ctx, request, 'badge.delete', request.params.idTag);
      ctx.events.emit('badges.changed', { at: ctx.now() });
      await ctx.reload();
      return { ok: true as const };
    });
  };
}
