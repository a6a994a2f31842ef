import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeCrawlerKey } from '../../src/access/crawler-keys';
import { assignServiceToAccount, inviteStaff } from '../../src/console/accounts';
import { totpCode } from '../../src/console/factors';
import { appliedService, certifiedService } from '../admin/fixtures';
import type { TestApp } from '../support/app';
import { axeViolations, launchChromium, servedApp, type Served } from '../support/browser';
import { Client, enrolledPerson, PASSWORD, type Person } from './support';

/**
 * The staff console in Chromium (issue 14): enrolment and sign-in with a passkey (a CDP virtual authenticator),
 * and with a password and TOTP with no script at all; every screen accessible (axe, WCAG 2.2 AA) with the app's
 * own CSP in force, and readable at 320 px. WebAuthn needs a domain, so the console runs at http://localhost
 * (Chromium maps the name to 127.0.0.1); there the cookie is the non-Secure `certmark-staff`.
 */

const COOKIE = 'certmark-staff';

let served: Served;
let t: TestApp;
let origin: string;
let browser: Browser;
let admin: Person;
let delegate: Person;
let adminSession: string;
let service: { id: string; number: string };

beforeAll(async () => {
  served = await servedApp();
  t = served.t;
  origin = served.origin;
  service = await certifiedService(t);
  await appliedService(t);
  admin = await enrolledPerson(t, 'admin');
  const named = await t.json('POST', '/api/v1/admin/delegates', { nameJa: '審査支援機構', scopeJa: '書類審査' });
  delegate = await enrolledPerson(t, 'delegate', { delegate: ((await named.json()) as { id: string }).id });
  await assignServiceToAccount({ db: t.database.db, clock: t.clock }, 'test', delegate.id, service.id);
  await makeCrawlerKey({ db: t.database.db, clock: t.clock, actor: 'test' }, { name: 'crawler one' });
  const c = new Client(t);
  expect((await c.signIn(admin)).status).toBe(303);
  adminSession = c.cookies.get(COOKIE)!;
  browser = await launchChromium();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await served?.close();
});

interface Opened {
  context: BrowserContext;
  page: Page;
  errors: string[];
}

async function open(options: { width?: number; script?: boolean; session?: string } = {}): Promise<Opened> {
  const context = await browser.newContext({
    viewport: { width: options.width ?? 1024, height: 800 },
    javaScriptEnabled: options.script ?? true,
    locale: 'ja-JP', // Accept-Language: ja (the console is Japanese first; ?lang=en switches)
  });
  if (options.session) await context.addCookies([{ name: COOKIE, value: options.session, url: origin }]);
  const page = await context.newPage();
  page.setDefaultTimeout(20_000);
  const errors: string[] = [];
  page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
  page.on('pageerror', (e) => errors.push(e.message));
  return { context, page, errors };
}

const axe = axeViolations;

const sessionCookie = async (context: BrowserContext) => (await context.cookies(origin)).find((c) => c.name === COOKIE);

describe('signing in with a passkey (WebAuthn, virtual authenticator)', () => {
  it('enrols a passkey from the invitation, then signs in with it: a new session id, the counter moved on', { timeout: 90_000 }, async () => {
    const invited = await inviteStaff({ db: t.database.db, clock: t.clock, baseUrl: origin }, 'test', {
      email: 'passkey@body.example',
      name: 'Passkey Person',
      role: 'reviewer',
    });
    const o = await open();
    try {
      const cdp = await o.context.newCDPSession(o.page);
      await cdp.send('WebAuthn.enable', { enableUI: false });
      await cdp.send('WebAuthn.addVirtualAuthenticator', {
        options: {
          protocol: 'ctap2',
          transport: 'internal',
          hasResidentKey: true,
          hasUserVerification: true,
          isUserVerified: true,
          automaticPresenceSimulation: true,
        },
      });
      await o.page.goto(invited.url);
      await o.page.getByRole('button', { name: 'パスキーを登録' }).click();
      await o.page.waitForURL(/\/staff\/login\?m=enrolled$/);
      expect(await o.page.locator('.flash').innerText()).toContain('登録が完了しました');
      const before = await sessionCookie(o.context);
      await o.page.getByRole('button', { name: 'パスキーでサインイン' }).click();
      await o.page.waitForURL(`${origin}/staff/`);
      expect(await o.page.locator('h1').innerText()).toBe('ダッシュボード');
      expect(await o.page.locator('form.sign-out .who').innerText()).toContain('Passkey Person');
      const after = await sessionCookie(o.context);
      expect(after?.value).toBeDefined();
      expect(after?.value).not.toBe(before?.value);
      expect(after).toMatchObject({ httpOnly: true, sameSite: 'Strict', path: '/' });
      const key = await t.database.db
        .selectFrom('staff_passkeys')
        .select(['counter', 'last_used_at'])
        .where('account_id', '=', invited.account.id)
        .executeTakeFirstOrThrow();
      expect(key.last_used_at).not.toBeNull();
      expect(Number(key.counter)).toBeGreaterThan(0);
      const signIns = await t.database.db
        .selectFrom('staff_sign_ins')
        .select(['kind', 'method'])
        .where('account_id', '=', invited.account.id)
        .orderBy('id')
        .execute();
      expect(signIns).toEqual([
        { kind: 'invited', method: null },
        { kind: 'enrolled', method: 'passkey' },
        { kind: 'signed_in', method: 'passkey' },
      ]);
      expect(o.errors).toEqual([]);
    } finally {
      await o.context.close();
    }
  });
});

