import type { Context } from 'hono';
import { createMiddleware } from 'hono/factory';
import type { Logger } from 'pino';
import type { AppDeps } from './env';
import type { AppEnv } from './env';

/** Puts the dependencies and the request id on the context, and logs one line per request. */
export function requestContext(deps: AppDeps) {
  return createMiddleware<AppEnv>(async (c, next) => {
    const incoming = c.req.header('x-request-id');
    const requestId = incoming && /^[\w.-]{1,64}$/.test(incoming) ? incoming : crypto.randomUUID();
    c.set('deps', deps);
    c.set('requestId', requestId);
    const started = deps.quietRequests ? 0 : performance.now();
    await next();
    if (!c.get('sealed')) c.res.headers.set('X-Request-Id', requestId);
    if (!deps.quietRequests) {
      deps.logger.info(
        { requestId, method: c.req.method, path: c.req.path, status: c.res.status, ms: Math.round((performance.now() - started) * 10) / 10 },
        'request',
      );
    }
  });
}

/**
 * The logger of this request (its id on every line). Made when asked: most requests log nothing but the
 * line above, and a child logger per request costs the hot endpoints measurably.
 */
export function requestLogger(c: Context<AppEnv>): Logger {
  return c.get('deps').logger.child({ requestId: c.get('requestId') });
}

/** Strict defaults for every answer: no inline script, never framed. Routes that serve other sites relax CORP. */
export const CONTENT_SECURITY_POLICY =
  "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; connect-src 'self'; " +
  "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

/** The headers of hono/secure-headers' defaults, with ours; a route's own value wins (the mark sets CORP cross-origin). */
const SECURITY_HEADERS: readonly (readonly [string, string])[] = [
  ['Content-Security-Policy', CONTENT_SECURITY_POLICY],
  ['Cross-Origin-Resource-Policy', 'same-origin'],
  ['Cross-Origin-Opener-Policy', 'same-origin'],
  ['Origin-Agent-Cluster', '?1'],
  ['Referrer-Policy', 'strict-origin-when-cross-origin'],
  ['Strict-Transport-Security', 'max-age=15552000; includeSubDomains'],
  ['X-Content-Type-Options', 'nosniff'],
  ['X-DNS-Prefetch-Control', 'off'],
  ['X-Download-Options', 'noopen'],
  ['X-Frame-Options', 'DENY'],
  ['X-Permitted-Cross-Domain-Policies', 'none'],
  ['X-XSS-Protection', '0'],
];

/**
 * Set on the response's own headers after the route ran (c.header() after next() would rebuild the response,
 * which costs the mark endpoint half its throughput).
 */
export function securityHeaders() {
  return createMiddleware<AppEnv>(async (c, next) => {
    await next();
    if (c.get('sealed')) return;
    const h = c.res.headers;
    for (const [name, value] of SECURITY_HEADERS) if (!h.has(name)) h.set(name, value);
  });
}

const SECURITY_HEADER_RECORD: Readonly<Record<string, string>> = Object.fromEntries(SECURITY_HEADERS);

/**
 * An answer that carries every header itself (the security headers, the request id and the route's own, which
 * win), as one plain record: @hono/node-server then writes it without building a Headers object, and the two
 * middlewares above leave it alone. For the hot cross-origin endpoints (mark, badge): it keeps them near the
 * throughput of a bare node:http server. The body is bytes, not a string (node writes a Buffer faster). Header
 * names as in SECURITY_HEADERS (canonical case), so a route's value replaces the default instead of doubling it.
 */
export function sealedResponse(c: Context<AppEnv>, body: Uint8Array<ArrayBuffer> | null, status: number, headers: Record<string, string>): Response {
  c.set('sealed', true);
  return new Response(body, { status, headers: { ...SECURITY_HEADER_RECORD, ...headers, 'X-Request-Id': c.get('requestId') } });
}
