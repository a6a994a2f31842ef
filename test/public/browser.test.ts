import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { serve, type ServerType } from '@hono/node-server';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requestImprovement, requestInvestigation } from '../../src/domain/lifecycle/oversight';
import { testApp, type TestApp } from '../support/app';
import { item, lifecycle, NOW, type World } from './world';

/** WCAG 2.2 AA, as the issue asks. */
const AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'];
const STATUSES = ['certified', 'renewal_pending', 'extended', 'expired', 'revoked', 'terminated', 'lapsed'] as const;

let t: TestApp;
let w: World;
let long: string;
let server: ServerType;
let origin: string;
let browser: Browser;
let axeSource: string;

beforeAll(async () => {
  t = await testApp({ now: NOW });
  const life = lifecycle(t);
  w = await life.everyStatus((status) => ({
    nameJa: `${status}のサービス`,
    nameEn: `${status} service`,
    vendorJa: '株式会社テスト医療',
    vendorEn: 'Test Medical K.K.',
    origins: ['https://clinic-vendor.example'],
  }));
  life.at('2026-03-05T01:00:00Z');
  await requestImprovement(life.ctx, w.certified.id, {
    investigationId: (await requestInvestigation(life.ctx, w.certified.id, { subject: '標章の使用について', dueOn: '2026-03-20' })).id,
    content: '認定マークの色を改めること',
    dueOn: '2026-03-20',
    publish: true,
  });
  life.at(NOW);
  long = (
    await life.certified({
      nameJa: `長い名前${'名'.repeat(3000)}`,
      nameEn: 'W'.repeat(10_000),
      items: [item('overview', 'x'.repeat(10_000))],
      certifiedOn: '2025-06-10',
    })
  ).number;
  await t.database.db
    .insertInto('delegates')
    .values({
      id: 'd1',
      name_ja: '審査支援機構',
      name_en: 'Review Support Association',
      scope_ja: '書類審査',
      scope_en: 'document review',
      delegated_on: '2025-04-01',
      ended_on: null,
    })
    .execute();
  server = await new Promise<ServerType>((resolve) => {
    const s = serve({ fetch: t.app.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(s));
  });
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  axeSource = await readFile(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
  browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
});

afterAll(async () => {
  await browser?.close();
  if (server) await new Promise((resolve) => server.close(resolve));
  await t?.close();
});

/** A page with the app's own CSP in force; every console error (a CSP violation is one) fails the test. */
async function open(path: string, options: { referer?: string; width?: number; locale?: string } = {}) {
  const context = await browser.newContext({ viewport: { width: options.width ?? 1024, height: 800 }, locale: options.locale ?? 'ja-JP' });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  page.on('pageerror', (e) => errors.push(e.message));
  const res = await page.goto(`${origin}${path}`, { referer: options.referer, waitUntil: 'load' });
  return { page, res, errors, close: () => context.close() };
}

/** axe-core, evaluated through the DevTools protocol (not an inline script, which the CSP refuses). */
async function axe(page: Page) {
  await page.evaluate(axeSource);
  const result = await page.evaluate(async (tags) => {
    const r = await (
      window as unknown as { axe: { run(ctx: Document, o: unknown): Promise<{ violations: { id: string; impact: string; nodes: { target: string[] }[] }[] }> } }
    ).axe.run(document, { runOnly: { type: 'tag', values: tags } });
    return r.violations.map(
      (v) =>
        `${v.id} (${v.impact}): ${v.nodes
          .map((n) => n.target.join(' '))
          .slice(0, 3)
          .join(', ')}`,
    );
  }, AXE_TAGS);
  return result;
}

async function noHorizontalScroll(page: Page) {
  return page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth);
}

describe('the verification page in Chromium, each status, ja and en, with and without a Referer', () => {
  // One test per page: a page with axe takes a second or two, several seconds on a loaded machine.
  for (const status of STATUSES) {
    for (const lang of ['ja', 'en'] as const) {
      for (const referer of [undefined, 'https://clinic-vendor.example/products', 'https://not-the-vendor.example/']) {
        it(`${status}, ${lang}, ${referer ? `from ${new URL(referer).host}` : 'no Referer'}: accessible (axe WCAG 2.2 AA), no console or CSP errors, referer verdict shown`, async () => {
          const number = w[status].number;
          const p = await open(`/verify/${number}?lang=${lang}`, { referer });
          expect(p.res!.status()).toBe(200);
          expect(await p.page.getAttribute('html', 'lang')).toBe(lang);
          const notice = p.page.locator('#referer-h');
          if (!referer) expect(await notice.count()).toBe(0);
          else {
            const text = (await p.page.locator('section[aria-labelledby="referer-h"]').innerText()).replace(/\s+/g, ' ');
            const registered = referer.includes('clinic-vendor');
            if (lang === 'en')
              expect(text).toContain(
                registered
                  ? 'clinic-vendor.example: registered for this service'
                  : 'not-the-vendor.example: not registered for this service. This mark may be misused.',
              );
            else
              expect(text).toContain(
                registered
                  ? ['certified', 'renewal_pending', 'extended'].includes(status)
                    ? 'clinic-vendor.example から来られました。このサイトは、このサービスの認定マークを表示できるサイトとして登録されています。'
                    : 'clinic-vendor.example から来られました。このサイトは、この認定が有効だった間に登録されていたサイトです。'
                  : 'このサービスの登録サイトではありません',
              );
          }
          const markShown = await p.page.locator('figure.mark svg').count();
          expect(markShown, `${status} ${lang}`).toBe(['certified', 'renewal_pending', 'extended'].includes(status) ? 1 : 0);
          expect(await axe(p.page), `${status} ${lang} ${referer ?? 'no referer'}`).toEqual([]);
          expect(p.errors).toEqual([]);
          await p.close();
        });
      }
    }
  }

  it('draws the mark whole at its own size, and the QR image loads', async () => {
    const p = await open(`/verify/${w.certified.number}`);
    const box = await p.page.locator('figure.mark svg').boundingBox();
    expect(box).toMatchObject({ width: 120, height: 120 });
    expect(await p.page.locator('img.qr').evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth > 0)).toBe(true);
    await p.close();
  });

  const narrowPages: [string, () => string][] = [
    ['a revoked verification page', () => `/verify/${w.revoked.number}`],
    ['an extended verification page in English', () => `/verify/${w.extended.number}?lang=en`],
    ['a verification page with 10 KB names', () => `/verify/${long}`],
    ['a verification page with 10 KB names in English', () => `/verify/${long}?lang=en`],
    ['the registry, every status', () => '/registry?status=all'],
    ['the inquiry form', () => '/inquiry'],
  ];
  for (const [what, path] of narrowPages) {
    it(`fits ${what} in a 320 px viewport without horizontal scrolling, accessible (WCAG 1.4.10)`, async () => {
      const p = await open(path(), { width: 320 });
      expect(await noHorizontalScroll(p.page), path()).toBe(true);
      expect(await axe(p.page), path()).toEqual([]);
      expect(p.errors).toEqual([]);
      await p.close();
    });
  }

  it('is usable by keyboard: the first Tab reaches the skip link, which moves focus to the content', async () => {
    const p = await open(`/verify/${w.revoked.number}`);
    await p.page.keyboard.press('Tab');
    expect(await p.page.evaluate(() => document.activeElement?.className)).toBe('skip');
    expect(await p.page.locator('a.skip').isVisible()).toBe(true);
    await p.page.keyboard.press('Enter');
    expect(await p.page.evaluate(() => location.hash)).toBe('#main');
    const reached: string[] = [];
    for (let i = 0; i < 12; i++) {
      await p.page.keyboard.press('Tab');
      reached.push(await p.page.evaluate(() => (document.activeElement as HTMLElement | null)?.textContent?.trim() ?? ''));
    }
    expect(reached).toContain('不正使用の疑いを報告する');
    await p.close();
  });

  it('chooses English from the browser language when no ?lang is given', async () => {
    const p = await open(`/verify/${w.certified.number}`, { locale: 'en-US' });
    expect(await p.page.getAttribute('html', 'lang')).toBe('en');
    await p.close();
  });

  it('runs axe for real: a control page with a known violation is caught', async () => {
    const p = await open('/inquiry');
    await p.page.evaluate(() => document.querySelector('label[for="name"]')!.remove());
    expect((await axe(p.page)).join('\n')).toContain('label');
    await p.close();
  });

  it('answers an unknown number with an accessible 404 page', async () => {
    const p = await open('/verify/MD-9999-9999');
    expect(p.res!.status()).toBe(404);
    expect(await axe(p.page)).toEqual([]);
    await p.close();
  });
});

