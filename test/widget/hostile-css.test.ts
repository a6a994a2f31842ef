/**
 * Art. 10.5 (no recolouring, no partial mark) against a hostile host page. What the page sets on <certmark-badge>
 * itself is overruled from inside the shadow root, so the mark is drawn exactly as the official rendering. What it
 * sets on an ancestor cannot be overruled, so the badge shows a neutral notice instead of an altered mark.
 */
import type { Browser } from 'playwright-core';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEXT } from '../../widget/src/text';
import { inBadge, launchBrowser, looks, openPage, screenshotBadge, settled } from './support/browser';
import { meanDifference, officialMark, shot } from './support/pixels';
import { serviceIn } from './support/services';
import { startCertmark, startVendor, vendorPage, type Certmark, type Vendor } from './support/servers';

let certmark: Certmark;
let vendor: Vendor;
let browser: Browser;
let pages = 0;

beforeAll(async () => {
  [certmark, vendor, browser] = await Promise.all([startCertmark(), startVendor(), launchBrowser()]);
});
afterAll(async () => {
  await browser?.close();
  await Promise.all([certmark?.close(), vendor?.close()]);
});

/** Mean per-channel difference allowed between the browser's and sharp's rasterisation of the same SVG. */
const SAME = 4;
const PAGE_BACKGROUND = 'body{background:#3a3}';

async function hostile(o: { css: string; attrs?: string; wrap?: [string, string]; after?: string }) {
  const { token } = await serviceIn(certmark, 'certified', [vendor.origin]);
  const head = `<style>${PAGE_BACKGROUND}${o.css}</style>`;
  const url = vendor.put(`/hostile-${++pages}`, vendorPage({ base: certmark.base, tokens: [token], head, attrs: o.attrs, wrap: o.wrap, after: o.after }));
  const opened = await openPage(browser, url);
  const [look] = await settled(opened.page);
  return { ...opened, look: look! };
}

describe('the pixel comparison itself', () => {
  it('tells the official mark from a recoloured one', async () => {
    const official = await officialMark(56);
    const recoloured = await sharp(official, { raw: { width: 56, height: 56, channels: 3 } })
      .modulate({ hue: 120 })
      .raw()
      .toBuffer();
    expect(meanDifference(official, official)).toBe(0);
    expect(meanDifference(official, recoloured)).toBeGreaterThan(5 * SAME);
  });
});

describe('host CSS aimed at the badge element or into it cannot alter the mark (Art. 10.5)', () => {
  const cases: [string, { css: string; attrs?: string }][] = [
    ['filter: hue-rotate() on the element', { css: 'certmark-badge{filter:hue-rotate(120deg)!important}' }],
    ['clip-path on the element', { css: 'certmark-badge{clip-path:inset(0 60% 0 0)!important}' }],
    ['opacity on the element', { css: 'certmark-badge{opacity:.2!important}' }],
    ['mix-blend-mode on the element', { css: 'certmark-badge{mix-blend-mode:difference!important}' }],
    [
      'a mask on the element',
      { css: 'certmark-badge{mask-image:linear-gradient(transparent,#000)!important;-webkit-mask-image:linear-gradient(transparent,#000)!important}' },
    ],
    ['a transform on the element', { css: 'certmark-badge{transform:scaleX(2) rotate(20deg)!important}' }],
    ['a shrunken, cropping box', { css: 'certmark-badge{width:20px!important;height:20px!important;overflow:hidden!important;zoom:.5!important}' }],
    ['a pseudo-element laid over it', { css: 'certmark-badge{position:relative}certmark-badge::after{content:"";position:absolute;inset:0;background:red}' }],
    ['an outline drawn over it', { css: 'certmark-badge{outline:40px solid red!important;outline-offset:-40px!important}' }],
    ['* { color: red !important }', { css: '*{color:red!important;background:#000!important;font-size:30px!important}' }],
    ['img { width: 10px }', { css: 'img{width:10px!important;height:40px!important;filter:invert(1)!important}' }],
    ['an inline style attribute', { css: '', attrs: 'style="filter:invert(1)!important;opacity:.1!important;transform:rotate(90deg)"' }],
  ];

  it.each(cases)('with %s, draws the mark exactly as the official rendering', async (_name, o) => {
    const { page, errors, close, look } = await hostile(o);
    expect(look.mark).toMatchObject({ loaded: true, rect: { width: 56, height: 56 } });
    expect(meanDifference(await shot(page, look.mark!.rect), await officialMark(56))).toBeLessThan(SAME);
    expect(look.host).toMatchObject({ width: 300, height: 64 });
    expect(errors).toEqual([]);
    await close();
  });

  it('keeps its own text colours under * { color: red !important }', async () => {
    const { page, close } = await hostile({ css: '*{color:red!important}' });
    expect(await inBadge(page, 0, 'function () { return getComputedStyle(this.querySelector(".n")).color; }')).toBe('rgb(34, 34, 34)');
    await close();
  });
});

