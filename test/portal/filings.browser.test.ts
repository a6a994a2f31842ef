import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { certifiedService } from '../admin/fixtures';
import { enrolledPerson } from '../console/support';
import { axeViolations, fitsWidth, launchChromium, openPage, servedApp, type Served } from '../support/browser';
import { Client, portalSignIn, vendorPerson, type VendorPerson } from './support';

/**
 * Vendors' filings in Chromium (issue 15), with no script: the vendor files a renewal outside its window, staff
 * see the request in the console and accept it with a reason, and the vendor sees the outcome and the notices;
 * an emergency filed in the browser shows in the console's timeline with its vendor actor. Every new form and
 * screen: axe 0 violations (WCAG 2.2 AA) at 1024 and 320 px, no horizontal scroll, no CSP or console errors.
 */

let s: Served;
let browser: Browser;
let me: VendorPerson;
let svc: { id: string; number: string };
let spare: { id: string; number: string };
let vendorCookie: { name: string; value: string };
let staffCookie: { name: string; value: string };
let requestId: string;

beforeAll(async () => {
  s = await servedApp({ now: '2026-04-01T03:00:00Z' });
  svc = await certifiedService(s.t, { nameJa: 'ブラウザのカルテ' });
  const vendorId = (await s.t.database.db.selectFrom('services').select('vendor_id').where('id', '=', svc.id).executeTakeFirstOrThrow()).vendor_id;
  spare = await certifiedService(s.t, { vendorId, nameJa: '予備のカルテ' });
  me = await vendorPerson(s.t, vendorId);
  const vc = new Client(s.t);
  expect((await portalSignIn(vc, me)).status).toBe(303);
  vendorCookie = { name: 'certmark-vendor', value: vc.cookies.get('certmark-vendor')! };
  const sc = new Client(s.t);
  expect((await sc.signIn(await enrolledPerson(s.t, 'reviewer'))).status).toBe(303);
  staffCookie = { name: 'certmark-staff', value: sc.cookies.get('certmark-staff')! };
  browser = await launchChromium();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await s?.close();
});

/** A signed-in browser; no script for the filings, script for axe (the pages' CSP still refuses any inline one). */
async function as(cookie: { name: string; value: string }, o: { width?: number; script?: boolean } = {}) {
  const opened = await openPage(browser, { script: false, ...o });
  await opened.context.addCookies([{ ...cookie, url: s.origin }]);
  return opened;
}

describe('filing end to end, with no script', () => {
  it('a renewal outside its window: the vendor files, staff accept with a reason, the vendor sees the outcome and the notices', {
    timeout: 60_000,
  }, async () => {
    const v = await as(vendorCookie);
    try {
      await v.page.goto(`${s.origin}/vendor/services/${svc.number}`);
      await v.page.getByRole('link', { name: '更新申請（第12条第1項）' }).click();
      await v.page.getByRole('button', { name: '届け出る' }).click(); // empty: the errors, inline
      await v.page.locator('#f-selfDeclaration-statement-error').waitFor();
      await v.page.getByLabel('認定マークを規程に従って使用していることを申告します（第10条第7項）').check();
      await v.page.getByLabel('自己申告の内容').fill('規程どおり使用しました');
      await v.page.getByRole('button', { name: '届け出る' }).click();
      await v.page.waitForURL(`${s.origin}/vendor/services/${svc.number}#filings-h`);
      await v.page.getByText('判断待ち').waitFor();
      await v.page.getByRole('link', { name: /受付のお知らせ: 更新申請/ }).waitFor();
    } finally {
      await v.context.close();
    }

    const st = await as(staffCookie);
    try {
      await st.page.goto(`${s.origin}/staff/vendor-requests`);
      await st.page.getByRole('link', { name: /ブラウザのカルテ/ }).click();
      requestId = new URL(st.page.url()).pathname.split('/').at(-1)!;
      await st.page.getByText('規程どおり使用しました').waitFor();
      await st.page.getByLabel('理由（事業者に通知されます）').fill('事情を考慮して受理');
      await st.page.getByRole('button', { name: '受理する' }).click();
      await st.page.locator('dd', { hasText: '事情を考慮して受理' }).waitFor();
      await st.page.goto(`${s.origin}/staff/services/${svc.number}`);
      await st.page.locator('.timeline li', { hasText: 'renewal.filed' }).waitFor(); // the renewal, filed on acceptance
    } finally {
      await st.context.close();
    }

    const back = await as(vendorCookie);
    try {
      await back.page.goto(`${s.origin}/vendor/services/${svc.number}`);
      await back.page.getByText('受理', { exact: true }).waitFor();
      await back.page.getByRole('link', { name: /更新申請（第12条第1項）の受理について/ }).click();
      await back.page.getByText('受理しました').waitFor();
      expect(back.errors).toEqual([]);
    } finally {
      await back.context.close();
    }
  });

  it('an emergency: the vendor files it, staff see it on the service’s timeline with the vendor as its actor', { timeout: 60_000 }, async () => {
    const v = await as(vendorCookie);
    try {
      await v.page.goto(`${s.origin}/vendor/services/${spare.number}/file/emergency`);
      await v.page.getByLabel('事態の種類').selectOption('outage');
      await v.page.getByLabel('発生日').fill('2026-03-31');
      await v.page.getByLabel('発見日').fill('2026-04-01');
      await v.page.getByLabel('事態の概要').fill('夜間に全面停止');
      await v.page.getByLabel('講じた措置').fill('予備系に切り替え');
      await v.page.getByRole('button', { name: '届け出る' }).click();
      await v.page.waitForURL(`${s.origin}/vendor/services/${spare.number}#filings-h`);
      await v.page.getByRole('cell', { name: '緊急時の通知', exact: true }).waitFor();
    } finally {
      await v.context.close();
    }
    const st = await as(staffCookie);
    try {
      await st.page.goto(`${s.origin}/staff/services/${spare.number}`);
      await st.page.locator('.timeline li', { hasText: 'emergency.reported' }).getByText(`vendor:${me.id}`).waitFor();
    } finally {
      await st.context.close();
    }
  });
});