describe('the registry in Chromium', () => {
  it('is accessible in ja and en, with every section', async () => {
    for (const lang of ['ja', 'en']) {
      const p = await open(`/registry?lang=${lang}`);
      for (const id of ['results', 'expired', 'revocations', 'improvements', 'ended', 'delegates'])
        expect(await p.page.locator(`#${id}-h`).count(), id).toBe(1);
      expect(await axe(p.page), lang).toEqual([]);
      expect(p.errors).toEqual([]);
      await p.close();
    }
  });

  it('searches and filters with the form, by keyboard only', async () => {
    const p = await open('/registry?lang=en');
    await p.page.locator('#q').focus();
    await p.page.keyboard.type('revoked');
    await p.page.keyboard.press('Tab');
    await p.page.keyboard.press('End'); // the last option: lapsed
    await p.page.keyboard.press('Home'); // the first option: certified
    await p.page.selectOption('#status', 'all');
    await Promise.all([p.page.waitForURL(/q=revoked/), p.page.locator('#q').press('Enter')]);
    const results = await p.page.locator('section[aria-labelledby="results-h"] ul.cards > li').allInnerTexts();
    expect(results).toHaveLength(1);
    expect(results[0]).toContain(w.revoked.number);
    expect(new URL(p.page.url()).searchParams.get('status')).toBe('all');
    expect(await axe(p.page)).toEqual([]);
    await p.page.selectOption('#status', 'expired');
    await p.page.fill('#q', '');
    await Promise.all([p.page.waitForURL(/status=expired/), p.page.locator('form.search button').click()]);
    const expired = await p.page.locator('section[aria-labelledby="results-h"] ul.cards > li').allInnerTexts();
    expect(expired.map((x) => x.includes(w.expired.number))).toEqual([true]);
    await p.close();
  });
});

