// The operator log (X1): time, level, station, action (command) and message, filtered, newest
// first. The table is bounded: EventLog prunes it to the newest 100 000 rows every 1 000 writes.
import { Type, type Static } from '@sinclair/typebox';
import type { FastifyPluginAsync } from 'fastify';
import type { ApiContext } from '../context.js';
import { badRequest } from '../errors.js';
import { errors } from '../schemas.js';

const Level = Type.Union([Type.Literal('debug'), Type.Literal('info'), Type.Literal('warn'), Type.Literal('error')]);
const TIME = 'epoch milliseconds or an ISO 8601 date-time';

export const LogsQuery = Type.Object({
  level: Type.Optional(Level),
  minLevel: Type.Optional({ ...Level, description: 'this level and the ones above it (warn: warn and error)' }),
  station: Type.Optional(Type.String({ maxLength: 64, description: 'station id' })),
  action: Type.Optional(Type.String({ maxLength: 64, description: 'what the line is about: an OCPP action, "meter", "control-loop", ...' })),
  since: Type.Optional(Type.String({ maxLength: 40, description: `from this time (included), ${TIME}` })),
  until: Type.Optional(Type.String({ maxLength: 40, description: `until this time (excluded), ${TIME}` })),
  text: Type.Optional(Type.String({ minLength: 1, maxLength: 200, description: 'the message contains this, in any case' })),
  before: Type.Optional(Type.Integer({ minimum: 1, description: 'only lines older than this id: the next page is ?before=<nextBefore>' })),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 200 })),
}, { additionalProperties: false });

const LogEntry = Type.Object({
  id: Type.Integer(), at: Type.Number(), time: Type.String(), level: Level,
  stationId: Type.Union([Type.String(), Type.Null()]), action: Type.Union([Type.String(), Type.Null()]), message: Type.String(),
});

/** A time given as epoch ms or ISO 8601, or a 400 that names the field. */
export function parseTime(value: string | undefined, field: string): number | undefined {
  if (value === undefined) return undefined;
  const at = /^\d+$/.test(value) ? Number(value) : Date.parse(value);
  if (!Number.isFinite(at)) throw badRequest('invalid-request', `${field}: must be ${TIME}`, [{ field, message: `must be ${TIME}` }]);
  return at;
}

export function logsRoutes(ctx: ApiContext): FastifyPluginAsync {
  return async (app) => {
    app.get<{ Querystring: Static<typeof LogsQuery> }>('/logs', {
      config: { access: 'admin' },
      schema: {
        tags: ['maintenance'], summary: 'The operator log, newest first, filtered (X1)',
        description: 'Bounded in size: the newest 100 000 lines are kept. Page with ?before=<nextBefore>.',
        querystring: LogsQuery,
        response: { 200: Type.Object({ entries: Type.Array(LogEntry), nextBefore: Type.Union([Type.Integer(), Type.Null()]) }), ...errors(400, 401, 403) },
      },
    }, async (request) => {
      const q = request.query;
      const limit = q.limit ?? 200;
      const rows = await ctx.store.logs.query({
        level: q.level, minLevel: q.minLevel, stationId: q.station, action: q.action, text: q.text, beforeId: q.before, limit,
        since: parseTime(q.since, 'querystring.since'), until: parseTime(q.until, 'querystring.until'),
      });
      return {
        entries: rows.map((r) => ({ id: r.id, at: r.at, time: new Date(r.at).toISOString(), level: r.level, stationId: r.station_id, action: r.action, message: r.message })),
        nextBefore: rows.length === limit ? rows[rows.length - 1].id : null,
      };
    });
  };
}
