// The REST API as the UI uses it: the session cookie goes by itself, the CSRF token is added to
// every change, and errors arrive as ApiError with the server's code, message and field.

export interface ErrorBody {
  error: string;
  message: string;
  details?: unknown;
}

export class ApiError extends Error {
  constructor(readonly status: number, readonly body: ErrorBody) {
    super(body.message);
  }

  get code(): string {
    return this.body.error;
  }

  /** The field the server names (`body.maxCurrentA` → `maxCurrentA`), when it names one. */
  get field(): string | undefined {
    const details = this.body.details as { field?: string } | { field?: string }[] | undefined;
    const field = Array.isArray(details) ? details[0]?.field : details?.field;
    return field?.replace(/^(body|query|params)\./, '');
  }
}

let csrfToken: string | null = null;
/** Called when a request finds the session gone, so that the app shows the login again. */
let onUnauthenticated: () => void = () => {};

export function setCsrfToken(token: string | null): void {
  csrfToken = token;
}

export function whenUnauthenticated(handler: () => void): void {
  onUnauthenticated = handler;
}

export async function api<T = unknown>(method: string, path: string, body?: unknown, init: { raw?: BodyInit; contentType?: string; headers?: Record<string, string> } = {}): Promise<T> {
  const headers: Record<string, string> = { ...init.headers };
  let payload: BodyInit | undefined;
  if (init.raw !== undefined) {
    payload = init.raw;
    headers['content-type'] = init.contentType ?? 'application/octet-stream';
  } else if (body !== undefined) {
    payload = JSON.stringify(body);
    headers['content-type'] = 'application/json';
  }
  if (method !== 'GET' && csrfToken) headers['x-csrf-token'] = csrfToken;
  const response = await fetch(path, { method, headers, body: payload, credentials: 'same-origin' });
  const type = response.headers.get('content-type') ?? '';
  if (!response.ok) {
    const error: ErrorBody = type.includes('application/json')
      ? await response.json() as ErrorBody
      : { error: `http-${response.status}`, message: await response.text() || response.statusText };
    if (response.status === 401 && !path.endsWith('/auth/login')) onUnauthenticated();
    throw new ApiError(response.status, error);
  }
  if (response.status === 204) return undefined as T;
  if (type.includes('application/json')) return await response.json() as T;
  return await response.text() as T;
}

export const get = <T = unknown>(path: string) => api<T>('GET', path);
export const post = <T = unknown>(path: string, body?: unknown) => api<T>('POST', path, body ?? {});
export const put = <T = unknown>(path: string, body?: unknown) => api<T>('PUT', path, body);
export const patch = <T = unknown>(path: string, body?: unknown) => api<T>('PATCH', path, body);
export const del = <T = unknown>(path: string, body?: unknown) => api<T>('DELETE', path, body);

/** Downloads what a GET answers as a file (CSV exports, the maintenance report). */
export async function download(path: string, fileName: string, init?: { method?: string; body?: unknown }): Promise<void> {
  const headers: Record<string, string> = {};
  if (init?.body !== undefined) headers['content-type'] = 'application/json';
  if (init?.method && init.method !== 'GET' && csrfToken) headers['x-csrf-token'] = csrfToken;
  const response = await fetch(path, { method: init?.method ?? 'GET', headers, body: init?.body === undefined ? undefined : JSON.stringify(init.body) });
  if (!response.ok) {
    const body = await response.json().catch(() => ({ error: `http-${response.status}`, message: response.statusText })) as ErrorBody;
    throw new ApiError(response.status, body);
  }
  const url = URL.createObjectURL(await response.blob());
  const a = document.createElement('a');
  a.href = url;
  a.download = fileName;
  document.body.append(a);
  a.click();
  a.remove();
  URL.revokeObjectURL(url);
}