describe('the inquiry desk in Chromium (Art. 18)', () => {
  it('sends the form end to end by keyboard and confirms without echoing it', async () => {
    const p = await open(`/inquiry?service=${w.certified.number}&topic=misuse&lang=en`);
    expect(await axe(p.page)).toEqual([]);
    expect(await p.page.inputValue('#serviceNumber')).toBe(w.certified.number);
    await p.page.locator('#name').focus();
    await p.page.keyboard.type('Hanako Yamada');
    await p.page.keyboard.press('Tab');
    await p.page.keyboard.type('hanako@clinic.example');
    await p.page.keyboard.press('Tab');
    await p.page.keyboard.type('Yamada Clinic');
    await p.page.keyboard.press('Tab');
    await p.page.keyboard.press('Tab');
    expect(await p.page.evaluate(() => document.activeElement?.id)).toBe('subject');
    await p.page.keyboard.press('Tab');
    await p.page.keyboard.type('The mark appears on a site that is not theirs: browser-test-body');
    await p.page.keyboard.press('Tab');
    await Promise.all([p.page.waitForURL(/\/inquiry\/received/), p.page.keyboard.press('Enter')]);
    const text = await p.page.locator('main').innerText();
    expect(text).toContain('Your inquiry has been received');
    expect(text).not.toContain('browser-test-body');
    expect(await axe(p.page)).toEqual([]);
    expect(p.errors).toEqual([]);
    const row = await t.database.db.selectFrom('inquiries').selectAll().where('body', 'like', '%browser-test-body%').executeTakeFirstOrThrow();
    expect(row).toMatchObject({ name: 'Hanako Yamada', service_number: w.certified.number, subject: 'Suspected misuse of the certification mark' });
    await p.close();
  });

  it('lets the browser refuse an incomplete form before sending it', async () => {
    const p = await open('/inquiry');
    await p.page.locator('form.inquiry button').click();
    expect(await p.page.evaluate(() => (document.querySelector('#name') as HTMLInputElement).validity.valueMissing)).toBe(true);
    expect(new URL(p.page.url()).pathname).toBe('/inquiry');
    await p.close();
  });
});
