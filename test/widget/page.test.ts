/** The badge as a guest on a vendor's page: strict CSP, several badges, changes, privacy, no layout shift. */
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { embedSnippet } from '../../src/routes/widget';
import { TEXT } from '../../widget/src/text';
import { inBadge, launchBrowser, looks, openPage, settled } from './support/browser';
import { revokeNow, serviceIn } from './support/services';
import { startCertmark, startVendor, vendorPage, type Certmark, type Vendor } from './support/servers';

let certmark: Certmark;
let vendor: Vendor;
let browser: Browser;

beforeAll(async () => {
  [certmark, vendor, browser] = await Promise.all([startCertmark(), startVendor(), launchBrowser()]);
});
afterAll(async () => {
  await browser?.close();
  await Promise.all([certmark?.close(), vendor?.close()]);
});

const badgeCalls = (requests: string[]) => requests.filter((u) => u.startsWith(`${certmark.base}/api/v1/badge/`));

describe('a host page whose CSP allows only the certmark origin', () => {
  const strictPage = (token: string) =>
    `<!doctype html><html lang="ja"><head><meta charset="utf-8"><title>strict</title><link rel="stylesheet" href="/site.css"></head><body>
<script src="${certmark.base}/widget.js" async></script>
<certmark-badge token="${token}"></certmark-badge><p id="after">after</p></body></html>`;
  const csp = () =>
    `default-src 'none'; script-src ${certmark.base}; connect-src ${certmark.base}; img-src ${certmark.base}; ` +
    `style-src 'self' ${certmark.base}; base-uri 'none'; require-trusted-types-for 'script'`;

  it('draws the styled badge with the mark, without a single CSP violation or console error', async () => {
    const { token } = await serviceIn(certmark, 'certified', [vendor.origin]);
    vendor.put('/site.css', 'body{margin:16px}', { 'Content-Type': 'text/css' });
    const url = vendor.put('/strict', strictPage(token), { 'Content-Security-Policy': csp() });
    const { page, errors, close } = await openPage(browser, url);
    const [look] = await settled(page);
    expect(look!.mark?.loaded).toBe(true);
    expect(look!.host).toMatchObject({ width: 300, height: 64 });
    const styled = await inBadge<string>(
      page,
      0,
      'function () { const s = getComputedStyle(this.firstElementChild); return s.backgroundColor + " " + s.borderTopWidth + " " + s.display; }',
    );
    expect(styled).toBe('rgb(255, 255, 255) 1px flex');
    expect(errors).toEqual([]);
    await close();
  });

  it('is right to use a constructable stylesheet: the same CSP blocks a <style> element in a shadow root', async () => {
    const url = vendor.put('/strict-style', strictPage('x'), { 'Content-Security-Policy': csp() });
    const { page, errors, close } = await openPage(browser, url);
    const applied = await page.evaluate(() => {
      const host = document.createElement('div');
      document.body.append(host);
      const root = host.attachShadow({ mode: 'open' });
      const style = document.createElement('style');
      style.textContent = 'p{color:rgb(1, 2, 3)}';
      const p = document.createElement('p');
      root.append(style, p);
      return getComputedStyle(p).color === 'rgb(1, 2, 3)';
    });
    expect(applied).toBe(false);
    expect(errors.join('\n')).toMatch(/Content Security Policy/);
    await close();
  });
});

describe('the embed snippet as certmark issues it', () => {
  const page = (snippet: string) => `<!doctype html><html lang="ja"><head><meta charset="utf-8"><title>snippet</title></head><body>${snippet}</body></html>`;

  it('loads the pinned script under its Subresource Integrity and draws the badge', async () => {
    const s = await serviceIn(certmark, 'certified', [vendor.origin]);
    const snippet = embedSnippet({ base: certmark.base, token: s.token, number: s.number, bundle: certmark.t.deps.widget });
    const url = vendor.put('/pinned', page(snippet));
    const { page: p, errors, requests, close } = await openPage(browser, url);
    const [look] = await settled(p);
    expect(look!.mark?.loaded).toBe(true);
    expect(requests).toContain(`${certmark.base}/widget.${certmark.t.deps.widget.hash}.js`);
    expect(errors).toEqual([]);
    await close();
  });

  it('without JavaScript, shows the self-dating badge image linking to the verification page', async () => {
    const s = await serviceIn(certmark, 'certified', [vendor.origin]);
    const snippet = embedSnippet({ base: certmark.base, token: s.token, number: s.number, bundle: certmark.t.deps.widget });
    const url = vendor.put('/noscript', page(snippet));
    const context = await browser.newContext({ javaScriptEnabled: false });
    const p = await context.newPage();
    const images: { url: string; status: number; type: string | undefined }[] = [];
    p.on('response', (r) => r.request().resourceType() === 'image' && images.push({ url: r.url(), status: r.status(), type: r.headers()['content-type'] }));
    await p.goto(url);
    await p.waitForLoadState('load');
    expect(images).toEqual([{ url: `${certmark.base}/badge/${s.token}.svg`, status: 200, type: expect.stringContaining('image/svg+xml') }]);
    expect(await p.getAttribute(`a:has(img[src$="${s.token}.svg"])`, 'href')).toBe(`${certmark.base}/verify/${s.number}`);
    await context.close();
  });
});

