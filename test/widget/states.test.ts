/** What the badge shows, in a real browser, with the vendor's page on one origin and certmark on another. */
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEXT } from '../../widget/src/text';
import { inBadge, launchBrowser, linkNames, openPage, screenshotBadge, settled } from './support/browser';
import { serviceIn, type BadgeCase } from './support/services';
import { closedPort, startCertmark, startVendor, vendorPage, type Certmark, type Vendor } from './support/servers';

let certmark: Certmark;
let vendor: Vendor;
let elsewhere: Vendor;
let browser: Browser;

beforeAll(async () => {
  [certmark, vendor, elsewhere, browser] = await Promise.all([startCertmark(), startVendor(), startVendor(), launchBrowser()]);
});
afterAll(async () => {
  await browser?.close();
  await Promise.all([certmark?.close(), vendor?.close(), elsewhere?.close()]);
});

async function show(status: BadgeCase, o: { lang?: string; on?: Vendor } = {}) {
  const s = await serviceIn(certmark, status, [vendor.origin]);
  const site = o.on ?? vendor;
  const url = site.put(`/${status}-${s.number}`, vendorPage({ base: certmark.base, tokens: [s.token], lang: o.lang }));
  const opened = await openPage(browser, url);
  const [look] = await settled(opened.page);
  return { ...opened, s, look: look! };
}

describe('a valid certification (Art. 10.3, 10.4)', () => {
  it('shows the official mark beside the service name, the scheme, number and valid-through date, all one link to the verification page', async () => {
    const { page, errors, close, s, look } = await show('certified');
    expect(look.mark).toMatchObject({ src: `${certmark.base}/mark/${s.token}.svg`, alt: TEXT.ja.mark, loaded: true, rect: { width: 56, height: 56 } });
    expect(look.text).toContain(s.number);
    // issue 18: the scheme named, and the date written as the pages write it
    expect(look.text).toMatch(/テストカルテ\d+ \| 医療情報ASP・SaaS 情報開示認定 \| MD-\d{4}-\d{4} \| \d{4}年\d{1,2}月\d{1,2}日まで有効/);
    expect(look.links).toHaveLength(1);
    expect(look.links[0]!.href).toBe(`${certmark.base}/verify/${s.number}`);
    expect(await linkNames(page)).toContainEqual(
      expect.stringMatching(new RegExp(`^認定マーク テストカルテ\\d+ ${TEXT.ja.scheme} ${s.number} \\d{4}年\\d{1,2}月\\d{1,2}日まで有効$`)),
    );
    expect(errors).toEqual([]);
    await screenshotBadge(page, look, 'valid');
    await close();
  });

  it('keeps showing the mark while a renewal is pending', async () => {
    const { page, errors, close, look } = await show('renewal_pending');
    expect(look.mark?.loaded).toBe(true);
    expect(errors).toEqual([]);
    await screenshotBadge(page, look, 'renewal_pending');
    await close();
  });

  it('opens a details card on hover and on keyboard focus', async () => {
    const { page, close, look } = await show('certified');
    const cardShown = () => inBadge<boolean>(page, 0, 'function () { return getComputedStyle(this.querySelector(".c")).display !== "none"; }');
    expect(await cardShown()).toBe(false);
    await page.mouse.move(look.host.x + 30, look.host.y + 30);
    expect(await cardShown()).toBe(true);
    await screenshotBadge(page, look, 'valid-details', 130);
    await page.mouse.move(700, 350);
    expect(await cardShown()).toBe(false);
    await page.keyboard.press('Tab');
    expect(await cardShown()).toBe(true);
    const card = await inBadge<string>(page, 0, 'function () { return this.querySelector(".c").textContent; }');
    expect(card).toContain('株式会社テストメディカル');
    expect(card).toContain('認定中');
    expect(card).toContain(TEXT.ja.scheme);
    expect(card).toMatch(/確認日時 \d{4}年\d{1,2}月\d{1,2}日 \d{2}:\d{2}（日本時間）/);
    await close();
  });

  it('speaks English on an English page and links to the English verification page', async () => {
    const { page, close, s, look } = await show('certified', { lang: 'en' });
    expect(look.lang).toBe('en');
    expect(look.text).toMatch(/^Test Karte \d+ \| Medical ASP\/SaaS disclosure certification \| MD-\d{4}-\d{4} \| Valid through \d{1,2} [A-Z][a-z]+ \d{4}$/);
    expect(await linkNames(page)).toContainEqual(expect.stringContaining(`Certification mark Test Karte`));
    expect(await linkNames(page)).toContainEqual(expect.stringContaining(TEXT.en.scheme));
    expect(look.links[0]!.href).toBe(`${certmark.base}/verify/${s.number}?lang=en`);
    await screenshotBadge(page, look, 'valid-en');
    await close();
  });

  it('names the scheme in the English details card, dated the way the English pages are', async () => {
    const { page, close, look } = await show('renewal_pending', { lang: 'en' });
    await page.mouse.move(look.host.x + 30, look.host.y + 30);
    const card = await inBadge<string>(page, 0, 'function () { return this.querySelector(".c").textContent; }');
    expect(card).toContain(TEXT.en.scheme);
    expect(card).toContain(`Status ${TEXT.en.states.renewal_pending}`);
    expect(card).toMatch(/Checked \d{1,2} [A-Z][a-z]+ \d{4}, \d{2}:\d{2} JST/);
    await close();
  });

  it("names the scheme and the pages' term in an English notice", async () => {
    const { close, look } = await show('revoked', { lang: 'en' });
    expect(look.mark).toBeNull();
    expect(look.text).toContain(`${TEXT.en.states.revoked} (${TEXT.en.scheme})`);
    await close();
  });
});

