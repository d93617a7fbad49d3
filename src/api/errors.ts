// API errors: { error, message, details } with the right status (architecture.md conventions).
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';

export class ApiError extends Error {
  constructor(readonly statusCode: number, readonly code: string, message: string, readonly details?: unknown) {
    super(message);
  }
}

export const badRequest = (code: string, message: string, details?: unknown) => new ApiError(400, code, message, details);
export const unauthorized = (code: string, message: string) => new ApiError(401, code, message);
export const forbidden = (code: string, message: string) => new ApiError(403, code, message);
export const notFound = (what: string, id: string) => new ApiError(404, 'not-found', `${what} "${id}" does not exist`, { [what]: id });
export const conflict = (code: string, message: string, details?: unknown) => new ApiError(409, code, message, details);
/** A request that is well formed but breaks a rule (Z2 and the like): the rule is the code. */
export const unprocessable = (code: string, message: string, details?: unknown) => new ApiError(422, code, message, details);

export interface ErrorBody {
  error: string;
  message: string;
  details?: unknown;
}

/** Every error leaves the API in one shape; schema errors name the field. */
export function errorHandler(error: FastifyError | ApiError, request: FastifyRequest, reply: FastifyReply): void {
  if (error instanceof ApiError) {
    // "Try again later" answers say when (the lockout, the password hash gate).
    const retryAfterS = (error.details as { retryAfterS?: unknown } | undefined)?.retryAfterS;
    if ((error.statusCode === 429 || error.statusCode === 503) && typeof retryAfterS === 'number') void reply.header('retry-after', String(retryAfterS));
    void reply.status(error.statusCode).send({ error: error.code, message: error.message, ...(error.details !== undefined ? { details: error.details } : {}) });
    return;
  }
  if (error.validation) {
    const where = error.validationContext ?? 'body';
    const details = error.validation.map((v) => {
      const missing = v.keyword === 'required' ? `/${String((v.params as { missingProperty?: string }).missingProperty)}` : '';
      const extra = v.keyword === 'additionalProperties' ? `/${String((v.params as { additionalProperty?: string }).additionalProperty)}` : '';
      const field = `${where}${v.instancePath}${missing}${extra}`.replaceAll('/', '.');
      const message = v.keyword === 'required' ? 'is required' : v.keyword === 'additionalProperties' ? 'is not a known field' : v.message ?? 'is invalid';
      return { field, message };
    });
    const message = details.map((d) => `${d.field}: ${d.message}`).join('; ');
    void reply.status(400).send({ error: 'invalid-request', message, details });
    return;
  }
  const status = error.statusCode && error.statusCode >= 400 && error.statusCode < 500 ? error.statusCode : 500;
  if (status === 500) request.log.error({ err: error }, 'API request failed');
  const code = status === 500 ? 'internal' : (error.code ?? 'bad-request').toLowerCase().replace(/^fst_err_/, '').replaceAll('_', '-');
  void reply.status(status).send({ error: code, message: status === 500 ? 'internal error; see the log' : error.message });
}
