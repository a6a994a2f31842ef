import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { certifiedService, ok, op } from '../admin/fixtures';
import { enrolledPerson } from '../console/support';
import { axeViolations, fitsWidth, launchChromium, openPage, servedApp, type Served } from '../support/browser';
import { Client, portalSignIn, vendorPerson } from './support';

/**
 * An answer to an investigation in Chromium (issue 15, Art. 15.1), with no script: the vendor answers with a PDF,
 * staff see it on the service page and read the PDF as filed, record their judgement with the console's own
 * operation, and the vendor sees the outcome. The new screens: axe 0 violations (WCAG 2.2 AA).
 */

let s: Served;
let browser: Browser;
let svc: { id: string; number: string };
let inv: string;
let vendorCookie: { name: string; value: string };
let staffCookie: { name: string; value: string };
let adminCookie: { name: string; value: string };
const PDF = Buffer.from('%PDF-1.4\n% browser answer\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n');

beforeAll(async () => {
  s = await servedApp({ now: '2026-04-01T03:00:00Z' });
  svc = await certifiedService(s.t, { nameJa: '回答のカルテ' });
  inv = (await ok(op(s.t, svc.id, 'investigations', { subject: '標章の掲載ページの説明', dueOn: '2026-04-20' }), 201)).result.id;
  const vendorId = (await s.t.database.db.selectFrom('services').select('vendor_id').where('id', '=', svc.id).executeTakeFirstOrThrow()).vendor_id;
  const vc = new Client(s.t);
  expect((await portalSignIn(vc, await vendorPerson(s.t, vendorId))).status).toBe(303);
  vendorCookie = { name: 'certmark-vendor', value: vc.cookies.get('certmark-vendor')! };
  const admin = new Client(s.t);
  expect((await portalSignIn(admin, await vendorPerson(s.t, vendorId, 'admin'))).status).toBe(303);
  adminCookie = { name: 'certmark-vendor', value: admin.cookies.get('certmark-vendor')! };
  const sc = new Client(s.t);
  expect((await sc.signIn(await enrolledPerson(s.t, 'reviewer'))).status).toBe(303);
  staffCookie = { name: 'certmark-staff', value: sc.cookies.get('certmark-staff')! };
  browser = await launchChromium();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await s?.close();
});

async function as(cookie: { name: string; value: string }, o: { width?: number; script?: boolean } = {}) {
  const opened = await openPage(browser, { script: false, ...o });
  await opened.context.addCookies([{ ...cookie, url: s.origin }]);
  return opened;
}

async function accessible(o: Awaited<ReturnType<typeof as>>, what: string) {
  expect(await axeViolations(o.page), what).toEqual([]);
  expect(await fitsWidth(o.page), `${what}: no horizontal scroll`).toBe(true);
}

describe('answering an investigation, end to end', () => {
  it('the vendor answers with a PDF, staff read it and judge, the vendor sees the result', { timeout: 90_000 }, async () => {
    const v = await as(vendorCookie, { script: true, width: 320 });
    try {
      await v.page.goto(`${s.origin}/vendor/services/${svc.number}`);
      await v.page.getByRole('link', { name: /^回答する/ }).click();
      await v.page.waitForURL(new RegExp(`/answer/${inv}$`));
      await accessible(v, 'the answer form at 320 px');
      await v.page.getByLabel('説明').fill('掲載ページは検証ページにリンクしています。');
      await v.page.locator('#answer-files').setInputFiles({ name: 'not-a-pdf.png', mimeType: 'image/png', buffer: Buffer.from('not a pdf, an image 0123') });
      await v.page.getByRole('button', { name: '回答を提出する' }).click();
      await v.page.locator('#answer-files-error').waitFor(); // 400: the error by its control, the text kept
      expect(await v.page.getByLabel('説明').inputValue()).toBe('掲載ページは検証ページにリンクしています。');
      await accessible(v, 'the answer form with its error');
      await v.page.locator('#answer-files').setInputFiles({ name: '掲載ページ.pdf', mimeType: 'application/pdf', buffer: PDF });
      await v.page.getByRole('button', { name: '回答を提出する' }).click();
      await v.page.waitForURL(`${s.origin}/vendor/services/${svc.number}#requests-h`);
      await v.page.getByText('事務局の判断を待っています', { exact: false }).waitFor();
      await accessible(v, 'the service page with the answer received');
    } finally {
      await v.context.close();
    }

    const st = await as(staffCookie, { script: true });
    try {
      await st.page.goto(`${s.origin}/staff/services/${svc.number}`);
      await st.page.getByText('回答受付済み・判断待ち').waitFor();
      await st.page.getByText('掲載ページは検証ページにリンクしています。').waitFor();
      const href = await st.page.getByRole('link', { name: '掲載ページ.pdf' }).getAttribute('href');
      expect(href).toMatch(/\/documents\/[0-9a-f]{64}/);
      await accessible(st, 'the console’s service page with the answer');
      // the PDF as filed, through the link, in the staff's own session (its read audited, Art. 20)
      const file = await st.page.request.get(new URL(href!, s.origin).href);
      expect(file.status()).toBe(200);
      expect(file.headers()['content-type']).toBe('application/pdf');
      expect(Buffer.from(await file.body()).equals(PDF)).toBe(true);
      // the judgement, with the console's own operation
      await st.page.goto(`${s.origin}/staff/services/${svc.number}/ops/investigation-answer`);
      await st.page.locator('select[name="investigation"]').selectOption(inv);
      await st.page.getByLabel('回答の要旨').fill('掲載ページの説明は十分');
      await st.page.getByLabel(/回答は十分である/).check();
      await st.page.getByRole('button', { name: '確認する' }).click();
      await st.page.getByRole('button', { name: '記録する' }).click();
      await st.page.waitForURL(/#timeline-h$/);
      await st.page.locator('.timeline li', { hasText: 'investigation.answered' }).waitFor();
    } finally {
      await st.context.close();
    }

    const back = await as(vendorCookie);
    try {
      await back.page.goto(`${s.origin}/vendor/services/${svc.number}`);
      await back.page.getByText('回答を確認しました（十分と判断）').waitFor();
      expect(await back.page.getByRole('link', { name: /^回答する/ }).count()).toBe(0);
      expect(back.errors).toEqual([]);
    } finally {
      await back.context.close();
    }
  });
});

describe('the application form (Art. 4): axe 0 violations, no horizontal scroll at 320 px', () => {
  it('the form, in English, and sent back with its errors', { timeout: 60_000 }, async () => {
    const o = await as(adminCookie, { script: true, width: 320 });
    try {
      await o.page.goto(`${s.origin}/vendor/`);
      await o.page.getByRole('link', { name: '新しいサービスの認定を申請する（第4条）' }).click();
      await o.page.waitForURL(`${s.origin}/vendor/apply`);
      await accessible(o, 'the application form');
      const sent = o.page.waitForResponse((r) => r.request().method() === 'POST');
      await o.page.getByRole('button', { name: '申請する' }).click();
      expect((await sent).status()).toBe(400);
      await o.page.locator('#apply-files-error').waitFor();
      await accessible(o, 'the application form with its errors');
      await o.page.goto(`${s.origin}/vendor/apply?lang=en`);
      await accessible(o, 'the application form in English');
    } finally {
      await o.context.close();
    }
  });
});
