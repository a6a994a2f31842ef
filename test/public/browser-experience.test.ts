/**
 * Issue 18 in Chromium, ja and en: who certifies, the unknown-number page, ended certifications, the facts'
 * label column, the inquiry desk without script, the service feed, /docs without script. Each test opens one
 * page or two, with generous timeouts (a loaded machine once timed a 320 px test out).
 */
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { serve, type ServerType } from '@hono/node-server';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { FICTIONAL_CERTIFIER } from '../../src/config';
import { testApp, type TestApp } from '../support/app';
import { lifecycle, NOW, type World } from './world';

const AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'];
const SLOW = 60_000;
const SCREENSHOTS = new URL('../../docs/screenshots/', import.meta.url);

let t: TestApp;
let w: World;
let server: ServerType;
let origin: string;
let browser: Browser;
let axeSource: string;

beforeAll(async () => {
  t = await testApp({ now: NOW });
  w = await lifecycle(t).everyStatus((status) => ({
    nameJa: `${status === 'certified' ? 'クリニック電子カルテ' : `${status}のサービス`}`,
    nameEn: status === 'certified' ? 'Clinic Cloud Records' : `${status} service`,
    vendorJa: '株式会社サンプル医療システム',
    vendorEn: 'Sample Medical Systems K.K.',
    origins: ['https://clinic-vendor.example'],
  }));
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
}, 120_000);

afterAll(async () => {
  await browser?.close();
  if (server) await new Promise((resolve) => server.close(resolve));
  await t?.close();
});

async function open(path: string, o: { width?: number; locale?: string; script?: boolean } = {}) {
  const context = await browser.newContext({
    viewport: { width: o.width ?? 1280, height: 900 },
    locale: o.locale ?? 'ja-JP',
    javaScriptEnabled: o.script ?? true,
  });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error' && !/status of 40[04]/.test(m.text())) errors.push(m.text());
  });
  page.on('pageerror', (e) => errors.push(e.message));
  const res = await page.goto(`${origin}${path}`, { waitUntil: 'load' });
  return { page, res, errors, close: () => context.close() };
}

async function axe(page: Page) {
  await page.evaluate(axeSource);
  return page.evaluate(async (tags) => {
    const r = await (
      window as unknown as { axe: { run(d: Document, o: unknown): Promise<{ violations: { id: string; nodes: { target: string[] }[] }[] }> } }
    ).axe.run(document, {
      runOnly: { type: 'tag', values: tags },
    });
    return r.violations.map(
      (v) =>
        `${v.id}: ${v.nodes
          .map((n) => n.target.join(' '))
          .slice(0, 3)
          .join(', ')}`,
    );
  }, AXE_TAGS);
}

const text = async (page: Page, selector = 'body') => (await page.locator(selector).innerText()).replace(/\s+/g, ' ');

describe('who certifies, in Chromium (issue 18)', () => {
  for (const lang of ['ja', 'en'] as const) {
    it(
      `names the certification body in the footer and beside the number (${lang}), accessible`,
      async () => {
        const p = await open(`/verify/${w.certified.number}?lang=${lang}`);
        const footer = await text(p.page, 'footer.site');
        expect(footer).toContain(FICTIONAL_CERTIFIER.name[lang]);
        expect(footer).toContain(FICTIONAL_CERTIFIER.address[lang]);
        expect(footer).toContain(FICTIONAL_CERTIFIER.email);
        const facts = await text(p.page, 'main > dl.facts');
        expect(facts).toContain(lang === 'ja' ? '認定機関' : 'Certification body');
        expect(facts).toContain(lang === 'ja' ? '医療情報ASP・SaaS 情報開示認定' : 'Medical ASP/SaaS disclosure certification');
        const ld = JSON.parse((await p.page.locator('script[type="application/ld+json"]').textContent())!);
        expect(ld.issuedBy.name).toBe(FICTIONAL_CERTIFIER.name.ja);
        expect(await axe(p.page)).toEqual([]);
        expect(p.errors).toEqual([]);
        if (lang === 'ja') await p.page.screenshot({ path: new URL('page-certified.png', SCREENSHOTS).pathname, fullPage: true });
        await p.close();
      },
      SLOW,
    );
  }
});

