import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { certifiedService, ok, op } from '../admin/fixtures';
import { axeViolations, fitsWidth, launchChromium, openPage, servedApp, type Served } from '../support/browser';
import { latestLink, vendorPerson, type VendorPerson } from './support';

/**
 * The vendor portal in Chromium (issue 15): a person signs in by the e-mail link with no script at all, and every
 * portal screen is accessible (axe, WCAG 2.2 AA) under the app's own CSP, and readable at 320 px.
 */

let s: Served;
let browser: Browser;
let admin: VendorPerson;
let service: { id: string; number: string };
let noticeId: string;
let cookie: { name: string; value: string };

beforeAll(async () => {
  s = await servedApp({ now: '2026-04-01T03:00:00Z' });
  service = await certifiedService(s.t, { nameJa: 'ポータルのカルテ' });
  const vendorId = (await s.t.database.db.selectFrom('services').select('vendor_id').where('id', '=', service.id).executeTakeFirstOrThrow()).vendor_id;
  admin = await vendorPerson(s.t, vendorId, 'admin');
  await vendorPerson(s.t, vendorId, 'member');
  await ok(op(s.t, service.id, 'investigations', { subject: '標章の表示について', dueOn: '2026-04-20' }), 201);
  noticeId = (
    await s.t.database.db.selectFrom('notices').select('id').where('service_id', '=', service.id).where('kind', 'not like', 'staff_%').executeTakeFirstOrThrow()
  ).id;
  browser = await launchChromium();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await s?.close();
});

describe('signing in by the e-mail link, with no script', () => {
  it('asks for a link, opens it from the e-mail and signs in with the button', { timeout: 60_000 }, async () => {
    const o = await openPage(browser, { script: false });
    try {
      await o.page.goto(`${s.origin}/vendor/`);
      expect(new URL(o.page.url()).pathname).toBe('/vendor/login');
      await o.page.getByLabel('メールアドレス').fill(admin.email);
      await o.page.getByRole('button', { name: 'リンクを送る' }).click();
      await o.page.getByText('サインイン用のリンクを送りました').waitFor();
      await o.page.goto(await latestLink(s.t, admin.email));
      await o.page.getByRole('button', { name: 'サインイン' }).click();
      await o.page.waitForURL(`${s.origin}/vendor/`);
      await o.page.getByRole('link', { name: 'ポータルのカルテ' }).click();
      await o.page.getByText('標章の表示について').waitFor();
      const c = (await o.context.cookies(s.origin)).find((k) => k.name === 'certmark-vendor')!;
      expect(c.httpOnly).toBe(true);
      expect(c.sameSite).toBe('Strict');
      cookie = { name: c.name, value: c.value };
    } finally {
      await o.context.close();
    }
  });
});

describe('every portal screen: accessible (axe, WCAG 2.2 AA), no CSP or console errors, no horizontal scroll at 320 px', () => {
  const screens: [string, () => string, boolean][] = [
    ['the sign-in page', () => '/vendor/login', false],
    ['the sign-in page in English', () => '/vendor/login?lang=en', false],
    ['a link’s landing page', () => '/vendor/link/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA', false],
    ['the services', () => '/vendor/', true],
    ['a service', () => `/vendor/services/${service.number}`, true],
    ['a service in English', () => `/vendor/services/${service.number}?lang=en`, true],
    ['a notice', () => `/vendor/notices/${noticeId}`, true],
    ['the users', () => '/vendor/users', true],
    ['an unknown page', () => '/vendor/no-such-page', true],
  ];
  for (const [what, path, signedIn] of screens) {
    for (const width of [1024, 320]) {
      it(`${what} at ${width} px`, { timeout: 60_000 }, async () => {
        const o = await openPage(browser, { width });
        try {
          if (signedIn) await o.context.addCookies([{ ...cookie, url: s.origin }]);
          await o.page.goto(`${s.origin}${path()}`);
          if (signedIn) expect(new URL(o.page.url()).pathname).not.toBe('/vendor/login');
          expect(await axeViolations(o.page), path()).toEqual([]);
          expect(await fitsWidth(o.page), 'no horizontal scroll').toBe(true);
          expect(o.errors.filter((e) => !e.includes('404'))).toEqual([]);
        } finally {
          await o.context.close();
        }
      });
    }
  }
});
