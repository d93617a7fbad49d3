// Charging sessions (O7, O8, W3, W10): filtered pages, one session, stop and force stop, and the
// CSV export of a period with each session's energy split between the TOU periods.
import { Type, type Static } from '@sinclair/typebox';
import type { FastifyPluginAsync } from 'fastify';
import type { TouConfig } from '../../domain/limits/tou.js';
import { sessionCsvStream } from '../../services/session-csv-stream.js';
import type { SessionQuery } from '../../store/repositories/session-query-repository.js';
import type { TransactionRow } from '../../store/schema.js';
import type { ApiContext } from '../context.js';
import { badRequest, conflict, notFound } from '../errors.js';
import { errors } from '../schemas.js';
import { CommandOutcome, forceStop, sendCommand } from './station-actions.js';

const N = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([Type.Null(), t]);
const SessionView = Type.Object({
  transactionId: Type.Number(), stationId: Type.String(), connectorId: Type.Number(), idTag: Type.String(),
  authStatus: Type.String({ description: 'the badge decision at the start' }), ongoing: Type.Boolean(),
  startAt: Type.Number(), stopAt: N(Type.Number()), meterStartWh: Type.Number(), meterStopWh: N(Type.Number()),
  energyWh: Type.Number({ description: 'so far, for an ongoing session' }), lastMeterAt: N(Type.Number()),
  stopReason: N(Type.String()), stopIdTag: N(Type.String()),
  anomalies: Type.Array(Type.String(), {
    description: 'what Fuseguard corrected in what the station sent (docs/api-operations.md): start-time, stop-time, stop-before-start, meter-start, meter-stop, meter-stop-below-start, superseded',
  }),
});
const Page = Type.Object({ total: Type.Number(), offset: Type.Number(), limit: Type.Number(), items: Type.Array(SessionView) });
const Time = (what: string) => Type.String({ minLength: 1, maxLength: 40, description: `${what}: ISO 8601 (e.g. 2025-01-31 or 2025-01-31T18:00:00+01:00) or epoch ms` });
const FilterFields = {
  from: Type.Optional(Time('sessions that started at or after')),
  to: Type.Optional(Time('sessions that started before')),
  station: Type.Optional(Type.String({ minLength: 1, maxLength: 48 })),
  badge: Type.Optional(Type.String({ minLength: 1, maxLength: 20, description: 'idTag' })),
};
const ListQuery = Type.Object({
  ongoing: Type.Optional(Type.Boolean({ description: 'only sessions not stopped yet [false: all]' })),
  ...FilterFields,
  offset: Type.Optional(Type.Integer({ minimum: 0, description: '[0]' })),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, description: '[50]' })),
}, { additionalProperties: false });
const ExportQuery = Type.Object({
  ...FilterFields,
  // The export takes the sessions that overlap its period, not those that started in it (issue 16, item 3).
  from: Type.Optional(Time('the period\'s start: sessions still going at it or started after it')),
  to: Type.Optional(Time('the period\'s end (excluded): sessions that started before it')),
  ongoing: Type.Optional(Type.Boolean()),
}, { additionalProperties: false });
const IdParams = Type.Object({ id: Type.Integer({ minimum: 1, description: 'transaction number' }) });
const ForceStopResult = Type.Object({ transactionId: Type.Number(), meterStopWh: Type.Number(), energyWh: Type.Number() });

const sessionView = (t: TransactionRow) => ({
  transactionId: t.id, stationId: t.station_id, connectorId: t.connector_id, idTag: t.id_tag, authStatus: t.auth_status,
  ongoing: t.stop_at === null, startAt: t.start_at, stopAt: t.stop_at, meterStartWh: t.meter_start_wh, meterStopWh: t.meter_stop_wh,
  energyWh: t.energy_wh ?? Math.max(0, (t.last_meter_wh ?? t.meter_start_wh) - t.meter_start_wh), lastMeterAt: t.last_meter_at,
  stopReason: t.stop_reason, stopIdTag: t.stop_id_tag, anomalies: t.anomalies ? t.anomalies.split(',') : [],
});

function parseTime(value: string | undefined, field: string): number | undefined {
  if (value === undefined) return undefined;
  const at = /^\d+$/.test(value) ? Number(value) : Date.parse(value);
  if (!Number.isFinite(at)) throw badRequest('invalid-request', `${field}: "${value}" is not a date`, [{ field, message: 'is not a date' }]);
  return at;
}

