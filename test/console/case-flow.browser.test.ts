import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { receiveInquiry } from '../../src/publication/inquiries';
import type { TestApp } from '../support/app';
import { axeViolations, launchChromium, servedApp, type Served } from '../support/browser';
import { certifiedService, crawlerKey, postSighting, recolouredPng } from '../sightings/support';
import { Client, enrolledPerson, type Person } from './support';

/**
 * Issue 14 in Chromium: a crawler sighting becomes a case in the queue; staff request an improvement; admin A
 * proposes a revocation and admin B approves it in another browser, by keyboard alone; the mark then answers
 * 410. An inquiry is answered. Every new screen passes axe (WCAG 2.2 AA) under the app's own CSP, at 320 px too.
 */

const COOKIE = 'certmark-staff';

let served: Served;
let t: TestApp;
let origin: string;
let browser: Browser;
const sessions: Record<'a' | 'b' | 'reviewer', string> = { a: '', b: '', reviewer: '' };
let service: Awaited<ReturnType<typeof certifiedService>>;
let token: string;
let caseId: string;

beforeAll(async () => {
  served = await servedApp({ config: { revocationApprovals: 2 } });
  t = served.t;
  origin = served.origin;
  service = await certifiedService(t);
  token = ((await (await t.json('POST', `/api/v1/admin/services/${service.number}/tokens`, {})).json()) as { token: string }).token;
  const people: Record<keyof typeof sessions, Person> = {
    a: await enrolledPerson(t, 'admin', { email: 'admin-a@body.example' }),
    b: await enrolledPerson(t, 'admin', { email: 'admin-b@body.example' }),
    reviewer: await enrolledPerson(t, 'reviewer'),
  };
  for (const k of Object.keys(sessions) as (keyof typeof sessions)[]) {
    const c = new Client(t);
    expect((await c.signIn(people[k])).status).toBe(303);
    sessions[k] = c.cookies.get(COOKIE)!;
  }
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

async function open(who: keyof typeof sessions, width = 1024): Promise<Opened> {
  const context = await browser.newContext({ viewport: { width, height: 800 }, locale: 'ja-JP' });
  await context.addCookies([{ name: COOKIE, value: sessions[who], url: origin }]);
  const page = await context.newPage();
  page.setDefaultTimeout(20_000);
  const errors: string[] = [];
  page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
  page.on('pageerror', (e) => errors.push(e.message));
  return { context, page, errors };
}

const axe = axeViolations;

/** Presses Tab until the element matching `selector` has the focus (keyboard only: no click, no focus()). */
async function tabTo(page: Page, selector: string, limit = 250): Promise<void> {
  for (let i = 0; i < limit; i++) {
    await page.keyboard.press('Tab');
    if (await page.evaluate((s) => document.activeElement?.matches(s) ?? false, selector)) return;
  }
  throw new Error(`Tab never reached ${selector}`);
}

const markStatus = async () => (await fetch(`${origin}/mark/${token}.svg`)).status;

describe('a crawler sighting through its case to an approved revocation', () => {
  it('the sighting opens a case in the queue; the case shows the image beside the official mark at the same size', { timeout: 60_000 }, async () => {
    const res = await postSighting(t, (await crawlerKey(t)).key, { image: await recolouredPng(), pageUrl: service.page, seenAt: t.clock.now().toISOString() });
    expect(res.status).toBe(201);
    const o = await open('a');
    try {
      await o.page.goto(`${origin}/staff/cases?finding=recoloured`);
      expect(await axe(o.page)).toEqual([]);
      await o.page.getByRole('link', { name: /色の改変/ }).click();
      await o.page.waitForURL(/\/staff\/cases\/[^/?]+$/);
      caseId = new URL(o.page.url()).pathname.split('/').at(-1)!;
      expect(await o.page.locator('h1').innerText()).toBe('案件: 色の改変');
      expect(await o.page.locator('ul.evidence').innerText()).toMatch(/色相が-?\d+°回転/);
      const boxes = await o.page.locator('.compare img').evaluateAll((imgs) =>
        (imgs as HTMLImageElement[]).map((i) => ({
          loaded: i.complete && i.naturalWidth > 0,
          w: i.getBoundingClientRect().width,
          h: i.getBoundingClientRect().height,
        })),
      );
      expect(boxes).toHaveLength(2);
      expect(boxes.every((b) => b.loaded)).toBe(true);
      expect(boxes[0]).toEqual({ ...boxes[1], loaded: true });
      expect(await axe(o.page)).toEqual([]);
      expect(o.errors).toEqual([]);
    } finally {
      await o.context.close();
    }
  });

  it('a reviewer requests an improvement (Art. 16): the history names the events it caused', { timeout: 60_000 }, async () => {
    const o = await open('reviewer');
    try {
      await o.page.goto(`${origin}/staff/cases/${caseId}?lang=en`);
      expect(await o.page.locator('#proposal-reason').count()).toBe(0); // a reviewer does not propose a revocation
      await o.page.getByLabel('Improvement required').fill('Show the mark in its official colours.');
      await o.page.getByRole('button', { name: 'Request an improvement' }).click();
      await o.page.waitForURL(/m=improvement/);
      expect(await o.page.locator('.flash').innerText()).toContain('The improvement was requested.');
      const history = await o.page.locator('#history-h + ol').innerText();
      expect(history).toMatch(/event #\d+ investigation\.requested/);
      expect(history).toMatch(/event #\d+ improvement\.requested/);
      expect(await o.page.locator(`a[href="/staff/services/${service.number}?lang=en#timeline-h"]`).count()).toBeGreaterThan(0);
      expect(o.errors).toEqual([]);
    } finally {
      await o.context.close();
    }
  });

  it('admin A proposes the revocation by keyboard alone', { timeout: 60_000 }, async () => {
    const o = await open('a');
    try {
      await o.page.goto(`${origin}/staff/cases/${caseId}`);
      await tabTo(o.page, '#proposal-reason');
      await o.page.keyboard.type('改善要求の期限後も改変した標章を表示している');
      await tabTo(o.page, '#proposal-letter');
      await o.page.keyboard.type('貴社の認定を取り消します。');
      await tabTo(o.page, '#proposal-sent-by');
      await tabTo(o.page, 'button.danger');
      await Promise.all([o.page.waitForURL(/m=revocation_proposal/), o.page.keyboard.press('Enter')]);
      expect(await o.page.locator('.flash').innerText()).toContain('取消を提案しました');
      await o.page.goto(`${origin}/staff/revocations`);
      expect(await axe(o.page)).toEqual([]);
      await tabTo(o.page, 'table a[href^="/staff/revocations/"]');
      await Promise.all([o.page.waitForURL(/\/staff\/revocations\/[^/?]+$/), o.page.keyboard.press('Enter')]);
      expect(await o.page.locator('form[action$="/approval"]').count()).toBe(0); // not on one's own proposal
      expect(await o.page.locator('form[action$="/withdrawal"]').count()).toBe(1);
      expect(await axe(o.page)).toEqual([]);
      expect(await markStatus()).toBe(200);
      expect(o.errors).toEqual([]);
    } finally {
      await o.context.close();
    }
  });

  it('admin B approves it in another browser, by keyboard alone; the mark then answers 410', { timeout: 60_000 }, async () => {
    const o = await open('b', 320);
    try {
      await o.page.goto(`${origin}/staff/`); // the dashboard names the revocation awaiting approval
      expect(await axe(o.page)).toEqual([]);
      await tabTo(o.page, 'section[aria-labelledby="revocations-h"] a[href^="/staff/revocations/"]');
      await Promise.all([o.page.waitForURL(/\/staff\/revocations\/[^/?]+$/), o.page.keyboard.press('Enter')]);
      expect(await axe(o.page)).toEqual([]);
      expect(await o.page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true);
      await tabTo(o.page, '#approve-note');
      await o.page.keyboard.type('事実を確認した');
      await tabTo(o.page, 'form[action$="/approval"] button');
      await Promise.all([o.page.waitForURL(/m=approved/), o.page.keyboard.press('Enter')]);
      expect(await o.page.locator('.flash').innerText()).toContain('承認しました');
      expect(await markStatus()).toBe(410);
      await o.page.goto(`${origin}/staff/cases/${caseId}`);
      expect(await o.page.locator('#history-h + ol').innerText()).toMatch(/イベント #\d+ service\.revoked/);
      expect(o.errors).toEqual([]);
    } finally {
      await o.context.close();
    }
  });
});

describe('an inquiry answered', () => {
  it('opens from the inbox, records the answer, and is listed as answered', { timeout: 60_000 }, async () => {
    const { id } = await receiveInquiry(t.database.db, t.clock, {
      name: '山田 花子',
      email: 'hanako@clinic.example',
      subject: '標章の確認',
      body: 'このサービスは認定されていますか。',
    });
    const o = await open('reviewer');
    try {
      await o.page.goto(`${origin}/staff/inquiries?status=new`);
      expect(await axe(o.page)).toEqual([]);
      await o.page.locator(`a[href="/staff/inquiries/${id}"]`).click();
      await o.page.waitForURL(`${origin}/staff/inquiries/${id}`);
      expect(await axe(o.page)).toEqual([]);
      await o.page.getByLabel('回答', { exact: true }).fill('認定されています。確認ページをご覧ください。');
      await o.page.getByRole('button', { name: '回答を記録する' }).click();
      await o.page.waitForURL(/m=answered/);
      expect(await o.page.locator('#answer-text').innerText()).toBe('認定されています。確認ページをご覧ください。');
      await o.page.goto(`${origin}/staff/inquiries?status=answered`);
      expect(await o.page.locator(`a[href="/staff/inquiries/${id}"]`).count()).toBe(1);
      expect(o.errors).toEqual([]);
    } finally {
      await o.context.close();
    }
  });
});

describe('the new screens at 320 px and in English: axe finds nothing, no horizontal scroll', () => {
  const screens: [string, () => string][] = [
    ['the case queue', () => '/staff/cases?lang=en'],
    ['a case', () => `/staff/cases/${caseId}?lang=en`],
    ['the revocations', () => '/staff/revocations?status=approved&lang=en'],
    ['the inquiries', () => '/staff/inquiries?lang=en'],
  ];
  for (const [what, path] of screens) {
    it(what, { timeout: 60_000 }, async () => {
      const o = await open('a', 320);
      try {
        await o.page.goto(`${origin}${path()}`);
        expect(await axe(o.page), path()).toEqual([]);
        expect(await o.page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth), 'no horizontal scroll').toBe(true);
        expect(o.errors).toEqual([]);
      } finally {
        await o.context.close();
      }
    });
  }
});
