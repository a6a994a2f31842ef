/**
 * Passkeys in the vendor portal (issue 15), thin: the work is in src/portal/passkeys.ts. `passkeySignInRoutes`
 * (mounted before sign-in is required): the script and the sign-in ceremony at /vendor/login. `accountRoutes`
 * (behind sign-in): the account page, registering and removing a passkey. The ceremonies post forms (`_csrf` and
 * the authenticator's answer as JSON in `response`), so the portal's write guard checks them as any form, and
 * answer JSON, errors included, for the script.
 */
import { Hono } from 'hono';
import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { z } from 'zod';
import { consoleScript } from '../../console/script';
import { SIGN_IN_RATE } from '../../console/policy';
import { AppError } from '../../errors';
import { requestLogger } from '../../http/middleware';
import { asKnownError, problemStatus } from '../../http/problem';
import { rateLimiter } from '../../http/rate-limit';
import {
  passkeysOfUser,
  registerVendorPasskey,
  removeVendorPasskey,
  signInWithVendorPasskey,
  vendorPasskeyRegistrationOptions,
  vendorPasskeySignInOptions,
  type PasskeyContext,
} from '../../portal/passkeys';
import { PortalAccountPage } from '../../views/portal/account-pages';
import { portalHref } from '../../views/portal/layout';
import { portalText } from '../../views/portal/text';
import { langOf, page, portalSession, setPortalCookie, vendorUser, type PortalCtx, type PortalEnv } from './context';

const passkeyContext = (c: PortalCtx): PasskeyContext => {
  const deps = c.get('deps');
  return { db: deps.database.db, clock: deps.clock, baseUrl: deps.config.publicBaseUrl };
};

/** The session the write guard let through (a POST has one). */
const sessionOf = (c: PortalCtx) => {
  const s = portalSession(c);
  if (!s) throw new AppError('forbidden', 'the form is out of date (CSRF token); reload the page and try again');
  return s;
};

/** The authenticator's answer, as the script posts it: JSON in the form field `response`. */
const Answer = z.looseObject({ id: z.string().min(1).max(1024) });

async function answerOf(c: PortalCtx): Promise<never> {
  const raw = (await c.req.parseBody()).response;
  let parsed: unknown;
  try {
    parsed = typeof raw === 'string' && raw.length <= 65_536 ? JSON.parse(raw) : null;
  } catch {
    parsed = null;
  }
  const answer = Answer.safeParse(parsed);
  if (!answer.success) throw new AppError('invalid', 'the passkey’s answer is missing or not readable', { field: 'response' });
  return answer.data as never;
}

/** Errors of a ceremony answer JSON for the script, never the internal message. */
function jsonError(err: Error, c: Context<PortalEnv>): Response {
  const known = asKnownError(err);
  const http = err instanceof HTTPException ? err.status : null;
  const status: ContentfulStatusCode = known ? problemStatus(known.kind) : http !== null && http < 500 ? 400 : 500;
  if (!known && http === null) requestLogger(c as never).error({ err }, 'unhandled error in a portal passkey ceremony');
  c.header('Cache-Control', 'no-store');
  return c.json({ status, message: known ? known.message : 'the request could not be done' }, status);
}

export function passkeySignInRoutes() {
  const r = new Hono<PortalEnv>();
  const attempts = rateLimiter<PortalEnv>(SIGN_IN_RATE, 'too many sign-in attempts from this address; try again in 15 minutes');

  r.get('/assets/passkey.js', async (c) => {
    const script = await consoleScript();
    if (!script) throw new AppError('not_found', 'no script');
    return c.body(script.code, 200, { 'Content-Type': 'text/javascript; charset=utf-8', ETag: script.etag });
  });

  const ceremony = new Hono<PortalEnv>();
  ceremony.post('/options', async (c) => c.json(await vendorPasskeySignInOptions(passkeyContext(c), sessionOf(c))));
  ceremony.post('/verify', attempts, async (c) => {
    const s = await signInWithVendorPasskey(passkeyContext(c), sessionOf(c), await answerOf(c));
    setPortalCookie(c, s);
    return c.json({ redirect: portalHref('/vendor/', langOf(c)) });
  });
  ceremony.onError(jsonError);
  r.route('/passkey', ceremony);
  return r;
}

export function accountRoutes() {
  const r = new Hono<PortalEnv>();

  r.get('/account', async (c) => {
    const lang = langOf(c);
    const t = portalText(lang);
    const said = c.req.query('m');
    const flash = said === 'added' ? { text: t.passkeyAdded } : said === 'removed' ? { text: t.passkeyRemoved } : null;
    const user = vendorUser(c);
    const passkeys = await passkeysOfUser(c.get('deps').database.db, user);
    return page(c, <PortalAccountPage lang={lang} user={user} csrf={sessionOf(c).csrf} passkeys={passkeys} flash={flash} />);
  });

  const ceremony = new Hono<PortalEnv>();
  ceremony.post('/options', async (c) => c.json(await vendorPasskeyRegistrationOptions(passkeyContext(c), sessionOf(c))));
  ceremony.post('/', async (c) => {
    await registerVendorPasskey(passkeyContext(c), sessionOf(c), await answerOf(c));
    return c.json({ redirect: portalHref('/vendor/account', langOf(c), { m: 'added' }) });
  });
  ceremony.onError(jsonError);
  r.route('/account/passkeys', ceremony);

  r.post('/account/passkeys/:id/remove', async (c) => {
    await removeVendorPasskey(passkeyContext(c), vendorUser(c), c.req.param('id'));
    return c.redirect(portalHref('/vendor/account', langOf(c), { m: 'removed' }), 303);
  });
  return r;
}
