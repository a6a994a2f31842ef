/**
 * The staff console at /staff/ (issue 14): sign-in (passkey; password and TOTP as the fallback), the shell and the
 * read-only screens. Mounted by createApp on the full surface only. Every request reads the session cookie; every
 * POST passes the Origin and CSRF check (context.ts) before its route; everything but sign-in and enrolment is
 * behind `signedIn`. Errors answer a console page (JSON for the passkey script), never the internal message.
 */
import { readFile } from 'node:fs/promises';
import { Hono } from 'hono';
import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { requestLogger } from '../../http/middleware';
import { fromRoot } from '../../paths';
import { asKnownError, problemStatus } from '../../http/problem';
import { consoleScript } from '../../console/script';
import { ConsoleErrorPage } from '../../views/console/auth-pages';
import { authRoutes } from './auth';
import { guardWrites, langOf, page, signedIn, withSession, type ConsoleEnv } from './context';
import { screenRoutes } from './screens';

/** Resolved at the first request, never at import: the Workers bundle imports this module and has no file URLs. */
const cssFile = () => fromRoot('assets', 'console.css');

export function consoleRoutes() {
  const r = new Hono<ConsoleEnv>();

  // Assets first: no session is read for them.
  let css: Promise<string> | null = null;
  r.get('/assets/console.css', async (c) => {
    css ??= readFile(cssFile(), 'utf8');
    return c.body(await css, 200, { 'Content-Type': 'text/css; charset=utf-8', 'Cache-Control': 'public, max-age=3600' });
  });
  r.get('/assets/console.js', async (c) => {
    const script = await consoleScript();
    if (!script) return c.body('', 404);
    return c.body(script.code, 200, { 'Content-Type': 'text/javascript; charset=utf-8', 'Cache-Control': 'public, max-age=3600', ETag: script.etag });
  });

  r.use('*', withSession);
  r.use('*', guardWrites);
  r.route('/', authRoutes());
  r.use('*', signedIn);
  r.route('/', screenRoutes());
  r.notFound((c) => consoleError(c as never, null, 404));
  r.onError((err, c) => consoleError(c as never, err, null));
  return r;
}

async function consoleError(c: Context<ConsoleEnv>, err: Error | null, fixed: 404 | null): Promise<Response> {
  const known = err ? asKnownError(err) : null;
  const http = err instanceof HTTPException ? err.status : null;
  const status = fixed ?? (known ? problemStatus(known.kind) : http !== null && http < 500 ? 400 : 500);
  if (err && !known && http === null) requestLogger(c as never).error({ err }, 'unhandled error in the staff console');
  const message = known ? known.message : null;
  c.header('Cache-Control', 'no-store');
  if (c.req.method === 'POST' && (c.req.header('content-type') ?? '').startsWith('application/json')) {
    return c.json({ status, message: message ?? 'the request could not be done' }, status);
  }
  const s = c.get('session');
  return page(c, <ConsoleErrorPage lang={langOf(c)} status={status} csrf={s?.csrf ?? ''} signedIn={!!s?.staff} message={message} />, status);
}
