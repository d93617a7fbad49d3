// Who is calling: a browser session (cookie) or an API token (Authorization: Bearer).
import { createHash, randomBytes } from 'node:crypto';
import type { Role } from '../../store/schema.js';

export type Access =
  /** Anyone, logged in or not. */
  | 'public'
  /** Any logged-in caller, even the factory admin that must still replace its credentials. */
  | 'authenticated'
  /** Role user or admin (S1). */
  | 'user'
  | 'admin';

export interface Identity {
  login: string;
  role: Role;
  /** The factory admin: it may do nothing but replace its credentials (S2). */
  mustChange: boolean;
  via: 'session' | 'token';
  /** Session only. */
  sessionIdHash?: string;
  csrfToken?: string;
  /** Token only. */
  tokenId?: string;
}

export const SESSION_COOKIE = 'fg_session';
export const CSRF_HEADER = 'x-csrf-token';
export const TOKEN_PREFIX = 'fgt_';

export const sha256 = (value: string): string => createHash('sha256').update(value).digest('hex');
export const randomSecret = (bytes = 32): string => randomBytes(bytes).toString('base64url');

export function allows(access: Access, identity: Identity | null): 'ok' | 'unauthenticated' | 'forbidden' | 'must-change' {
  if (access === 'public') return 'ok';
  if (!identity) return 'unauthenticated';
  if (access === 'authenticated') return 'ok';
  if (identity.mustChange) return 'must-change';
  if (access === 'admin' && identity.role !== 'admin') return 'forbidden';
  return 'ok';
}