describe('every new screen: axe 0 violations, no horizontal scroll at 320 px, no console errors', () => {
  const screens: [string, () => string, 'vendor' | 'staff'][] = [
    ['the service with its filings', () => `/vendor/services/${spare.number}`, 'vendor'],
    ['the renewal form', () => `/vendor/services/${spare.number}/file/renewal`, 'vendor'],
    ['the renewal form in English', () => `/vendor/services/${spare.number}/file/renewal?lang=en`, 'vendor'],
    ['the change notice form', () => `/vendor/services/${spare.number}/file/change`, 'vendor'],
    ['the emergency form', () => `/vendor/services/${spare.number}/file/emergency`, 'vendor'],
    ['the emergency progress form', () => `/vendor/services/${spare.number}/file/emergency-progress`, 'vendor'],
    ['the termination form', () => `/vendor/services/${spare.number}/file/termination`, 'vendor'],
    ['the staff’s list of requests', () => '/staff/vendor-requests', 'staff'],
    ['the staff’s request', () => `/staff/vendor-requests/${requestId}`, 'staff'],
  ];
  for (const [what, path, who] of screens) {
    for (const width of [1024, 320]) {
      it(`${what} at ${width} px`, { timeout: 60_000 }, async () => {
        const o = await as(who === 'vendor' ? vendorCookie : staffCookie, { width, script: true });
        try {
          const res = await o.page.goto(`${s.origin}${path()}`);
          expect(res?.status()).toBe(200);
          expect(await axeViolations(o.page), path()).toEqual([]);
          expect(await fitsWidth(o.page), 'no horizontal scroll').toBe(true);
          expect(o.errors).toEqual([]);
        } finally {
          await o.context.close();
        }
      });
    }
  }

  it('a form sent back with its errors (400) at 320 px', { timeout: 60_000 }, async () => {
    const o = await as(vendorCookie, { width: 320, script: true });
    try {
      await o.page.goto(`${s.origin}/vendor/services/${spare.number}/file/emergency`);
      const sent = o.page.waitForResponse((r) => r.request().method() === 'POST');
      await o.page.getByRole('button', { name: '届け出る' }).click();
      expect((await sent).status()).toBe(400);
      await o.page.locator('.field-error').first().waitFor();
      expect(await axeViolations(o.page)).toEqual([]);
      expect(await fitsWidth(o.page)).toBe(true);
    } finally {
      await o.context.close();
    }
  });
});
