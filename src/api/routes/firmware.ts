// Station firmware (issue 16, item 7; O4, X5): the library of files, rollouts to stations and their
// state, the rollout settings (admins only), and the download route stations fetch a file from
// through a signed, expiring URL (public: the signature is the key; see docs/firmware.md).
import { Type, type Static } from '@sinclair/typebox';
import type { FastifyPluginAsync } from 'fastify';
import { FirmwareSettingsSchema } from '../../firmware/firmware-settings.js';
import { checkSignature } from '../../firmware/firmware-url.js';
import { ROLLOUT_STATUSES } from '../../firmware/rollout-status.js';
import type { FirmwareFileRow } from '../../store/repositories/firmware-repository.js';
import { audit } from '../audit.js';
import type { ApiContext } from '../context.js';
import { ApiError, badRequest, conflict, notFound } from '../errors.js';
import { enumOf, errors, OkSchema } from '../schemas.js';
import { LogRateLimiter, suppressedNote } from '../../services/log-rate-limiter.js';

/** The largest firmware file taken: real ones are a few MiB to some tens of MiB. */
export const FIRMWARE_UPLOAD_LIMIT_BYTES = 128 * 1024 * 1024;

const FirmwareId = Type.String({ pattern: '^[0-9a-f]{16}$', description: 'the id Fuseguard gave the file' });
const FirmwareFile = Type.Object({
  id: FirmwareId, name: Type.String(), version: Type.Union([Type.String(), Type.Null()]),
  sizeBytes: Type.Integer(), sha256: Type.String(), uploadedAt: Type.Number(), uploadedBy: Type.Union([Type.String(), Type.Null()]),
});
const UploadQuery = Type.Object({
  name: Type.String({ minLength: 1, maxLength: 200, pattern: '^[^/\\\\\\u0000-\\u001f]+$', description: 'the file name, as shown' }),
  version: Type.Optional(Type.String({ minLength: 1, maxLength: 50, description: 'the firmwareVersion stations report once they run it; marks an update done at their next boot' })),
}, { additionalProperties: false });
const IdParams = Type.Object({ id: FirmwareId });
const StationParams = Type.Object({ stationId: Type.String({ minLength: 1, maxLength: 48 }) });
const Rollout = Type.Object({
  stationId: Type.String(), firmwareId: FirmwareId, firmwareName: Type.Union([Type.String(), Type.Null()]),
  status: enumOf(ROLLOUT_STATUSES, 'queued: waits its turn; sent ... installed: in progress (counts against maxConcurrent); done: booted with the new firmware; failed: see error, never retried by itself'),
  ocppStatus: Type.Union([Type.String(), Type.Null()], { description: "the station's last FirmwareStatusNotification" }),
  error: Type.Union([Type.String(), Type.Null()]),
  queuedAt: Type.Number(), sentAt: Type.Union([Type.Number(), Type.Null()]), updatedAt: Type.Number(),
  stationModel: Type.Union([Type.String(), Type.Null()]), stationFirmwareVersion: Type.Union([Type.String(), Type.Null()]), connected: Type.Boolean(),
});
const RolloutBody = Type.Object({
  firmwareId: FirmwareId,
  stationIds: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 48 }), { maxItems: 10_000, uniqueItems: true })),
  zone: Type.Optional(Type.String({ minLength: 1, maxLength: 64, description: 'every station of this zone and its sub-zones' })),
  model: Type.Optional(Type.String({ minLength: 1, maxLength: 20, description: 'every station that booted with this chargePointModel' })),
}, { additionalProperties: false, description: 'give stationIds, zone or model (or several: their union)' });
const RolloutAnswer = Type.Object({
  queued: Type.Array(Type.String()),
  skipped: Type.Array(Type.Object({ stationId: Type.String(), reason: Type.String() })),
});
const DownloadParams = Type.Object({ firmwareId: Type.String({ maxLength: 64 }), stationId: Type.String({ maxLength: 200 }) });
const DownloadQuery = Type.Object({ expires: Type.Integer({ minimum: 0 }), signature: Type.String({ maxLength: 128 }) });