describe('host CSS on an ancestor, which cannot be overruled, hides the mark instead (Art. 10.5)', () => {
  const around: [string, { css: string; after?: string }][] = [
    ['filter: hue-rotate() on a parent', { css: '.w{filter:hue-rotate(120deg)}' }],
    ['opacity on a parent', { css: '.w{opacity:.5}' }],
    ['clip-path on a parent', { css: '.w{clip-path:inset(0 75% 0 0)}' }],
    ['a mask on a parent', { css: '.w{mask-image:linear-gradient(transparent,#000);-webkit-mask-image:linear-gradient(transparent,#000)}' }],
    ['mix-blend-mode on a parent', { css: '.w{mix-blend-mode:multiply}' }],
    ['a rotation of a parent', { css: '.w{transform:rotate(10deg)}' }],
    ['a mirrored parent', { css: '.w{transform:scaleX(-1)}' }],
    ['a stretched parent', { css: '.w{transform:scaleX(1.6);transform-origin:0 0}' }],
    ['a parent that crops its overflow', { css: '.w{width:40px;overflow:hidden}' }],
    [
      'an element laid over the mark',
      { css: '.cover{position:absolute;left:16px;top:16px;width:70px;height:64px;background:#f003}', after: '<div class="cover"></div>' },
    ],
  ];

  it.each(around)('with %s, shows a neutral notice and not the mark', async (name, o) => {
    const { page, close, look, requests } = await hostile({ ...o, wrap: ['<div class="w">', '</div>'] });
    expect(look.mark).toBeNull();
    expect(look.text).toContain(TEXT.ja.altered);
    expect(look.links[0]!.href).toMatch(new RegExp(`^${certmark.base}/verify/MD-\\d{4}-\\d{4}$`));
    if (name.startsWith('filter')) await screenshotBadge(page, look, 'altered-by-the-page');
    expect(requests.filter((u) => u.includes('/mark/')).length).toBeLessThanOrEqual(1);
    await close();
  });

  it('keeps the mark under a uniform enlargement of a parent (nothing is distorted)', async () => {
    const { page, close, look } = await hostile({ css: '.w{transform:scale(1.5);transform-origin:0 0}', wrap: ['<div class="w">', '</div>'] });
    expect(look.mark?.rect).toMatchObject({ width: 84, height: 84 });
    expect(meanDifference(await shot(page, look.mark!.rect), await officialMark(84))).toBeLessThan(SAME);
    await close();
  });

  it('takes the mark away when the page alters a parent later, and brings it back when the page stops', async () => {
    const { page, close } = await hostile({ css: '.w.bad{filter:grayscale(1)}', wrap: ['<div class="w">', '</div>'] });
    await page.evaluate(() => document.querySelector('.w')!.classList.add('bad'));
    await expect.poll(async () => (await looks(page))[0]!.mark, { timeout: 5000, interval: 100 }).toBeNull();
    await page.evaluate(() => document.querySelector('.w')!.classList.remove('bad'));
    await expect.poll(async () => (await looks(page))[0]!.mark !== null, { timeout: 5000, interval: 100 }).toBe(true);
    await close();
  });
});
