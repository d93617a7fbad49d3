// Access cases of logs, audit, maintenance (report, backup, restore, factory reset, restart),
// live events and metrics.
import { ApiClient, type ApiHarness, type ApiResponse, type RequestOptions } from '../helpers/api-client.js';
import type { AccessCase } from './types.js';

const PASSPHRASE = 'access-test-passphrase';

/** A backup of the harness's own site, made by its admin. */
async function backupOf(h: ApiHarness): Promise<Uint8Array> {
  const response = await fetch(`${h.baseUrl}/api/maintenance/backup`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', cookie: h.admin.cookie ?? '', 'x-csrf-token': h.admin.csrfToken ?? '' },
    body: JSON.stringify({ passphrase: PASSPHRASE }),
  });
  return new Uint8Array(await response.arrayBuffer());
}

/** The role's client, sending the backup passphrase header as well. */
class PassphraseClient extends ApiClient {
  constructor(of: ApiClient) {
    super(of.baseUrl);
    Object.assign(this, { cookie: of.cookie, csrfToken: of.csrfToken, token: of.token });
  }

  override request<T = any>(method: string, path: string, options: RequestOptions = {}): Promise<ApiResponse<T>> {
    return super.request<T>(method, path, { ...options, headers: { ...options.headers, 'x-backup-passphrase': PASSPHRASE } });
  }
}

export const cases: AccessCase[] = [
  { route: 'GET /api/logs', access: 'admin' },
  { route: 'GET /api/audit', access: 'admin' },
  { route: 'GET /api/maintenance/report', access: 'admin' },
  { route: 'POST /api/maintenance/backup', access: 'admin', request: async () => ({ path: '/api/maintenance/backup', body: { passphrase: PASSPHRASE } }) },
  {
    route: 'POST /api/maintenance/restore', access: 'admin', isolated: true,
    client: async (h, role) => new PassphraseClient(role === 'admin' ? h.admin : h.user),
    request: async (h) => ({ path: '/api/maintenance/restore', raw: { data: await backupOf(h), contentType: 'application/octet-stream' } }),
  },
  { route: 'POST /api/maintenance/factory-reset', access: 'admin', isolated: true, request: async () => ({ path: '/api/maintenance/factory-reset', body: { confirm: 'FACTORY RESET' } }) },
  // Accepted (202) on a Fuseguard that can restart; the CLI test really restarts one.
  { route: 'POST /api/maintenance/restart', access: 'admin', isolated: true, success: [202] },
  { route: 'GET /api/events', access: 'user', request: async () => ({ path: '/api/events?maxDurationS=1' }) },
  { route: 'GET /metrics', access: 'user' },
];
