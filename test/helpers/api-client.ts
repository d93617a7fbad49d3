// A real HTTP client for the API: keeps the session cookie and sends the CSRF token, as the web UI does.
import { startHarness, type Harness } from './harness.js';
import type { FuseguardOptions } from '../../src/app/fuseguard.js';
import type { SiteFile } from '../../src/site/site-schema.js';

export interface ApiResponse<T = unknown> {
  status: number;
  body: T;
  text: string;
  headers: Headers;
}

export interface RequestOptions {
  body?: unknown;
  /** Sent as they are (CSV, backups), with this content type. */
  raw?: { data: string | Uint8Array; contentType: string };
  headers?: Record<string, string>;
  /** Leave the CSRF header out (to test its check). */
  noCsrf?: boolean;
}

export class ApiClient {
  cookie: string | null = null;
  csrfToken: string | null = null;
  token: string | null = null;

  constructor(readonly baseUrl: string) {}

  async request<T = any>(method: string, path: string, options: RequestOptions = {}): Promise<ApiResponse<T>> {
    const headers: Record<string, string> = { ...options.headers };
    let body: string | Uint8Array | undefined;
    if (options.raw) {
      body = options.raw.data;
      headers['content-type'] = options.raw.contentType;
    } else if (options.body !== undefined) {
      body = JSON.stringify(options.body);
      headers['content-type'] = 'application/json';
    }
    if (this.cookie) headers.cookie = this.cookie;
    if (this.token) headers.authorization = `Bearer ${this.token}`;
    if (this.csrfToken && !options.noCsrf && method !== 'GET') headers['x-csrf-token'] = this.csrfToken;
    const response = await fetch(`${this.baseUrl}${path}`, { method, headers, body });
    const setCookie = response.headers.getSetCookie().find((c) => c.startsWith('fg_session='));
    if (setCookie) this.cookie = setCookie.split(';')[0];
    const text = await response.text();
    let parsed: unknown = text;
    if (response.headers.get('content-type')?.includes('application/json') && text) parsed = JSON.parse(text);
    return { status: response.status, body: parsed as T, text, headers: response.headers };
  }

  get = <T = any>(path: string, options?: RequestOptions) => this.request<T>('GET', path, options);
  post = <T = any>(path: string, body?: unknown, options?: RequestOptions) => this.request<T>('POST', path, { ...options, body });
  put = <T = any>(path: string, body?: unknown, options?: RequestOptions) => this.request<T>('PUT', path, { ...options, body });
  patch = <T = any>(path: string, body?: unknown, options?: RequestOptions) => this.request<T>('PATCH', path, { ...options, body });
  delete = <T = any>(path: string, options?: RequestOptions) => this.request<T>('DELETE', path, options);

  async login(login: string, password: string): Promise<ApiResponse> {
    const response = await this.post('/api/auth/login', { login, password });
    if (response.status === 200) this.csrfToken = (response.body as { csrfToken: string }).csrfToken;
    return response;
  }
}

export const ADMIN = { login: 'root', password: 'Adm1n!pass' };
export const USER = { login: 'operator', password: 'Us3r!pass' };

export interface ApiHarness extends Harness {
  baseUrl: string;
  admin: ApiClient;
  user: ApiClient;
  anonymous: ApiClient;
  client(): ApiClient;
}

/**
 * Fuseguard on a fresh data folder with the factory admin replaced by ADMIN and a USER added,
 * both logged in, through the API itself.
 */
export async function startApiHarness(site?: SiteFile, options: Partial<FuseguardOptions> = {}): Promise<ApiHarness> {
  const h = await startHarness(site, options);
  const baseUrl = `http://127.0.0.1:${h.app.port}`;
  const admin = new ApiClient(baseUrl);
  await expectOk(admin.login('admin', 'ADMIN'));
  await expectOk(admin.put('/api/users/me/credentials', { currentPassword: 'ADMIN', login: ADMIN.login, password: ADMIN.password }));
  await expectOk(admin.post('/api/users', { login: USER.login, password: USER.password, role: 'user', adminPassword: ADMIN.password }));
  const user = new ApiClient(baseUrl);
  await expectOk(user.login(USER.login, USER.password));
  return { ...h, baseUrl, admin, user, anonymous: new ApiClient(baseUrl), client: () => new ApiClient(baseUrl) };
}

async function expectOk(response: Promise<ApiResponse>): Promise<void> {
  const r = await response;
  if (r.status >= 300) throw new Error(`API harness setup failed: ${r.status} ${r.text}`);
}