describe('signing in with a password and TOTP, no script at all', () => {
  it('enrols with a password and the authenticator app’s code, then signs in with them', { timeout: 90_000 }, async () => {
    const invited = await inviteStaff({ db: t.database.db, clock: t.clock, baseUrl: origin }, 'test', {
      email: 'totp@body.example',
      name: 'TOTP Person',
      role: 'auditor',
    });
    const o = await open({ script: false });
    try {
      await o.page.goto(`${invited.url}?lang=en`);
      expect(await o.page.locator('.passkey').isHidden()).toBe(true);
      const secret = (await o.page.locator('p.secret').innerText()).trim();
      await o.page.getByLabel('Password', { exact: true }).fill(PASSWORD);
      await o.page.getByLabel('Password (again)').fill(PASSWORD);
      await o.page.getByLabel(/^Code/).fill(totpCode(secret, t.clock.now()));
      await o.page.getByRole('button', { name: 'Enrol' }).click();
      await o.page.waitForURL(/\/staff\/login\?m=enrolled&lang=en$/);
      t.clock.advance(30_000); // the code of the next step: a code is good once
      await o.page.getByLabel('E-mail address').fill('totp@body.example');
      await o.page.locator('#password').fill(PASSWORD);
      await o.page.getByLabel(/^Code/).fill(totpCode(secret, t.clock.now()));
      await o.page.getByRole('button', { name: 'Sign in' }).click();
      await o.page.waitForURL(`${origin}/staff/?lang=en`);
      expect(await o.page.locator('h1').innerText()).toBe('Dashboard');
      expect(await o.page.locator('form.sign-out .who').innerText()).toContain('TOTP Person (auditor (read only))');
      expect(o.errors).toEqual([]);
    } finally {
      await o.context.close();
    }
  });
});

describe('every console screen: accessible (axe, WCAG 2.2 AA), no CSP or console errors, no horizontal scroll at 320 px', () => {
  const screens: [string, () => string, boolean][] = [
    ['the sign-in page', () => '/staff/login', false],
    ['the sign-in page in English', () => '/staff/login?lang=en', false],
    ['the dashboard', () => '/staff/', true],
    ['the dashboard in English', () => '/staff/?lang=en', true],
    ['the services', () => '/staff/services', true],
    ['a service', () => `/staff/services/${service.number}`, true],
    ['a service in English', () => `/staff/services/${service.number}?lang=en`, true],
    ['the cases', () => '/staff/cases', true],
    ['the inquiries', () => '/staff/inquiries', true],
    ['the audit log', () => '/staff/audit-log', true],
    ['the staff accounts', () => '/staff/accounts', true],
    ['a delegate’s account with its assigned service', () => `/staff/accounts/${delegate.id}`, true],
    ['the crawler keys', () => '/staff/crawler-keys?lang=en', true],
    ['an unknown page', () => '/staff/no-such-page', true],
  ];
  for (const [what, path, signedIn] of screens) {
    for (const width of [1024, 320]) {
      it(`${what} at ${width} px`, { timeout: 60_000 }, async () => {
        const o = await open({ width, session: signedIn ? adminSession : undefined });
        try {
          await o.page.goto(`${origin}${path()}`);
          expect(await axe(o.page), path()).toEqual([]);
          expect(await o.page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth), 'no horizontal scroll').toBe(true);
          expect(o.errors.filter((e) => !e.includes('404'))).toEqual([]);
        } finally {
          await o.context.close();
        }
      });
    }
  }

  it('the enrolment page, with its QR code', { timeout: 60_000 }, async () => {
    const invited = await inviteStaff({ db: t.database.db, clock: t.clock, baseUrl: origin }, 'test', {
      email: 'axe@body.example',
      name: 'Axe',
      role: 'reviewer',
    });
    const o = await open({ width: 320 });
    try {
      await o.page.goto(invited.url);
      expect(await axe(o.page)).toEqual([]);
      expect(await o.page.locator('img.totp-qr').evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth > 0)).toBe(true);
      expect(await o.page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true);
      expect(o.errors).toEqual([]);
    } finally {
      await o.context.close();
    }
  });
});
