// Who changed what, when (S4): every state-changing route records itself here.
import type { FastifyRequest } from 'fastify';
import type { ApiContext } from './context.js';

/** Records a change by the caller of `request`; details never hold secrets. */
export async function audit(ctx: ApiContext, request: FastifyRequest, action: string, target: string | null, details?: unknown): Promise<void> {
  await ctx.store.audit.record({
    at: ctx.now(), actor: request.identity?.login ?? 'anonymous', action, target,
    details: details === undefined ? null : JSON.stringify(details),
  });
}