function toQuery(q: { from?: string; to?: string; station?: string; badge?: string; ongoing?: boolean }): SessionQuery {
  return {
    fromAt: parseTime(q.from, 'querystring.from'), toAt: parseTime(q.to, 'querystring.to'),
    stationId: q.station, idTag: q.badge, ongoing: q.ongoing,
  };
}

export function sessionsRoutes(ctx: ApiContext): FastifyPluginAsync {
  return async (app) => {
    const sessions = ctx.store.sessionQuery;
    const get = async (id: number): Promise<TransactionRow> => {
      const tx = await ctx.store.transactions.get(id);
      if (!tx) throw notFound('session', String(id));
      return tx;
    };

    app.get<{ Querystring: Static<typeof ListQuery> }>('/sessions', {
      config: { access: 'user' },
      schema: { tags: ['sessions'], summary: 'Sessions, newest first, filtered and paginated (W3)', querystring: ListQuery, response: { 200: Page, ...errors(400, 401, 403) } },
    }, async (request) => {
      const query = toQuery(request.query);
      const offset = request.query.offset ?? 0;
      const limit = request.query.limit ?? 50;
      const [total, rows] = await Promise.all([sessions.count(query), sessions.page(query, offset, limit)]);
      return { total, offset, limit, items: rows.map(sessionView) };
    });

    app.get<{ Querystring: Static<typeof ExportQuery> }>('/sessions/csv', {
      config: { access: 'user' },
      schema: {
        tags: ['sessions'], summary: 'CSV export of the sessions of a period (W10), with their energy per TOU period',
        description: 'The sessions that overlap [from, to): started before `to`, and still going at `from` or started after it. '
          + 'Columns: transaction, station, connector, idTag, chargeType, start, end, energyKWh, socketType, duration, comment (the badge\'s), '
          + 'chargeBoxIdentity, NoPeriod (energy outside every TOU period), then `tou:<period> kWh` for each TOU period. '
          + 'start, end and duration are the session\'s; the energy columns are its energy within [from, to) (the whole session without them), '
          + 'from its Energy.Active.Import.Register readings, linearly between them (from its start and stop registers alone when it has none).',
        querystring: ExportQuery, produces: ['text/csv'], response: { 200: Type.String(), ...errors(400, 401, 403) },
      },
    }, async (request, reply) => {
      const query = toQuery(request.query);
      const tou = ((await ctx.store.settings.getAll()).tou as TouConfig | undefined) ?? null;
      // Streamed, a page of sessions at a time (issue 14, row 6): any size, and the server keeps answering.
      return reply.type('text/csv; charset=utf-8').header('content-disposition', 'attachment; filename="sessions.csv"')
        .send(sessionCsvStream(ctx.store, query, tou, ctx.now()));
    });

    app.get<{ Params: Static<typeof IdParams> }>('/sessions/:id', {
      config: { access: 'user' },
      schema: { tags: ['sessions'], summary: 'One session', params: IdParams, response: { 200: SessionView, ...errors(400, 401, 403, 404) } },
    }, async (request) => sessionView(await get(request.params.id)));

    app.post<{ Params: Static<typeof IdParams> }>('/sessions/:id/stop', {
      config: { access: 'user' },
      schema: {
        tags: ['sessions'], summary: 'Asks the station to stop the session (RemoteStopTransaction); the outcome is the station\'s answer',
        params: IdParams, response: { 200: CommandOutcome, ...errors(400, 401, 403, 404, 409) },
      },
    }, async (request) => {
      const tx = await get(request.params.id);
      if (tx.stop_at !== null) throw conflict('not-ongoing', `session ${tx.id} is not ongoing`);
      return sendCommand(ctx, request, tx.station_id, 'RemoteStopTransaction', { transactionId: tx.id }, 'session.stop');
    });

    app.post<{ Params: Static<typeof IdParams> }>('/sessions/:id/force-stop', {
      config: { access: 'user' },
      schema: {
        tags: ['sessions'], summary: 'Force stop (O8): closes the session at its last known reading, without the station',
        params: IdParams, response: { 200: ForceStopResult, ...errors(400, 401, 403, 404, 409) },
      },
    }, async (request) => {
      await get(request.params.id);
      return forceStop(ctx, request, request.params.id);
    });
  };
}