const fileView = (f: FirmwareFileRow): Static<typeof FirmwareFile> => ({
  id: f.id, name: f.name, version: f.version, sizeBytes: f.size_bytes, sha256: f.sha256, uploadedAt: f.uploaded_at, uploadedBy: f.uploaded_by,
});

/**
 * The download's header: any file name a station may be given (RFC 6266): an ASCII fallback, and
 * the name itself encoded (RFC 8187); a raw non-Latin-1 character would make Node refuse the header.
 */
export function attachment(name: string): string {
  const fallback = name.replace(/[^\x20-\x7e]|["\\]/g, '_');
  return `attachment; filename="${fallback}"; filename*=UTF-8''${encodeURIComponent(name).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)}`;
}

export function firmwareRoutes(ctx: ApiContext): FastifyPluginAsync {
  const refusedLog = new LogRateLimiter();
  return async (app) => {
    const tags = ['firmware'];
    const firmware = ctx.firmware;

    app.get('/firmware/files', {
      config: { access: 'admin' },
      schema: { tags, summary: 'The firmware library', response: { 200: Type.Array(FirmwareFile), ...errors(401, 403) } },
    }, async () => (await ctx.store.firmware.listFiles()).map(fileView));

    app.post<{ Querystring: Static<typeof UploadQuery> }>('/firmware/files', {
      config: { access: 'admin' },
      bodyLimit: FIRMWARE_UPLOAD_LIMIT_BYTES,
      schema: {
        tags, summary: 'Uploads a firmware file', consumes: ['application/octet-stream'], querystring: UploadQuery,
        description: `The file as the body (application/octet-stream), at most ${FIRMWARE_UPLOAD_LIMIT_BYTES / 1024 / 1024} MiB; kept in the data folder.`,
        response: { 201: FirmwareFile, ...errors(400, 401, 403, 413, 415) },
      },
    }, async (request, reply) => {
      const body = request.body;
      if (!Buffer.isBuffer(body) || body.length === 0) throw badRequest('invalid-request', 'send the firmware file as the body, with content-type application/octet-stream');
      const row = await firmware.upload(body, request.query.name, request.query.version ?? null, request.identity?.login ?? null);
      await audit(ctx, request, 'firmware.upload', row.id, { name: row.name, version: row.version, sizeBytes: row.size_bytes, sha256: row.sha256 });
      return reply.code(201).send(fileView(row));
    });

    app.delete<{ Params: Static<typeof IdParams> }>('/firmware/files/:id', {
      config: { access: 'admin' },
      schema: { tags, summary: 'Deletes a firmware file (refused while stations update to it)', params: IdParams, response: { 200: OkSchema, ...errors(401, 403, 404, 409) } },
    }, async (request) => {
      const outcome = await firmware.remove(request.params.id);
      if (outcome === 'not-found') throw notFound('firmware', request.params.id);
      if (outcome === 'in-use') throw conflict('firmware-in-use', 'stations are updating to this file, or wait to: cancel or let them finish first');
      await audit(ctx, request, 'firmware.delete', request.params.id);
      return { ok: true as const };
    });

    app.get('/firmware/rollouts', {
      config: { access: 'admin' },
      schema: { tags, summary: "Each station's firmware update and its state", response: { 200: Type.Array(Rollout), ...errors(401, 403) } },
    }, async () => {
      const [rollouts, files, stations] = await Promise.all([ctx.store.firmware.listRollouts(), ctx.store.firmware.listFiles(), ctx.store.stations.list()]);
      const nameOf = new Map(files.map((f) => [f.id, f.name]));
      const stationOf = new Map(stations.map((s) => [s.id, s]));
      return rollouts.map((r) => {
        const s = stationOf.get(r.station_id);
        return {
          stationId: r.station_id, firmwareId: r.firmware_id, firmwareName: nameOf.get(r.firmware_id) ?? null,
          status: r.status as Static<typeof Rollout>['status'], ocppStatus: r.ocpp_status, error: r.error,
          queuedAt: r.queued_at, sentAt: r.sent_at, updatedAt: r.updated_at,
          stationModel: s?.model ?? null, stationFirmwareVersion: s?.firmware_version ?? null, connected: ctx.stationServer.client(r.station_id) !== undefined,
        };
      });
    });

    app.post<{ Body: Static<typeof RolloutBody> }>('/firmware/rollouts', {
      config: { access: 'admin' },
      schema: {
        tags, summary: 'Updates stations: one, a zone, every station of a model', body: RolloutBody,
        description: 'Queues UpdateFirmware for each station; at most maxConcurrent (settings) update at once, the others wait their turn. '
          + 'A station already updating is skipped; a failed one is updated again only when named here again.',
        response: { 200: RolloutAnswer, ...errors(400, 401, 403, 404) },
      },
    }, async (request) => {
      const { firmwareId, ...targets } = request.body;
      if (!targets.stationIds?.length && targets.zone === undefined && targets.model === undefined) {
        throw badRequest('invalid-request', 'body: give stationIds, zone or model', [{ field: 'body', message: 'give stationIds, zone or model' }]);
      }
      if (!(await ctx.store.firmware.getFile(firmwareId))) throw notFound('firmware', firmwareId);
      if (targets.zone !== undefined && !(await ctx.store.zones.get(targets.zone))) throw notFound('zone', targets.zone);
      const outcome = await firmware.rollout(firmwareId, await firmware.resolveTargets(targets));
      await audit(ctx, request, 'firmware.rollout', firmwareId, { ...targets, queued: outcome.queued.length, skipped: outcome.skipped.length });
      return outcome;
    });

    app.delete<{ Params: Static<typeof StationParams> }>('/firmware/rollouts/:stationId', {
      config: { access: 'admin' },
      schema: { tags, summary: "Cancels a station's update that was not sent yet", params: StationParams, response: { 200: OkSchema, ...errors(401, 403, 409) } },
    }, async (request) => {
      if (!(await firmware.cancel(request.params.stationId))) throw conflict('not-queued', `station "${request.params.stationId}" has no update waiting to be sent`);
      await audit(ctx, request, 'firmware.cancel', request.params.stationId);
      return { ok: true as const };
    });

    app.get('/firmware/settings', {
      config: { access: 'admin' },
      schema: { tags, summary: 'Rollout settings', response: { 200: FirmwareSettingsSchema, ...errors(401, 403) } },
    }, async () => firmware.settings());

    app.put<{ Body: Static<typeof FirmwareSettingsSchema> }>('/firmware/settings', {
      config: { access: 'admin' },
      schema: { tags, summary: 'Changes the rollout settings', body: FirmwareSettingsSchema, response: { 200: FirmwareSettingsSchema, ...errors(400, 401, 403) } },
    }, async (request) => {
      await firmware.setSettings(request.body);
      await audit(ctx, request, 'firmware.settings', null, request.body);
      return firmware.settings();
    });

    // Stations have no API credentials: the URL's signature (station, file, expiry) is the key.
    app.get<{ Params: Static<typeof DownloadParams>; Querystring: Static<typeof DownloadQuery> }>('/firmware/download/:firmwareId/:stationId', {
      config: { access: 'public' },
      schema: { hide: true, params: DownloadParams, querystring: DownloadQuery },
    }, async (request, reply) => {
      const { firmwareId, stationId } = request.params;
      const refusal = checkSignature(await firmware.files.urlSecret(), { firmwareId, stationId, expiresS: request.query.expires }, request.query.signature, ctx.now());
      if (refusal) {
        // Anyone may call this route: one line a minute at most, so that it cannot flood the log.
        const suppressed = refusedLog.take(refusal, ctx.now());
        if (suppressed !== null) ctx.log.warn(`firmware download refused: ${refusal}${suppressedNote(suppressed)}`, { action: 'firmware', ...(stationId.length <= 48 ? { stationId } : {}) });
        throw new ApiError(403, refusal, refusal === 'expired' ? 'this download URL has expired' : 'this download URL is not valid');
      }
      const file = await ctx.store.firmware.getFile(firmwareId);
      if (!file) throw notFound('firmware', firmwareId);
      ctx.log.info(`firmware download: ${file.name}`, { stationId, action: 'firmware' });
      return reply.type('application/octet-stream').header('content-length', file.size_bytes)
        .header('content-disposition', attachment(file.name))
        .send(firmware.files.open(firmwareId));
    });
  };
}