describe('an unknown number, in Chromium (issue 18)', () => {
  for (const lang of ['ja', 'en'] as const) {
    it(
      `answers 404 saying the mark may be counterfeit, accessible, and its report link opens a prefilled inquiry (${lang})`,
      async () => {
        const p = await open(`/verify/MD-9999-9999?lang=${lang}`);
        expect(p.res!.status()).toBe(404);
        expect(await p.page.locator('h1').innerText()).toBe(lang === 'ja' ? 'この番号の認定はありません' : 'No certification has this number');
        expect(await text(p.page, 'main')).toContain(lang === 'ja' ? '偽造されたものである可能性があります' : 'may be counterfeit');
        expect(await axe(p.page)).toEqual([]);
        if (lang === 'ja') await p.page.screenshot({ path: new URL('page-unknown.png', SCREENSHOTS).pathname, fullPage: true });
        await Promise.all([
          p.page.waitForURL(/\/inquiry\?/),
          p.page.getByRole('link', { name: lang === 'ja' ? '偽造の疑いを報告する' : 'Report a suspected counterfeit' }).click(),
        ]);
        expect(await p.page.inputValue('#serviceNumber')).toBe('MD-9999-9999');
        expect(await p.page.inputValue('#subject')).toContain(lang === 'ja' ? '偽造の疑い' : 'suspected counterfeit');
        expect(p.errors).toEqual([]);
        await p.close();
      },
      SLOW,
    );
  }

  it(
    'answers a malformed number with the same accessible page',
    async () => {
      const p = await open('/verify/12345?lang=en');
      expect(p.res!.status()).toBe(404);
      expect(await p.page.locator('h1').innerText()).toBe('No certification has this number');
      expect(await axe(p.page)).toEqual([]);
      await p.close();
    },
    SLOW,
  );
});

describe('an ended certification, in Chromium (issue 18)', () => {
  for (const lang of ['ja', 'en'] as const) {
    it(
      `shows a revoked certification as ended: no print QR, no "may display", the validity marked ended (${lang})`,
      async () => {
        const p = await open(`/verify/${w.revoked.number}?lang=${lang}`);
        expect(await p.page.locator('img.qr').count()).toBe(0);
        const main = await text(p.page, 'main');
        expect(main).not.toContain(lang === 'ja' ? '印刷物用のQRコード' : 'QR code for print');
        expect(main).not.toMatch(lang === 'ja' ? /表示できるウェブサイト/ : /may display the mark/);
        expect(main).toContain(lang === 'ja' ? '有効期間（終了）' : 'Validity period (ended)');
        expect(main).toContain(lang === 'ja' ? '2026年3月1日に取消し' : 'revoked on 1 March 2026');
        expect(await axe(p.page)).toEqual([]);
        if (lang === 'ja') await p.page.screenshot({ path: new URL('page-revoked.png', SCREENSHOTS).pathname, fullPage: true });
        await p.close();
      },
      SLOW,
    );
  }
});

