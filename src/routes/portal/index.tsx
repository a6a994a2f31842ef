/**
 * The vendor portal at /vendor/ (issue 15): sign-in by a one-time e-mail link, and a vendor user's own vendor's
 * services, notices, requests and cases. The console's session and CSRF rules (context.ts); every route reaches
 * the signed-in user's vendor only, and answers any other as unknown. Errors answer a portal page.
 */
import { Hono } from 'hono';
import type { Context } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { HTTPException } from 'hono/http-exception';
import { z } from 'zod';
import { SIGN_IN_RATE } from '../../console/policy';
import { AppError } from '../../errors';
import { requestLogger } from '../../http/middleware';
import { asKnownError, problemStatus } from '../../http/problem';
import { rateLimiter } from '../../http/rate-limit';
import { MAX_ANSWER_BODY } from '../../portal/answers';
import { endPortalSession } from '../../portal/sessions';
import { vendorNotice, vendorNoticeFile, vendorServiceList, vendorServiceOf, vendorServiceView } from '../../portal/services';
import { disableVendorUser, inviteVendorUser, requestSignInLink, signInWithLink, vendorUsers } from '../../portal/users';
import { LinkPage, LinkSentPage, PortalErrorPage, PortalSignInPage } from '../../views/portal/auth-pages';
import { portalHref } from '../../views/portal/layout';
import { PortalHomePage, PortalNoticePage, PortalServicePage, PortalUsersPage } from '../../views/portal/pages';
import { portalText } from '../../views/portal/text';
import {
  ensurePortalSession,
  withPortalSession,
  guardPortalWrites,
  langOf,
  page,
  portalContext,
  portalSession,
  portalSignedIn,
  setPortalCookie,
  vendorUser,
  type PortalCtx,
  type PortalEnv,
} from './context';
import { accountRoutes, passkeySignInRoutes } from './account';
import { caseRoutes } from './cases';
import { filingRoutes } from './filings';
import { mountSiteRoutes } from './sites';

const str = (v: unknown, max = 1024) => (typeof v === 'string' ? v.slice(0, max) : '');
const Sha256 = z.string().regex(/^[0-9a-f]{64}$/);

