/** Sign-in, sign-out and enrolment (thin: the work is in src/console/). */
import { Hono } from 'hono';
import QRCode from 'qrcode';
import { enrolWithPassword, openInvite } from '../../console/accounts';
import { newTotpSecret, totpUri } from '../../console/factors';
import { enrolPasskey, LockedOut, passkeyEnrolOptions, passkeySignInOptions, signInWithPasskey, signInWithPassword, signOut } from '../../console/sign-in';
import { SIGN_IN_RATE } from '../../console/policy';
import { AppError } from '../../errors';
import { rateLimiter } from '../../http/rate-limit';
import { EnrolPage, SignInPage, type Flash } from '../../views/console/auth-pages';
import { consoleHref } from '../../views/console/layout';
import { consoleText } from '../../views/console/text';
import { consoleContext, ensureSession, langOf, page, session, setSessionCookie, type ConsoleEnv } from './context';

const str = (v: unknown, max = 1024) => (typeof v === 'string' ? v.slice(0, max) : '');

async function jsonBody(c: { req: { json(): Promise<unknown> } }): Promise<unknown> {
  try {
    return await c.req.json();
  } catch {
    throw new AppError('invalid', 'a JSON body is expected');
  }
}

export function authRoutes() {
  const r = new Hono<ConsoleEnv>();
  // every attempt to sign in or enrol counts against the client's address (the account's own lockout is in sign-in.ts)
  const attempts = rateLimiter<ConsoleEnv>(SIGN_IN_RATE, 'too many sign-in attempts from this address; try again in 15 minutes');
  for (const path of ['/login', '/passkey/verify', '/enrol/:token', '/enrol/:token/passkey']) r.post(path, attempts);

  // the sign-in page's address until stop 12: kept for bookmarks
  r.get('/sign-in', (c) => c.redirect(`/staff/login${new URL(c.req.url).search}`, 308));

  r.get('/login', async (c) => {
    const lang = langOf(c);
    const existing = session(c);
    if (existing?.staff) return c.redirect(consoleHref('/staff/', lang), 303);
    const s = await ensureSession(c);
    const t = consoleText(lang);
    const said = c.req.query('m');
    const flash: Flash | null = said === 'out' ? { text: t.signedOut } : said === 'enrolled' ? { text: t.enrolled } : null;
    return page(c, <SignInPage lang={lang} csrf={s.csrf} flash={flash} email="" />);
  });

  r.post('/login', async (c) => {
    const lang = langOf(c);
    const form = await c.req.parseBody();
    const previous = session(c);
    try {
      const s = await signInWithPassword(consoleContext(c), previous?.id ?? null, {
        email: str(form.email, 254),
        password: str(form.password),
        code: str(form.code, 16),
      });
      setSessionCookie(c, s);
      return c.redirect(consoleHref('/staff/', lang), 303);
    } catch (err) {
      if (!(err instanceof AppError) || (err.kind !== 'unauthenticated' && err.kind !== 'rate_limited')) throw err;
      const t = consoleText(lang);
      const text = err instanceof LockedOut ? t.errors[429]! : err.message;
      // the form again with the same session (and its CSRF token), the e-mail kept
      return page(
        c,
        <SignInPage lang={lang} csrf={previous!.csrf} flash={{ text, bad: true }} email={str(form.email, 254)} />,
        err instanceof LockedOut ? 429 : 401,
      );
    }
  });

  r.post('/passkey/options', async (c) => c.json(await passkeySignInOptions(consoleContext(c), session(c)!)));

  r.post('/passkey/verify', async (c) => {
    const s = await signInWithPasskey(consoleContext(c), session(c)!, (await jsonBody(c)) as never);
    setSessionCookie(c, s);
    return c.json({ redirect: consoleHref('/staff/', langOf(c)) });
  });

  r.post('/sign-out', async (c) => {
    const s = session(c);
    if (s) await signOut(consoleContext(c), s);
    const lang = langOf(c);
    return c.redirect(`/staff/login?m=out${lang === 'en' ? '&lang=en' : ''}`, 303);
  });

  r.get('/enrol/:token', async (c) => {
    const lang = langOf(c);
    const s = await ensureSession(c);
    const open = await openInvite(consoleContext(c), c.req.param('token'));
    if (!open) return page(c, <EnrolPage lang={lang} csrf={s.csrf} enrol={null} flash={null} />, 404);
    return page(
      c,
      <EnrolPage
        lang={lang}
        csrf={s.csrf}
        enrol={await enrolView(c.req.param('token'), open.account, newTotpSecret(), lang, c.get('deps').config.publicBaseUrl)}
        flash={null}
      />,
    );
  });

  r.post('/enrol/:token', async (c) => {
    const lang = langOf(c);
    const token = c.req.param('token');
    const form = await c.req.parseBody();
    const secret = str(form.totpSecret, 64);
    try {
      await enrolWithPassword(consoleContext(c), token, {
        password: str(form.password, 300),
        confirm: str(form.confirm, 300),
        totpSecret: secret,
        code: str(form.code, 16),
      });
    } catch (err) {
      if (!(err instanceof AppError) || err.kind !== 'invalid' || err.field === 'token') throw err;
      const open = await openInvite(consoleContext(c), token);
      if (!open) throw err;
      const view = await enrolView(token, open.account, /^[A-Z2-7]{32}$/.test(secret) ? secret : newTotpSecret(), lang, c.get('deps').config.publicBaseUrl);
      return page(c, <EnrolPage lang={lang} csrf={session(c)!.csrf} enrol={view} flash={{ text: err.message, bad: true }} />, 400);
    }
    return c.redirect(`/staff/login?m=enrolled${lang === 'en' ? '&lang=en' : ''}`, 303);
  });

  r.post('/enrol/:token/passkey/options', async (c) => c.json(await passkeyEnrolOptions(consoleContext(c), session(c)!, c.req.param('token'))));

  r.post('/enrol/:token/passkey', async (c) => {
    await enrolPasskey(consoleContext(c), session(c)!, c.req.param('token'), (await jsonBody(c)) as never);
    const lang = langOf(c);
    return c.json({ redirect: `/staff/login?m=enrolled${lang === 'en' ? '&lang=en' : ''}` });
  });

  return r;
}

async function enrolView(token: string, account: { name: string; email: string; role: string }, secret: string, lang: 'ja' | 'en', baseUrl: string) {
  const t = consoleText(lang);
  const uri = totpUri(secret, `certmark ${new URL(baseUrl).host}`, account.email);
  return {
    token,
    name: account.name,
    email: account.email,
    role: t.roles[account.role as keyof typeof t.roles] ?? account.role,
    totpSecret: secret,
    totpUri: uri,
    totpQr: await QRCode.toDataURL(uri, { margin: 1, width: 180 }),
  };
}