describe('the facts’ label column, in Chromium (issue 18)', () => {
  for (const [lang, width] of [
    ['en', 1280],
    ['en', 600],
    ['en', 390],
    ['en', 320],
    ['ja', 1280],
    ['ja', 390],
  ] as const) {
    it(
      `lines up the values of every list on one label column at ${width} px (${lang})`,
      async () => {
        // revoked: four lists (who and what, the revocation, the dates) that must share one label column
        const p = await open(`/verify/${w.revoked.number}?lang=${lang}`, { width });
        const lists = await p.page.locator('main dl.facts').evaluateAll((dls) => {
          const box = (e: Element) => {
            const r = e.getBoundingClientRect();
            // the text's own height (a grid cell stretches to its row)
            const range = document.createRange();
            range.selectNodeContents(e);
            return { left: r.left, right: r.right, top: r.top, bottom: r.bottom, height: range.getBoundingClientRect().height, text: e.textContent };
          };
          return dls.map((dl) => [...dl.querySelectorAll(':scope > div')].map((d) => ({ dt: box(d.querySelector('dt')!), dd: box(d.querySelector('dd')!) })));
        });
        const rows = lists.flat();
        expect(lists.length).toBe(3);
        expect(rows.length).toBeGreaterThan(6);
        // the same label column in every list (the lists sit in boxes of their own, so compare from each label's start)
        const columns = new Set(rows.map((r) => Math.round(r.dd.left - r.dt.left)));
        expect([...columns], `label columns at ${width}`).toHaveLength(1);
        for (const r of rows) {
          if (width >= 480) {
            // side by side: the label ends before the value starts, and takes one line
            expect(r.dt.right).toBeLessThanOrEqual(r.dd.left);
            expect(r.dt.height, `${lang}: ${r.dt.text}`).toBeLessThan(30);
          } else expect(r.dd.top).toBeGreaterThanOrEqual(r.dt.bottom - 1); // stacked below 30rem
        }
        expect(await p.page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true);
        await p.close();
      },
      SLOW,
    );
  }
});

describe('the inquiry desk without script, in Chromium (issue 18)', () => {
  // Each test sends two inquiries from 127.0.0.1: a new rate-limit window for each (Art. 18: five in ten minutes).
  beforeEach(() => t.clock.advance(11 * 60_000));
  afterAll(() => t.clock.set(NOW));
  const send = async (p: Awaited<ReturnType<typeof open>>, lang: string, email: string) => {
    await p.page.fill('#name', 'Hanako Yamada');
    // the browser accepts "a@b"; the server does not
    await p.page.fill('#email', email);
    await p.page.fill('#subject', 'Question');
    await p.page.fill('#body', `no-script inquiry ${lang}`);
    await Promise.all([p.page.waitForNavigation({ waitUntil: 'load' }), p.page.locator('form.inquiry button').click()]);
  };

  for (const lang of ['ja', 'en'] as const) {
    it(
      `shows a server-side error inline on the form, then the receipt with its reference number and reply time, script off (${lang})`,
      async () => {
        // Script off: checked on the HTML itself (the page's own evaluate needs script).
        const p = await open(`/inquiry?lang=${lang}`, { script: false });
        await send(p, lang, 'a@b');
        expect(new URL(p.page.url()).pathname).toBe('/api/v1/inquiries');
        const error = await p.page.content();
        expect(error).toContain('<form class="inquiry" method="post"');
        expect(error).toMatch(/<input id="email"[^>]*value="a@b" aria-invalid="true" aria-describedby="email-error">/);
        expect(error).toContain(`<textarea id="body" name="body" required="" maxlength="5000" rows="8">no-script inquiry ${lang}</textarea>`);
        expect(error).toContain(lang === 'ja' ? '<a href="#email">メールアドレス</a>' : '<a href="#email">Email address</a>');
        await p.page.fill('#email', 'hanako@clinic.example');
        await Promise.all([p.page.waitForURL(/\/inquiry\/received/), p.page.locator('form.inquiry button').click()]);
        const receipt = await p.page.content();
        expect(receipt).toMatch(
          lang === 'ja'
            ? /受付番号: <strong class="number">\d{8}-[0-9A-F]{6}<\/strong>/
            : /Reference number: <strong class="number">\d{8}-[0-9A-F]{6}<\/strong>/,
        );
        expect(receipt).toContain(lang === 'ja' ? '5営業日以内' : 'within 5 business days');
        expect(receipt).not.toContain('no-script inquiry');
        await p.close();
      },
      SLOW,
    );

    it(
      `keeps the form with its inline error and the receipt accessible (axe, ${lang})`,
      async () => {
        const p = await open(`/inquiry?lang=${lang}`);
        await send(p, lang, 'a@b');
        expect(await p.page.getAttribute('#email', 'aria-invalid')).toBe('true');
        expect(await text(p.page, '.form-errors')).toContain(lang === 'ja' ? 'メールアドレス' : 'Email address');
        expect(await axe(p.page)).toEqual([]);
        await p.page.fill('#email', 'hanako@clinic.example');
        await Promise.all([p.page.waitForURL(/\/inquiry\/received/), p.page.locator('form.inquiry button').click()]);
        expect(await text(p.page, 'main')).toMatch(lang === 'ja' ? /受付番号: \d{8}-[0-9A-F]{6}/ : /Reference number: \d{8}-[0-9A-F]{6}/);
        expect(await axe(p.page)).toEqual([]);
        expect(p.errors).toEqual([]);
        await p.close();
      },
      SLOW,
    );
  }
});

