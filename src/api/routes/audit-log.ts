// The audit log (S4): who changed which setting, when. Read-only; written by every change.
import { Type, type Static } from '@sinclair/typebox';
import type { FastifyPluginAsync } from 'fastify';
import type { ApiContext } from '../context.js';
import { errors } from '../schemas.js';
import { parseTime } from './logs.js';

const AuditQuery = Type.Object({
  actor: Type.Optional(Type.String({ maxLength: 128, description: 'a login, or token:<name> for an API token' })),
  action: Type.Optional(Type.String({ maxLength: 64, description: 'e.g. user.create, backup.restore, maintenance.factory-reset' })),
  since: Type.Optional(Type.String({ maxLength: 40, description: 'from this time (included), epoch ms or ISO 8601' })),
  until: Type.Optional(Type.String({ maxLength: 40, description: 'until this time (excluded), epoch ms or ISO 8601' })),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 5000, default: 500 })),
}, { additionalProperties: false });

const AuditEntry = Type.Object({
  id: Type.Integer(), at: Type.Number(), time: Type.String(), actor: Type.String(), action: Type.String(),
  target: Type.Union([Type.String(), Type.Null()]), details: Type.Unknown({ description: 'what changed; never a secret' }),
});

export function auditLogRoutes(ctx: ApiContext): FastifyPluginAsync {
  return async (app) => {
    app.get<{ Querystring: Static<typeof AuditQuery> }>('/audit', {
      config: { access: 'admin' },
      schema: {
        tags: ['maintenance'], summary: 'Who changed what, when, newest first (S4)', querystring: AuditQuery,
        response: { 200: Type.Object({ entries: Type.Array(AuditEntry) }), ...errors(400, 401, 403) },
      },
    }, async (request) => {
      const q = request.query;
      const rows = await ctx.store.audit.list({
        actor: q.actor, action: q.action, limit: q.limit ?? 500,
        since: parseTime(q.since, 'querystring.since'), until: parseTime(q.until, 'querystring.until'),
      });
      return {
        entries: rows.map((r) => ({
          id: r.id, at: r.at, time: new Date(r.at).toISOString(), actor: r.actor, action: r.action, target: r.target,
          details: r.details === null ? null : JSON.parse(r.details) as unknown,
        })),
      };
    });
  };
}
