import type { ApiErrorBody, ErrorCode } from '../../../server/contracts/errors';

/** An error answered by the API (or a network failure, code `network`). */
export class ApiError extends Error {
  constructor(
    readonly code: ErrorCode | 'network',
    readonly status: number,
    message: string,
    readonly details?: unknown,
    readonly requestId?: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }

  /** Field issues of a validation error, by dotted path without the `body.` prefix. */
  fieldErrors(): Record<string, string> {
    const issues = (this.details as { issues?: { path: string; message: string }[] } | undefined)
      ?.issues;
    const out: Record<string, string> = {};
    for (const issue of issues ?? [])
      out[issue.path.replace(/^(body|query|params)\./, '')] = issue.message;
    return out;
  }
}

/** How the HTTP client obtains and renews the access token (provided by the auth store). */
export interface TokenProvider {
  token(): string | undefined;
  /** Tries to renew the access token; resolves false when the session is over. */
  refresh(): Promise<boolean>;
  /** Called when the session is over (refresh failed). */
  expired(): void;
}

let tokens: TokenProvider | undefined;

/** Connects the HTTP client to the auth store. */
export function useTokenProvider(provider: TokenProvider): void {
  tokens = provider;
}

/** The token provider, for transports other than fetch (uploads with progress). */
export function currentTokens(): TokenProvider | undefined {
  return tokens;
}

async function parseError(res: Response): Promise<ApiError> {
  try {
    const body = (await res.json()) as Partial<ApiErrorBody>;
    if (body.error) {
      return new ApiError(
        body.error.code,
        res.status,
        body.error.message,
        body.error.details,
        body.error.requestId,
      );
    }
  } catch {
    /* not JSON */
  }
  return new ApiError(res.status >= 500 ? 'internal' : 'bad_request', res.status, res.statusText);
}

/** Options of {@link request}. */
export interface RequestOptions {
  body?: unknown;
  query?: Record<string, string | number | boolean | undefined | null>;
  /** Skip the Authorization header and the refresh-on-401 logic (login, refresh). */
  anonymous?: boolean;
  signal?: AbortSignal;
}

function withQuery(path: string, query: RequestOptions['query']): string {
  if (!query) return path;
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query))
    if (v !== undefined && v !== null && v !== '') params.set(k, String(v));
  const qs = params.toString();
  return qs ? `${path}?${qs}` : path;
}

/**
 * Calls the API with JSON in and out. Renews an expired access token once and retries.
 * @throws ApiError with the server's code, or code `network` when the server is unreachable.
 */
export async function request<T>(
  method: string,
  path: string,
  options: RequestOptions = {},
): Promise<T> {
  const send = async (): Promise<Response> => {
    const headers: Record<string, string> = { Accept: 'application/json' };
    if (options.body !== undefined) headers['Content-Type'] = 'application/json';
    const token = options.anonymous ? undefined : tokens?.token();
    if (token) headers.Authorization = `Bearer ${token}`;
    try {
      return await fetch(withQuery(path, options.query), {
        method,
        headers,
        credentials: 'same-origin',
        ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
        ...(options.signal ? { signal: options.signal } : {}),
      });
    } catch (err) {
      if (err instanceof DOMException && err.name === 'AbortError') throw err;
      throw new ApiError('network', 0, 'network error');
    }
  };
  let res = await send();
  if (res.status === 401 && !options.anonymous && tokens) {
    if (await tokens.refresh()) res = await send();
    else tokens.expired();
  }
  if (!res.ok) throw await parseError(res);
  if (res.status === 204) return undefined as T;
  return (await res.json()) as T;
}

/** Shorthands for {@link request}. */
export const http = {
  get: <T>(path: string, query?: RequestOptions['query']) => request<T>('GET', path, { query }),
  post: <T>(path: string, body: unknown = {}) => request<T>('POST', path, { body }),
  patch: <T>(path: string, body: unknown) => request<T>('PATCH', path, { body }),
  put: <T>(path: string, body: unknown) => request<T>('PUT', path, { body }),
  delete: <T>(path: string) => request<T>('DELETE', path),
};