describe('watching a vendor, in Chromium (issue 18)', () => {
  for (const lang of ['ja', 'en'] as const) {
    it(
      `links the service feed from the page, and the feed parses as Atom with the elements it needs (${lang})`,
      async () => {
        const p = await open(`/verify/${w.revoked.number}?lang=${lang}`);
        const href = await p.page.locator('#watch-h + p + ul a[type="application/atom+xml"]').getAttribute('href');
        expect(href).toBe(`/verify/${w.revoked.number}/feed.atom${lang === 'en' ? '?lang=en' : ''}`);
        const parsed = await p.page.evaluate(async (url) => {
          const xml = await (await fetch(url)).text();
          const doc = new DOMParser().parseFromString(xml, 'application/xml');
          const NS = 'http://www.w3.org/2005/Atom';
          const feed = doc.documentElement;
          const kids = (el: Element, name: string) => [...el.children].filter((c) => c.namespaceURI === NS && c.localName === name);
          return {
            error: doc.getElementsByTagName('parsererror').length,
            root: `${feed.namespaceURI} ${feed.localName}`,
            lang: feed.getAttribute('xml:lang'),
            feed: ['id', 'title', 'updated', 'author'].map((n) => kids(feed, n).length),
            self: kids(feed, 'link').some((l) => l.getAttribute('rel') === 'self'),
            entries: kids(feed, 'entry').map((e) => ({
              has: ['id', 'title', 'updated', 'link'].map((n) => kids(e, n).length),
              updated: !Number.isNaN(Date.parse(kids(e, 'updated')[0]!.textContent!)),
              title: kids(e, 'title')[0]!.textContent,
            })),
          };
        }, href!);
        expect(parsed).toMatchObject({ error: 0, root: 'http://www.w3.org/2005/Atom feed', lang, feed: [1, 1, 1, 1], self: true });
        expect(parsed.entries).toHaveLength(2);
        for (const e of parsed.entries) expect(e).toMatchObject({ has: [1, 1, 1, 1], updated: true });
        expect(parsed.entries[0]!.title).toContain(lang === 'ja' ? '認定を取消し' : 'Certification revoked');
        await p.close();
      },
      SLOW,
    );
  }
});

describe('/docs, in Chromium (issue 18)', () => {
  it(
    'is readable without script: the operations listed, the repository documents cited',
    async () => {
      const p = await open('/docs', { script: false });
      const body = await text(p.page);
      expect(body).toContain('GET /verify/{number}');
      expect(body).toContain('POST /api/v1/inquiries');
      expect(body).toContain('docs/CONTRACT.md');
      expect(await p.page.locator('.ops li').count()).toBeGreaterThan(20);
      await p.close();
    },
    SLOW,
  );

  it(
    'becomes Swagger UI when its script loads',
    async () => {
      const p = await open('/docs');
      await p.page.waitForSelector('.swagger-ui .opblock', { timeout: 45_000 });
      expect(await p.page.locator('.plain').count()).toBe(0);
      await p.close();
    },
    SLOW,
  );
});
