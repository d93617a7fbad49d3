// One entry per route of the OpenAPI document: who may call it and a request that succeeds.
import type { ApiClient, ApiHarness } from '../helpers/api-client.js';

export type Role = 'anonymous' | 'user' | 'admin';
export type Access = 'public' | 'authenticated' | 'user' | 'admin';

export interface AccessCase {
  /** As in the OpenAPI document: `GET /api/zones/{name}`. */
  route: string;
  access: Access;
  /**
   * A request that succeeds for an allowed caller. Called before every attempt (anonymous, user,
   * admin), so it may create what the route changes or deletes. Without it: the path as it is, no body.
   */
  request?: (h: ApiHarness, role: Role) => Promise<{ path: string; body?: unknown; raw?: { data: string | Uint8Array; contentType: string } }>;
  /**
   * The client of a logged-in role, when the shared ones must not be used (the route would change
   * their own credentials or end their session). Not called for the anonymous attempt.
   */
  client?: (h: ApiHarness, role: 'user' | 'admin') => Promise<ApiClient>;
  /** Statuses that count as success [200, 201, 204]. */
  success?: number[];
  /** Runs the admin's success on a fresh Fuseguard of its own (factory reset, restore, restart). */
  isolated?: boolean;
}
