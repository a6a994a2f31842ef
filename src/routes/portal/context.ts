/**
 * What every portal route shares, as the console's context does: the session cookie (`session`, and `user`, the
 * signed-in vendor user), the write guard (Origin and CSRF token on every POST) and rendering. A route reads
 * `vendorUser(c)` (never null behind `portalSignedIn`) and reaches that user's vendor's data only.
 */
import type { Context } from 'hono';
import { getCookie, setCookie } from 'hono/cookie';
import { createMiddleware } from 'hono/factory';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { isLocalHttp } from '../../console/policy';
import { csrfMatches, sameOrigin } from '../../console/sessions';
import { AppError } from '../../errors';
import type { AppEnv } from '../../http/env';
import { noticeSettingsOf } from '../../notices/compose';
import { vendorCookieName } from '../../portal/policy';
import { resumePortalSession, startPortalSession, type PortalSession, type VendorUser } from '../../portal/sessions';
import type { PortalContext } from '../../portal/users';
import { pickLang, type Lang } from '../../views/i18n';
import { renderPage } from '../../views/layout';

export interface PortalEnv {
  Variables: AppEnv['Variables'] & { portal: PortalSession | null };
}
export type PortalCtx = Context<PortalEnv>;

export const langOf = (c: PortalCtx): Lang => {
  const q = c.req.query('lang');
  return pickLang(q === 'ja' || q === 'en' ? q : undefined, c.req.header('accept-language'));
};

export function portalContext(c: PortalCtx): PortalContext {
  const deps = c.get('deps');
  return { db: deps.database.db, clock: deps.clock, notices: noticeSettingsOf(deps.config, deps.mark) };
}

export function portalSession(c: PortalCtx): PortalSession | null {
  return c.get('portal');
}

/** The signed-in vendor user (behind `portalSignedIn`). */
export function vendorUser(c: PortalCtx): VendorUser {
  const u = c.get('portal')?.user;
  if (!u) throw new AppError('unauthenticated', 'please sign in');
  return u;
}

/** The cookie: `__Host-`, HttpOnly, Secure, SameSite=Strict, path /; no Max-Age (the server ends it). */
export function setPortalCookie(c: PortalCtx, s: PortalSession): void {
  const base = c.get('deps').config.publicBaseUrl;
  setCookie(c, vendorCookieName(base), s.id, { path: '/', httpOnly: true, secure: !isLocalHttp(base), sameSite: 'Strict' });
}

export const withPortalSession = createMiddleware<PortalEnv>(async (c, next) => {
  const deps = c.get('deps');
  const s = await resumePortalSession(deps.database.db, deps.clock, getCookie(c, vendorCookieName(deps.config.publicBaseUrl)));
  c.set('portal', s);
  await next();
  c.header('Cache-Control', 'no-store');
});

/** A session before sign-in, for the sign-in forms' CSRF token. */
export async function ensurePortalSession(c: PortalCtx): Promise<PortalSession> {
  const existing = c.get('portal');
  if (existing) return existing;
  const deps = c.get('deps');
  const s = await startPortalSession(deps.database.db, deps.clock);
  setPortalCookie(c, s);
  c.set('portal', s);
  return s;
}

const READ = new Set(['GET', 'HEAD']);

/** Every POST: from certmark's own origin (the Origin header), with the session's CSRF token (`_csrf`). */
export const guardPortalWrites = createMiddleware<PortalEnv>(async (c, next) => {
  if (READ.has(c.req.method)) return next();
  if (!sameOrigin(c.get('deps').config.publicBaseUrl, c.req.header('origin'))) {
    throw new AppError('forbidden', 'a portal form is accepted only from the portal itself (Origin)');
  }
  const s = c.get('portal');
  let sent: unknown;
  if (/^(application\/x-www-form-urlencoded|multipart\/form-data)/i.test(c.req.header('content-type') ?? '')) sent = (await c.req.parseBody())._csrf;
  if (!s || !csrfMatches(s, sent)) {
    throw new AppError('forbidden', 'the form is out of date (CSRF token); reload the page and try again');
  }
  await next();
});

/** Pages behind sign-in: a GET without a signed-in session goes to the sign-in page. */
export const portalSignedIn = createMiddleware<PortalEnv>(async (c, next) => {
  if (!c.get('portal')?.user) {
    if (READ.has(c.req.method)) return c.redirect(`/vendor/login${c.req.query('lang') === 'en' ? '?lang=en' : ''}`, 303);
    throw new AppError('unauthenticated', 'please sign in');
  }
  await next();
});

export async function page(c: PortalCtx, node: { toString(): string | Promise<string> }, status: ContentfulStatusCode = 200) {
  return c.body(await renderPage(node), status, { 'Content-Type': 'text/html; charset=utf-8' });
}