export function portalRoutes() {
  const r = new Hono<PortalEnv>();
  // the largest form is an answer with its PDFs: a bigger body is refused before a byte of it is read
  r.use(
    '*',
    bodyLimit({
      maxSize: MAX_ANSWER_BODY,
      onError: () => {
        throw new AppError('too_large', `the request body is larger than ${Math.floor(MAX_ANSWER_BODY / 1024 / 1024)} MiB`);
      },
    }),
  );
  r.use('*', withPortalSession);
  r.use('*', guardPortalWrites);
  const attempts = rateLimiter<PortalEnv>(SIGN_IN_RATE, 'too many sign-in attempts from this address; try again in 15 minutes');

  r.get('/login', async (c) => {
    const lang = langOf(c);
    if (portalSession(c)?.user) return c.redirect(portalHref('/vendor/', lang), 303);
    const s = await ensurePortalSession(c);
    const flash = c.req.query('m') === 'out' ? { text: portalText(lang).signedOut } : null;
    return page(c, <PortalSignInPage lang={lang} csrf={s.csrf} flash={flash} email="" />);
  });

  r.post('/login', attempts, async (c) => {
    const lang = langOf(c);
    const email = str((await c.req.parseBody()).email, 254);
    try {
      await requestSignInLink(portalContext(c), email);
    } catch (err) {
      if (!(err instanceof AppError) || err.kind !== 'invalid') throw err;
      return page(c, <PortalSignInPage lang={lang} csrf={portalSession(c)!.csrf} flash={{ text: err.message, bad: true }} email={email} />, 400);
    }
    // the same answer whether or not the address is known
    return page(c, <LinkSentPage lang={lang} csrf={portalSession(c)!.csrf} email={email} />);
  });

  // A GET never signs in: mail scanners open links; the button posts.
  r.get('/link/:token', async (c) => {
    const s = await ensurePortalSession(c);
    const lang = langOf(c);
    return page(c, <LinkPage lang={lang} csrf={s.csrf} action={portalHref(`/vendor/link/${c.req.param('token').slice(0, 64)}`, lang)} />);
  });

  r.post('/link/:token', attempts, async (c) => {
    const s = await signInWithLink(portalContext(c), portalSession(c)?.id ?? null, c.req.param('token').slice(0, 64));
    setPortalCookie(c, s);
    return c.redirect(portalHref('/vendor/', langOf(c)), 303);
  });

  r.post('/sign-out', async (c) => {
    const s = portalSession(c);
    const deps = c.get('deps');
    if (s) await endPortalSession(deps.database.db, deps.clock, s);
    return c.redirect(`/vendor/login?m=out${langOf(c) === 'en' ? '&lang=en' : ''}`, 303);
  });

  r.route('/', passkeySignInRoutes()); // passkeys at /vendor/login (issue 15): ./account.tsx

  r.use('*', portalSignedIn);

  const home = async (c: PortalCtx) => {
    const deps = c.get('deps');
    const list = await vendorServiceList(deps.database.db, deps.clock.now(), vendorUser(c));
    return page(c, <PortalHomePage lang={langOf(c)} user={vendorUser(c)} csrf={portalSession(c)!.csrf} services={list} />);
  };
  r.get('/', home);

  r.get('/services/:service', async (c) => {
    const deps = c.get('deps');
    const user = vendorUser(c);
    const service = await vendorServiceOf(deps.database.db, user, c.req.param('service'));
    const view = await vendorServiceView(deps.database.db, deps.clock, service);
    return page(c, <PortalServicePage lang={langOf(c)} user={user} csrf={portalSession(c)!.csrf} s={view} />);
  });

  r.get('/notices/:id', async (c) => {
    const n = await vendorNotice(c.get('deps').database.db, c.get('deps').clock, vendorUser(c), c.req.param('id'));
    return page(c, <PortalNoticePage lang={langOf(c)} user={vendorUser(c)} csrf={portalSession(c)!.csrf} n={n} />);
  });

  r.get('/notices/:id/files/:sha256', async (c) => {
    const sha = Sha256.safeParse(c.req.param('sha256'));
    if (!sha.success) throw new AppError('not_found', 'no such file');
    const f = await vendorNoticeFile(c.get('deps').database.db, c.get('deps').clock, vendorUser(c), c.req.param('id'), sha.data);
    return c.body(new Uint8Array(f.bytes), 200, {
      'Content-Type': f.contentType,
      'Content-Disposition': `attachment; filename="${f.name.replace(/[^\w.-]/g, '_')}"`,
      'X-Content-Type-Options': 'nosniff',
    });
  });

  const users = async (
    c: PortalCtx,
    flash: { text: string; bad?: boolean } | null,
    form = { email: '', name: '', role: 'member' },
    status: 200 | 400 | 409 = 200,
  ) => {
    const user = vendorUser(c);
    if (user.role !== 'admin') throw new AppError('forbidden', 'only your company’s portal administrators manage its users');
    const list = await vendorUsers(c.get('deps').database.db, user.vendorId);
    return page(c, <PortalUsersPage lang={langOf(c)} user={user} csrf={portalSession(c)!.csrf} users={list} flash={flash} form={form} />, status);
  };
  r.get('/users', (c) => users(c, null));

  r.post('/users', async (c) => {
    const user = vendorUser(c);
    if (user.role !== 'admin') throw new AppError('forbidden', 'only your company’s portal administrators manage its users');
    const f = await c.req.parseBody();
    const form = { email: str(f.email, 254), name: str(f.name, 200), role: str(f.role, 10) };
    try {
      const made = await inviteVendorUser(portalContext(c), `vendor:${user.id}`, user.vendorId, form as never);
      return users(c, { text: portalText(langOf(c)).invited(made.email) });
    } catch (err) {
      if (!(err instanceof AppError) || (err.kind !== 'invalid' && err.kind !== 'conflict')) throw err;
      return users(c, { text: err.message, bad: true }, form, err.kind === 'invalid' ? 400 : 409);
    }
  });

  r.post('/users/:id/disable', async (c) => {
    const user = vendorUser(c);
    if (user.role !== 'admin') throw new AppError('forbidden', 'only your company’s portal administrators manage its users');
    const id = c.req.param('id').slice(0, 100);
    if (id === user.id) throw new AppError('conflict', 'you cannot disable yourself');
    await disableVendorUser(portalContext(c), `vendor:${user.id}`, id, user.vendorId);
    return c.redirect(portalHref('/vendor/users', langOf(c)), 303);
  });

  r.route('/', accountRoutes()); // the account page and its passkeys: ./account.tsx
  r.route('/', caseRoutes()); // one misuse case with its evidence: ./cases.tsx
  r.route('/', filingRoutes());
  mountSiteRoutes(r); // sites and embedding (issue 15): ./sites.tsx
  r.get('/*', (c) => {
    if (c.req.path === '/vendor/') return home(c);
    throw new AppError('not_found', 'no such page');
  });
  r.notFound((c) => portalError(c as never, null, 404));
  r.onError((err, c) => portalError(c as never, err, null));
  return r;
}

async function portalError(c: Context<PortalEnv>, err: Error | null, fixed: 404 | null): Promise<Response> {
  const known = err ? asKnownError(err) : null;
  const http = err instanceof HTTPException ? err.status : null;
  const status = fixed ?? (known ? problemStatus(known.kind) : http !== null && http < 500 ? 400 : 500);
  if (err && !known && http === null) requestLogger(c as never).error({ err }, 'unhandled error in the vendor portal');
  c.header('Cache-Control', 'no-store');
  const s = c.get('portal');
  return page(c, <PortalErrorPage lang={langOf(c)} status={status} csrf={s?.csrf ?? ''} signedIn={!!s?.user} message={known ? known.message : null} />, status);
}
