// How much of a request body the API reads (issue 14, row 4): small per content type, and the
// backup's size only on a route that takes a file upload. The guard runs at onRequest, before any
// body is read, so an upload route's large limit only ever serves a caller it has let in.
import type { FastifyInstance, RouteOptions } from 'fastify';

const KiB = 1024;
const MiB = 1024 * KiB;

/** JSON bodies: the largest real one (a time-of-use table, a zone) is a few KiB. */
export const JSON_BODY_LIMIT_BYTES = 256 * KiB;
/** CSV imports: 10,000 badges of the longest lines (docs/api-operations.md) are about 2 MiB. */
export const TEXT_BODY_LIMIT_BYTES = 4 * MiB;
/** A file upload (a backup to restore): routes whose schema consumes application/octet-stream. */
export const UPLOAD_BODY_LIMIT_BYTES = 256 * MiB;

const UPLOAD_TYPE = 'application/octet-stream';

export function installBodyLimits(app: FastifyInstance): void {
  // Fastify's own JSON parser (with its prototype-poisoning checks), with a smaller limit.
  app.removeContentTypeParser(['application/json', 'text/plain']);
  app.addContentTypeParser('application/json', { parseAs: 'string', bodyLimit: JSON_BODY_LIMIT_BYTES }, app.getDefaultJsonParser('error', 'error'));
  // Uploads: CSV files and backups come as they are.
  app.addContentTypeParser(['text/csv', 'text/plain'], { parseAs: 'string', bodyLimit: TEXT_BODY_LIMIT_BYTES }, (_request, body, done) => done(null, body));
  app.addContentTypeParser(UPLOAD_TYPE, { parseAs: 'buffer', bodyLimit: JSON_BODY_LIMIT_BYTES }, (_request, body, done) => done(null, body));
  app.addHook('onRoute', raiseUploadLimit);
}

/** A route that takes a file gets the upload limit (a route's bodyLimit wins over its parsers'). */
function raiseUploadLimit(route: RouteOptions): void {
  const consumes = (route.schema as { consumes?: readonly string[] } | undefined)?.consumes;
  if (consumes?.includes(UPLOAD_TYPE) && route.bodyLimit === undefined) route.bodyLimit = UPLOAD_BODY_LIMIT_BYTES;
}
