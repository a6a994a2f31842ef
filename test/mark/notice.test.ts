import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { createMarkMatcher } from '../../src/detection/image.js';
import { decodeImage } from '../../src/detection/decode.js';
import { loadMarkMasters } from '../../src/mark/masters.js';
import { NOTICE_TEXT, escapeXml, noticePng, noticeSvg, type NoticeReason } from '../../src/mark/notice.js';
import { createMarkRenderer } from '../../src/mark/render.js';

const reasons = Object.keys(NOTICE_TEXT) as NoticeReason[];

describe('notice images that cannot be mistaken for the mark (Art. 10.1, 10.2, 10.6, 10.8)', () => {
  it('says why in Japanese, then English', () => {
    const svg = noticeSvg('revoked');
    expect(svg.indexOf('この認定は取り消されています')).toBeGreaterThan(0);
    expect(svg.indexOf('This certification has been revoked')).toBeGreaterThan(svg.indexOf('この認定は取り消されています'));
    expect(noticeSvg('not_registered')).toContain('このサイトでの表示は登録されていません');
    expect(noticeSvg('not_registered')).toContain('This mark is not registered for this site');
    expect(noticeSvg('unknown')).toContain('認定を確認できません');
    expect(noticeSvg('unknown')).toContain('Certification cannot be confirmed');
  });

  it('puts English first when asked', () => {
    const svg = noticeSvg('expired', 'en');
    expect(svg.indexOf('This certification has expired')).toBeLessThan(svg.indexOf('この認定は有効期限が切れています'));
  });

  it.each(reasons.map((r) => [r]))('draws no emblem and none of the mark colours for %s', (reason) => {
    const svg = noticeSvg(reason);
    expect(svg).not.toMatch(/#0b6e8a|#d7263d|#e8a800|<circle|<path|<image|<use/i);
    expect(svg).toMatch(/viewBox="0 0 480 120"/); // a wide plain rectangle, not the square mark
  });

  it('escapes what it interpolates', () => {
    expect(escapeXml(`<a href="x">&'`)).toBe('&lt;a href=&quot;x&quot;&gt;&amp;&apos;');
    // every notice parses as XML (sharp/librsvg refuses malformed SVG)
    return Promise.all(reasons.map((r) => sharp(Buffer.from(noticeSvg(r))).metadata()));
  });

  it('renders PNG notices at the mark widths, once each', async () => {
    const png = await noticePng('revoked', 250);
    expect((await sharp(png).metadata()).width).toBe(256);
    expect(await noticePng('revoked', 256)).toBe(png);
  });

  it('is judged unrelated by the misuse checks, never taken for the mark', async () => {
    const renderer = createMarkRenderer(await loadMarkMasters());
    const matcher = createMarkMatcher({ colour: await renderer.png('colour', 512), mono: await renderer.png('mono', 512) });
    for (const reason of reasons) {
      for (const width of [128, 512]) {
        const verdict = await matcher.analyse(await decodeImage(await noticePng(reason, width)));
        expect(verdict.finding, `${reason} at ${width}`).toBe('unrelated');
      }
    }
  });
});
