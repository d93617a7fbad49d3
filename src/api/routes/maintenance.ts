// Maintenance (X2-X5): report, backup, restore, factory reset, restart. Admins only.
import { Type, type Static } from '@sinclair/typebox';
import type { FastifyPluginAsync } from 'fastify';
import { reconcileConnections } from '../../app/external-changes.js';
import { VERSION } from '../../app/version.js';
import { BackupError, checkPassphrase, openBackup, sealBackup } from '../../maintenance/backup-format.js';
import { renderReport } from '../../maintenance/report.js';
import { gatherReport } from '../../maintenance/report-data.js';
import {
  BACKUP_TABLES, BackupContentsError, checkBackupContents, countTables, factoryAdminRow, factoryReset, readBackupContents, restoreBackupContents,
  type TableCounts,
} from '../../maintenance/site-data.js';
import { audit } from '../audit.js';
import type { ApiContext } from '../context.js';
import { ApiError, badRequest, unprocessable } from '../errors.js';
import { errors } from '../schemas.js';
import { auditLogRoutes } from './audit-log.js';
import { eventsRoutes } from './events.js';
import { logsRoutes } from './logs.js';
import { metricsRoutes } from './metrics.js';

export const FACTORY_RESET_CONFIRMATION = 'FACTORY RESET';
export const PASSPHRASE_HEADER = 'x-backup-passphrase';

const BackupBody = Type.Object({
  passphrase: Type.String({ minLength: 8, maxLength: 1024, description: 'encrypts the file; needed to restore it' }),
}, { additionalProperties: false });
const RestoreQuery = Type.Object({
  withoutCredentials: Type.Optional(Type.Boolean({ default: false, description: 'keep the current users; restore everything else' })),
  dryRun: Type.Optional(Type.Boolean({ default: false, description: 'check the file and passphrase, and say what would be replaced; change nothing' })),
}, { additionalProperties: false });
const RestoreHeaders = Type.Object({
  [PASSPHRASE_HEADER]: Type.String({ minLength: 1, maxLength: 1024, description: 'the passphrase the backup was made with' }),
});
const Counts = Type.Record(Type.String(), Type.Integer());
const RestoreAnswer = Type.Object({
  ok: Type.Literal(true), dryRun: Type.Boolean(), withoutCredentials: Type.Boolean(),
  backup: Type.Object({ createdAt: Type.Number(), fuseguardVersion: Type.String(), counts: Counts }),
  replaced: Counts,
  warning: Type.String(),
});
const ResetBody = Type.Object({
  confirm: Type.Literal(FACTORY_RESET_CONFIRMATION, { description: `type "${FACTORY_RESET_CONFIRMATION}" to confirm` }),
}, { additionalProperties: false });
const ResetAnswer = Type.Object({
  ok: Type.Literal(true),
  deleted: Type.Object({ stations: Type.Integer(), zones: Type.Integer(), badges: Type.Integer(), sessions: Type.Integer(), users: Type.Integer() }),
  message: Type.String(),
});

const LOST_WITH_CREDENTIALS = 'everything below is replaced by the backup (the relay\'s undelivered messages to the CPO and the CPO\'s caps too), and every browser session ends (log in with the restored credentials)';
const LOST_WITHOUT_CREDENTIALS = 'everything below is replaced by the backup (the relay\'s undelivered messages to the CPO and the CPO\'s caps too); users, their sessions and API tokens are kept';

function backupProblem(error: unknown): never {
  if (error instanceof BackupError) throw unprocessable(error.code, error.message);
  if (error instanceof BackupContentsError) throw unprocessable(error.code, error.message);
  throw error;
}

const stamp = (at: number) => new Date(at).toISOString().replace(/[:.]/g, '-').slice(0, 19);

