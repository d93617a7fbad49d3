// Whether an identity found when a request began still holds. A live-events stream (W6) outlives
// its request: it ends once its caller would no longer be let in (S2, S3), not when it hangs up.
import { resolveSettings } from '../../site/settings.js';
import type { ApiContext } from '../context.js';
import type { Identity } from './identity.js';

/** Null while it holds; else why it no longer does (said to the client). */
export async function identityEnded(identity: Identity, ctx: ApiContext): Promise<string | null> {
  if (identity.via === 'token') {
    const token = identity.tokenId === undefined ? undefined : await ctx.store.users.getToken(identity.tokenId);
    if (!token || token.revoked_at !== null) return 'the API token was revoked';
    return token.role === identity.role ? null : "the API token's role changed";
  }
  const session = identity.sessionIdHash === undefined ? undefined : await ctx.store.users.getSession(identity.sessionIdHash);
  if (!session) return 'the session ended (logged out, password changed or user deleted)';
  const idleMs = resolveSettings(await ctx.store.settings.getAll()).sessionIdleTimeoutS * 1000;
  if (ctx.now() - session.last_seen_at > idleMs) return `the session ended after ${idleMs / 1000} s without activity`;
  const user = await ctx.store.users.get(session.login);
  if (!user) return 'the user was deleted';
  return user.role === identity.role ? null : "the user's role changed";
}