describe('several badges on one page', () => {
  it('draws each badge, asking certmark once per token', async () => {
    const a = await serviceIn(certmark, 'certified', [vendor.origin]);
    const b = await serviceIn(certmark, 'revoked', [vendor.origin]);
    const url = vendor.put('/several', vendorPage({ base: certmark.base, tokens: [a.token, b.token, a.token] }));
    const { page, errors, requests, close } = await openPage(browser, url);
    const all = await settled(page, 3);
    expect(all.map((l) => l.mark !== null)).toEqual([true, false, true]);
    expect(all[1]!.text).toContain(TEXT.ja.states.revoked);
    expect(badgeCalls(requests).sort()).toEqual([`${certmark.base}/api/v1/badge/${a.token}`, `${certmark.base}/api/v1/badge/${b.token}`].sort());
    expect(errors).toEqual([]);
    await close();
  });
});

describe('a change of the token attribute', () => {
  it('redraws the badge for the new token', async () => {
    const a = await serviceIn(certmark, 'certified', [vendor.origin]);
    const b = await serviceIn(certmark, 'expired', [vendor.origin]);
    const url = vendor.put('/change', vendorPage({ base: certmark.base, tokens: [a.token] }));
    const { page, close } = await openPage(browser, url);
    expect((await settled(page))[0]!.mark).not.toBeNull();
    await page.evaluate((t) => document.querySelector('certmark-badge')!.setAttribute('token', t), b.token);
    await expect.poll(async () => (await looks(page))[0]!.text, { timeout: 5000 }).toContain(TEXT.ja.states.expired);
    expect((await looks(page))[0]!.mark).toBeNull();
    expect((await looks(page))[0]!.text).toContain(b.number);
    await close();
  });
});

describe('a revocation while the page is open (Art. 10.8)', () => {
  it('shows the notice, not the mark, on the next load', async () => {
    const s = await serviceIn(certmark, 'certified', [vendor.origin]);
    const url = vendor.put('/revoked-meanwhile', vendorPage({ base: certmark.base, tokens: [s.token] }));
    const { page, close } = await openPage(browser, url);
    expect((await settled(page))[0]!.mark).not.toBeNull();
    await revokeNow(certmark, s.id);
    await page.reload();
    const [look] = await settled(page);
    expect(look!.mark).toBeNull();
    expect(look!.text).toContain(TEXT.ja.states.revoked);
    await close();
  });
});

describe('layout', () => {
  it('reserves the badge size before certmark answers, so nothing on the page moves', async () => {
    const { token } = await serviceIn(certmark, 'certified', [vendor.origin]);
    const url = vendor.put('/slow', vendorPage({ base: certmark.base, tokens: [token] }));
    const context = await browser.newContext({ viewport: { width: 800, height: 400 }, deviceScaleFactor: 1 });
    const page = await context.newPage();
    let answer!: () => void;
    const answered = new Promise<void>((done) => (answer = done));
    await page.route(`${certmark.base}/api/v1/badge/**`, async (route) => {
      await answered;
      await route.continue();
    });
    await page.goto(url);
    await page.waitForFunction(() => customElements.get('certmark-badge') !== undefined);
    const before = await page.evaluate(() => [
      document.querySelector('certmark-badge')!.getBoundingClientRect().toJSON(),
      document.querySelector('#after')!.getBoundingClientRect().top,
    ]);
    expect((await looks(page))[0]!.busy).toBe(true);
    answer();
    expect((await settled(page))[0]!.mark).not.toBeNull();
    const after = await page.evaluate(() => [
      document.querySelector('certmark-badge')!.getBoundingClientRect().toJSON(),
      document.querySelector('#after')!.getBoundingClientRect().top,
    ]);
    expect(after).toEqual(before);
    await context.close();
  });
});

describe('privacy', () => {
  it('sends no cookies and no page path, stores nothing and talks to nobody but certmark', async () => {
    const { token } = await serviceIn(certmark, 'certified', [vendor.origin]);
    const url = `${vendor.put('/private/page', vendorPage({ base: certmark.base, tokens: [token] }))}?q=secret`;
    const context = await browser.newContext({ deviceScaleFactor: 1 });
    const page = await context.newPage();
    const sent: { url: string; headers: Record<string, string> }[] = [];
    page.on('request', async (r) => sent.push({ url: r.url(), headers: await r.allHeaders() }));
    await page.goto(url);
    await settled(page);
    const toCertmark = sent.filter((r) => r.url.startsWith(certmark.base));
    const own = toCertmark.filter((r) => r.url.includes('/api/v1/badge/') || r.url.includes('/mark/'));
    expect(own).toHaveLength(2);
    for (const r of own) {
      expect(r.headers.origin).toBe(vendor.origin);
      expect(r.headers.cookie).toBeUndefined();
      expect(r.headers.referer ?? '').not.toContain('/private');
    }
    expect(sent.every((r) => r.url.startsWith(certmark.base) || r.url.startsWith(vendor.origin))).toBe(true);
    const stored = await page.evaluate(() => [localStorage.length, sessionStorage.length, document.cookie]);
    expect(stored).toEqual([0, 0, '']);
    expect(await context.cookies()).toEqual([]);
    await context.close();
  });
});