function maintenanceEndpoints(ctx: ApiContext): FastifyPluginAsync {
  return async (app) => {
    app.get('/maintenance/report', {
      config: { access: 'admin' },
      schema: {
        tags: ['maintenance'], summary: 'The maintenance report: one self-contained HTML file (X2)',
        description: 'Version, uptime, resources, configuration summary, stations and meters with their states, recent warnings and errors.',
        produces: ['text/html'], response: { 200: Type.String({ description: 'text/html' }), ...errors(401, 403) },
      },
    }, async (_request, reply) => {
      const html = renderReport(await gatherReport(ctx));
      return reply.type('text/html; charset=utf-8')
        .header('content-disposition', `attachment; filename="fuseguard-report-${stamp(ctx.now())}.html"`)
        .send(html);
    });

    app.post<{ Body: Static<typeof BackupBody> }>('/maintenance/backup', {
      config: { access: 'admin' },
      schema: {
        tags: ['maintenance'], summary: 'Downloads an encrypted backup (X3)',
        description: 'Users (password hashes only), stations and connectors, zones, settings (meters, network, authentication, TOU, inputs), badges, sessions and their meter samples. AES-256-GCM, key from the passphrase by scrypt.',
        body: BackupBody, produces: ['application/octet-stream'],
        response: { 200: Type.String({ format: 'binary' }), ...errors(400, 401, 403, 422) },
      },
    }, async (request, reply) => {
      try {
        checkPassphrase(request.body.passphrase);
      } catch (error) {
        backupProblem(error);
      }
      const at = ctx.now();
      const contents = await readBackupContents(ctx.store.db, at, VERSION);
      const file = await sealBackup(contents, request.body.passphrase);
      await audit(ctx, request, 'backup.create', null, { bytes: file.length, counts: countsOf(contents.tables) });
      return reply.type('application/octet-stream')
        .header('content-disposition', `attachment; filename="fuseguard-backup-${stamp(at)}.fgbackup"`)
        .send(file);
    });

    app.post<{ Querystring: Static<typeof RestoreQuery>; Headers: Static<typeof RestoreHeaders> }>('/maintenance/restore', {
      config: { access: 'admin' },
      schema: {
        tags: ['maintenance'], summary: 'Restores a backup during operation (X3)',
        description: `Send the file as application/octet-stream and its passphrase in the ${PASSPHRASE_HEADER} header. Everything is replaced in one transaction, `
          + 'then the running parts reload; a wrong passphrase or a damaged file changes nothing (422). Try ?dryRun=true first to see what would be replaced.',
        querystring: RestoreQuery, headers: RestoreHeaders, consumes: ['application/octet-stream'],
        response: { 200: RestoreAnswer, ...errors(400, 401, 403, 415, 422) },
      },
    }, async (request) => {
      const file = request.body;
      if (!Buffer.isBuffer(file) || file.length === 0) throw badRequest('invalid-request', 'send the backup file as the body, with content-type application/octet-stream');
      const withoutCredentials = request.query.withoutCredentials ?? false;
      const dryRun = request.query.dryRun ?? false;
      let contents;
      try {
        contents = checkBackupContents(await openBackup(file, request.headers[PASSPHRASE_HEADER]));
      } catch (error) {
        backupProblem(error);
      }
      const before = await countTables(ctx.store.db);
      const replaced = withoutCredentials ? { ...before, users: 0 } : before;
      const backup = { createdAt: contents.createdAt, fuseguardVersion: contents.fuseguardVersion, counts: countsOf(contents.tables) };
      const warning = withoutCredentials ? LOST_WITHOUT_CREDENTIALS : LOST_WITH_CREDENTIALS;
      if (dryRun) return { ok: true as const, dryRun, withoutCredentials, backup, replaced, warning };
      const factoryAdmin = contents.tables.users.length === 0 ? await factoryAdminRow(ctx.now()) : undefined;
      const connectedStationIds = new Set(ctx.stationServer.connectedIds());
      try {
        await ctx.store.atomically((trx) => restoreBackupContents(trx, contents, { withoutCredentials, connectedStationIds, factoryAdmin }));
      } catch (error) {
        if (error instanceof ApiError) throw error;
        throw unprocessable('backup-contents', `the backup does not fit this Fuseguard; nothing was changed: ${error instanceof Error ? error.message : String(error)}`);
      }
      await audit(ctx, request, 'backup.restore', null, { withoutCredentials, backupCreatedAt: contents.createdAt, counts: backup.counts });
      await ctx.reload();
      await reconcileConnections(ctx.store, ctx.stationServer);
      ctx.log.warn(`backup of ${new Date(contents.createdAt).toISOString()} restored${withoutCredentials ? ' without credentials' : ''}`, { action: 'restore' });
      return { ok: true as const, dryRun, withoutCredentials, backup, replaced, warning };
    });

    app.post<{ Body: Static<typeof ResetBody> }>('/maintenance/factory-reset', {
      config: { access: 'admin' },
      schema: {
        tags: ['maintenance'], summary: 'Factory reset (X4)',
        description: `Deletes badges, stations, zones, meters, sessions, all users, API tokens and browser sessions; puts back the factory login admin/ADMIN (to replace at once); `
          + `turns the relay off and resets the network settings. The audit log and the operator log are kept. Confirm with {"confirm": "${FACTORY_RESET_CONFIRMATION}"}.`,
        body: ResetBody, response: { 200: ResetAnswer, ...errors(400, 401, 403) },
      },
    }, async (request) => {
      const factoryAdmin = await factoryAdminRow(ctx.now());
      const deleted = await ctx.store.atomically((trx) => factoryReset(trx, factoryAdmin));
      await audit(ctx, request, 'maintenance.factory-reset', null, { deleted });
      for (const id of ctx.stationServer.connectedIds()) void ctx.stationServer.client(id)?.close({ code: 1000, reason: 'factory reset' });
      await ctx.reload();
      ctx.log.warn('factory reset: the site is empty; log in as admin/ADMIN', { action: 'factory-reset' });
      return { ok: true as const, deleted, message: 'factory reset done: log in as admin / ADMIN and replace those credentials' };
    });

    app.post('/maintenance/restart', {
      config: { access: 'admin' },
      schema: {
        tags: ['maintenance'], summary: 'Restarts the application (X5)',
        description: 'Answers 202, then closes everything and starts again in the same process with the same options (and the stored network settings). 503 when Fuseguard was not started by the command line.',
        response: { 202: Type.Object({ ok: Type.Literal(true), message: Type.String() }), ...errors(401, 403, 503) },
      },
    }, async (request, reply) => {
      try {
        ctx.restart();
      } catch (error) {
        throw new ApiError(503, 'restart-unavailable', error instanceof Error ? error.message : String(error));
      }
      await audit(ctx, request, 'maintenance.restart', null);
      ctx.log.warn(`restart asked by ${request.identity?.login ?? 'anonymous'}`, { action: 'restart' });
      return reply.status(202).send({ ok: true as const, message: 'restarting: the API is back in a few seconds' });
    });
  };
}

/**
 * This part of the API as one plugin: /api/logs, /api/audit, /api/maintenance/*, /api/events, and
 * /metrics at the root, where Prometheus looks for it. It runs in the parent's context (what
 * fastify-plugin does), so the registration's /api prefix does not apply and each child sets its own.
 */
export function maintenanceRoutes(ctx: ApiContext): FastifyPluginAsync {
  const plugin: FastifyPluginAsync = async (app) => {
    for (const routes of [logsRoutes, auditLogRoutes, maintenanceEndpoints, eventsRoutes]) await app.register(routes(ctx), { prefix: '/api' });
    await app.register(metricsRoutes(ctx));
  };
  (plugin as unknown as Record<symbol, boolean>)[Symbol.for('skip-override')] = true;
  return plugin;
}

function countsOf(tables: Record<string, unknown[]>): TableCounts {
  return Object.fromEntries(BACKUP_TABLES.map((t) => [t, tables[t]?.length ?? 0])) as TableCounts;
}