describe('a certification that is not valid (Art. 10.1, 10.6, 10.8)', () => {
  it.each(['expired', 'revoked', 'terminated', 'lapsed'] as const)(
    'for a %s service shows a neutral notice, never the mark, linking to the verification page',
    async (status) => {
      const { page, close, s, look, requests } = await show(status);
      expect(look.mark).toBeNull();
      expect(look.text).toContain(TEXT.ja.states[status]);
      expect(look.text).toContain(TEXT.ja.scheme);
      expect(look.text).toContain(s.number);
      expect(look.links.map((l) => l.href)).toEqual([`${certmark.base}/verify/${s.number}`]);
      expect(await linkNames(page)).toEqual([`${TEXT.ja.verify} (${s.number})`]);
      expect(requests.filter((u) => u.includes('/mark/'))).toEqual([]);
      await screenshotBadge(page, look, status);
      await close();
    },
  );
});

describe('a site not registered for the token (Art. 10.2)', () => {
  it('says the display cannot be confirmed on this site, with a report link, and never shows the mark', async () => {
    const { page, close, s, look, requests } = await show('certified', { on: elsewhere });
    expect(look.mark).toBeNull();
    expect(look.text).toContain(TEXT.ja.notHere);
    expect(look.links.map((l) => l.href)).toEqual([`${certmark.base}/verify/${s.number}`, `${certmark.base}/verify/${s.number}?report=1#report`]);
    expect(requests.filter((u) => u.includes('/mark/'))).toEqual([]);
    await screenshotBadge(page, look, 'not-this-site');
    await close();
  });
});

describe('a token certmark does not know', () => {
  it('shows that the certification cannot be confirmed, linking to the registry', async () => {
    const url = vendor.put('/unknown', vendorPage({ base: certmark.base, tokens: ['not-a-token'] }));
    const { page, close } = await openPage(browser, url);
    const [look] = await settled(page);
    expect(look!.mark).toBeNull();
    expect(look!.text).toContain(TEXT.ja.states.unknown);
    expect(look!.links.map((l) => l.href)).toEqual([`${certmark.base}/registry`]);
    await screenshotBadge(page, look!, 'unknown');
    await close();
  });
});

describe('certmark cannot be reached', () => {
  const claims = (sub: string) => `eyJhbGciOiJFZERTQSJ9.${Buffer.from(JSON.stringify({ sub })).toString('base64url')}.c2ln`;

  it('shows a plain text link to the verification page of the number the token names', async () => {
    const down = `http://127.0.0.1:${await closedPort()}`;
    const url = vendor.put('/offline', vendorPage({ base: certmark.base, tokens: [claims('MD-0042-2411')], attrs: `base="${down}"` }));
    const { page, close } = await openPage(browser, url);
    const [look] = await settled(page);
    expect(look!.mark).toBeNull();
    expect(look!.links).toEqual([{ href: `${down}/verify/MD-0042-2411`, text: TEXT.ja.offline('MD-0042-2411') }]);
    await screenshotBadge(page, look!, 'offline');
    await close();
  });

  it('links to the registry when the token names no number', async () => {
    const down = `http://127.0.0.1:${await closedPort()}`;
    const url = vendor.put('/offline-garbled', vendorPage({ base: certmark.base, tokens: ['garbled'], attrs: `base="${down}"`, lang: 'en' }));
    const { page, close } = await openPage(browser, url);
    const [look] = await settled(page);
    expect(look!.links).toEqual([{ href: `${down}/registry`, text: TEXT.en.registry }]);
    await close();
  });
});
