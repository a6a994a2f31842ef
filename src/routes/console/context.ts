/**
 * What every console route shares: the session (cookie → `session`, and `staff` exactly as the bearer-token API
 * sets it), the write guard (Origin and CSRF token on every POST, auditors refused), role and scope checks, and
 * rendering. A route that adds a form: take `session(c).csrf` into `<CsrfField>`; the guard has checked it before
 * the route runs. A route reads `staff(c)` (never null behind `signedIn`).
 */
import type { Context } from 'hono';
import { getCookie, setCookie } from 'hono/cookie';
import { createMiddleware } from 'hono/factory';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { ConsoleContext } from '../../console/accounts';
import { cookieName, isLocalHttp } from '../../console/policy';
import { csrfMatches, resumeSession, sameOrigin, startSession, type Session } from '../../console/sessions';
import type { StaffReader } from '../../domain/confidential';
import type { LifecycleContext } from '../../domain/lifecycle/context';
import { AppError } from '../../errors';
import type { AppEnv, Staff, StaffRole } from '../../http/env';
import { noticeSettingsOf } from '../../notices/compose';
import { renderPage } from '../../views/layout';
import { pickLang, type Lang } from '../../views/i18n';

export interface ConsoleEnv {
  Variables: AppEnv['Variables'] & { session: Session | null };
}
export type ConsoleCtx = Context<ConsoleEnv>;

export function consoleContext(c: ConsoleCtx): ConsoleContext {
  const deps = c.get('deps');
  return { db: deps.database.db, clock: deps.clock, baseUrl: deps.config.publicBaseUrl };
}

export const langOf = (c: ConsoleCtx): Lang => {
  const q = c.req.query('lang');
  return pickLang(q === 'ja' || q === 'en' ? q : undefined, c.req.header('accept-language'));
};

export function session(c: ConsoleCtx): Session | null {
  return c.get('session');
}

/** The signed-in staff member (behind `signedIn`). */
export function staff(c: ConsoleCtx): Staff {
  const s = c.get('session')?.staff;
  if (!s) throw new AppError('unauthenticated', 'please sign in');
  return s;
}

/** The cookie: `__Host-`, HttpOnly, Secure, SameSite=Strict, path /; no Max-Age (the server ends it). */
export function setSessionCookie(c: ConsoleCtx, s: Session): void {
  const base = c.get('deps').config.publicBaseUrl;
  setCookie(c, cookieName(base), s.id, { path: '/', httpOnly: true, secure: !isLocalHttp(base), sameSite: 'Strict' });
}

/** Reads the session cookie on every console request. */
export const withSession = createMiddleware<ConsoleEnv>(async (c, next) => {
  const deps = c.get('deps');
  const id = getCookie(c, cookieName(deps.config.publicBaseUrl));
  const s = await resumeSession(deps.database.db, deps.clock, id);
  c.set('session', s);
  if (s?.staff) c.set('staff', s.staff);
  await next();
  c.header('Cache-Control', 'no-store');
});

/** A session before sign-in for the sign-in and enrolment pages (their forms need a CSRF token). */
export async function ensureSession(c: ConsoleCtx): Promise<Session> {
  const existing = c.get('session');
  if (existing) return existing;
  const deps = c.get('deps');
  const s = await startSession(deps.database.db, deps.clock);
  setSessionCookie(c, s);
  c.set('session', s);
  return s;
}

const READ = new Set(['GET', 'HEAD']);

/**
 * Every POST: from the console's own origin (the Origin header), with the session's CSRF token (form field
 * `_csrf`, or the `X-CSRF-Token` header of the passkey script). A cross-site post is refused before any route.
 */
export const guardWrites = createMiddleware<ConsoleEnv>(async (c, next) => {
  if (READ.has(c.req.method)) return next();
  if (!sameOrigin(c.get('deps').config.publicBaseUrl, c.req.header('origin'))) {
    throw new AppError('forbidden', 'a console form is accepted only from the console itself (Origin)');
  }
  const s = c.get('session');
  let sent: unknown = c.req.header('x-csrf-token');
  if (sent === undefined && /^(application\/x-www-form-urlencoded|multipart\/form-data)/i.test(c.req.header('content-type') ?? '')) {
    sent = (await c.req.parseBody())._csrf;
  }
  if (!s || !csrfMatches(s, sent)) throw new AppError('forbidden', 'the form is out of date (CSRF token); reload the page and try again');
  await next();
});

/** Pages and forms behind sign-in: a GET without a session goes to the sign-in page; an auditor never writes. */
export const signedIn = createMiddleware<ConsoleEnv>(async (c, next) => {
  const s = c.get('session');
  if (!s?.staff) {
    if (READ.has(c.req.method)) {
      const lang = c.req.query('lang') === 'en' ? '?lang=en' : '';
      return c.redirect(`/staff/login${lang}`, 303);
    }
    throw new AppError('unauthenticated', 'please sign in');
  }
  if (!READ.has(c.req.method) && s.staff.role === 'auditor' && c.req.path !== '/staff/sign-out') {
    throw new AppError('forbidden', 'auditors have read-only access');
  }
  await next();
});

export function requireRole(c: ConsoleCtx, ...roles: StaffRole[]): Staff {
  const s = staff(c);
  if (!roles.includes(s.role)) throw new AppError('forbidden', `this needs the role ${roles.join(' or ')}`);
  return s;
}

/** Arts. 7, 19: a delegate or committee member reaches its assigned services only; others answer as unknown. */
export function requireInScope(c: ConsoleCtx, serviceId: string): void {
  const scope = staff(c).scope;
  if (scope && !scope.has(serviceId)) throw new AppError('not_found', 'no such service');
}

/** Who reads confidential material (Art. 20: audited below the routes, exactly as the staff API). */
export function reader(c: ConsoleCtx): StaffReader {
  const deps = c.get('deps');
  return { db: deps.database.db, clock: deps.clock, staffId: staff(c).id };
}

/** Who acts: the same lifecycle context the staff API builds (actor `staff:{account id}`), for the forms to come. */
export function lifecycleContext(c: ConsoleCtx): LifecycleContext {
  const deps = c.get('deps');
  return {
    db: deps.database.db,
    clock: deps.clock,
    actor: `staff:${staff(c).id}`,
    signal: c.get('signal'),
    notices: noticeSettingsOf(deps.config, deps.mark),
  };
}

export async function page(c: ConsoleCtx, node: { toString(): string | Promise<string> }, status: ContentfulStatusCode = 200) {
  return c.body(await renderPage(node), status, { 'Content-Type': 'text/html; charset=utf-8' });
}
