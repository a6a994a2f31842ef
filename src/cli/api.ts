import type { CliConfig } from './config';

/** A failure the CLI reports in one line (or as JSON with --json) and exits non-zero for. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode = 1,
    readonly problem: Record<string, unknown> | null = null,
  ) {
    super(message);
  }
}

export interface ApiClient {
  get<T = any>(path: string, query?: Record<string, string | undefined>): Promise<T>;
  post<T = any>(path: string, body?: unknown): Promise<T>;
  delete(path: string): Promise<void>;
}

/** The staff API over HTTP: JSON in, JSON out; problem+json answers become a CliError naming the field or article. */
export function apiClient(config: CliConfig, fetchImpl: typeof fetch = fetch): ApiClient {
  const base = `${config.url}/api/v1/admin`;
  async function call(method: string, path: string, body?: unknown, query?: Record<string, string | undefined>) {
    if (!config.token) {
      throw new CliError('no staff token: set CERTMARK_TOKEN, or run from the folder whose data/admin-token the server wrote', 2);
    }
    const url = new URL(`${base}${path}`);
    for (const [k, v] of Object.entries(query ?? {})) if (v !== undefined) url.searchParams.set(k, v);
    let res: Response;
    try {
      res = await fetchImpl(url, {
        method,
        headers: { Authorization: `Bearer ${config.token}`, Accept: 'application/json', ...(body === undefined ? {} : { 'Content-Type': 'application/json' }) },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
    } catch (err) {
      throw new CliError(`cannot reach ${config.url} (${(err as Error).message}); is the server running (npm start)? CERTMARK_URL sets where it is`);
    }
    if (res.status === 204) return undefined;
    const text = await res.text();
    let data: any = null;
    try {
      data = text ? JSON.parse(text) : null;
    } catch {
      throw new CliError(`${method} ${url.pathname}: ${res.status} with a body that is not JSON`);
    }
    if (!res.ok) {
      const where = [data?.field && `field ${data.field}`, data?.article].filter(Boolean).join(', ');
      throw new CliError(`${res.status} ${data?.title ?? res.statusText}: ${data?.detail ?? 'no detail'}${where ? ` (${where})` : ''}`, 1, data);
    }
    return data;
  }
  return {
    get: (path, query) => call('GET', path, undefined, query),
    post: (path, body) => call('POST', path, body),
    delete: async (path) => {
      await call('DELETE', path);
    },
  };
}
