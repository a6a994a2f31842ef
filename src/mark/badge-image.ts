/**
 * The self-dating badge image for places without script (the `<noscript>` fallback, e-mail signatures): the mark
 * whole beside the service's name and number (Art. 10.3), "valid through" and the minute it was checked (JST),
 * so a copy kept by a proxy or a screenshot visibly ages. When the mark must not be shown, the same frame holds
 * a notice instead: never the mark (Art. 10.1, 10.6, 10.8).
 */
import sharp from 'sharp';
import { LRUCache } from 'lru-cache';
import { formatDate, formatInstant, SCHEME } from '../views/vocabulary';
import { escapeXml, NOTICE_TEXT, type NoticeLang, type NoticeReason } from './notice';

export const BADGE_SIZE = { width: 460, height: 120 } as const;
/** Room for text right of the mark. */
const TEXT_WIDTH = 460 - 128 - 14;
const FONTS = "'Noto Sans CJK JP','Hiragino Sans','Yu Gothic','Meiryo','DejaVu Sans',sans-serif";

export interface BadgeFacts {
  number: string;
  name: { ja: string; en: string | null };
  validThrough: string | null;
  /** The instant of the check, shown to the minute in JST. */
  checkedAt: Date;
}

/** The badge's own lines in the pages' words and date style (issue 18: one date style per language). */
const WORDS = {
  ja: {
    number: (n: string) => `認定番号 ${n}`,
    through: (d: string | null) => (d ? `有効期限 ${formatDate(d, 'ja')}` : '有効期限 —'),
    checked: (at: Date) => `確認 ${formatInstant(at, 'ja')}`,
    label: (name: string, n: string, through: string, checked: string) => `${SCHEME.ja}：${name}（${n}）${through}、${checked}`,
  },
  en: {
    number: (n: string) => `Certification No. ${n}`,
    through: (d: string | null) => (d ? `Valid through ${formatDate(d, 'en')}` : 'Valid through —'),
    checked: (at: Date) => `Checked ${formatInstant(at, 'en')}`,
    label: (name: string, n: string, through: string, checked: string) => `${SCHEME.en}: ${name} (${n}), ${through}, ${checked}`,
  },
} as const;

/** Estimated advance of a character in ems: CJK and full-width ones are square, Latin about half. */
const advance = (ch: string) => (/[\u1100-\u115f\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6]/.test(ch) ? 1 : 0.6);

/** The text, cut with an ellipsis so that it fits `maxWidth` pixels at `fontSize`. */
export function fit(text: string, fontSize: number, maxWidth: number): string {
  const chars = [...text];
  let width = 0;
  for (let i = 0; i < chars.length; i++) {
    width += advance(chars[i]!) * fontSize;
    if (width > maxWidth) return `${chars.slice(0, Math.max(0, i - 1)).join('')}…`;
  }
  return text;
}

/** The master SVG as a nested <svg> placed at (x, y) with the given size: the mark whole, its own colours. */
export function nestMaster(master: Buffer | string, x: number, y: number, size: number): string {
  const text = master.toString();
  const open = /<svg\b[^>]*>/.exec(text);
  const close = text.lastIndexOf('</svg>');
  if (!open || close < 0) throw new Error('the mark master is not an SVG document');
  const viewBox = /viewBox="([^"]+)"/.exec(open[0])?.[1] ?? `0 0 ${/width="(\d+)/.exec(open[0])?.[1] ?? 240} ${/height="(\d+)/.exec(open[0])?.[1] ?? 240}`;
  const inner = text.slice(open.index + open[0].length, close);
  return `<svg x="${x}" y="${y}" width="${size}" height="${size}" viewBox="${viewBox}" preserveAspectRatio="xMidYMid meet">${inner}</svg>`;
}

const line = (y: number, size: number, fill: string, text: string, weight = 'normal') =>
  `<text x="128" y="${y}" font-family="${escapeXml(FONTS)}" font-size="${size}" font-weight="${weight}" fill="${fill}">${escapeXml(text)}</text>`;

function frame(label: string, body: string, stroke: string, fill: string): string {
  const { width, height } = BADGE_SIZE;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img" aria-label="${escapeXml(label)}">`,
    `<rect x="1" y="1" width="${width - 2}" height="${height - 2}" rx="6" fill="${fill}" stroke="${stroke}" stroke-width="2"/>`,
    body,
    '</svg>',
  ].join('');
}

/**
 * The badge while the mark is served: the mark beside the service's name, the scheme it is certified under, its
 * number, valid-through and the checked minute, in the reader's language.
 */
export function validBadgeSvg(master: Buffer | string, f: BadgeFacts, lang: NoticeLang = 'ja'): string {
  const w = WORDS[lang];
  const name = lang === 'en' ? (f.name.en ?? f.name.ja) : f.name.ja;
  const through = w.through(f.validThrough);
  const checked = w.checked(f.checkedAt);
  const body = [
    nestMaster(master, 12, 12, 96),
    line(32, 17, '#1a1a1a', fit(name, 17, TEXT_WIDTH), 'bold'),
    line(52, 12, '#444444', fit(SCHEME[lang], 12, TEXT_WIDTH)),
    line(72, 13, '#1a1a1a', w.number(f.number)),
    line(91, 13, '#1a1a1a', fit(through, 13, TEXT_WIDTH)),
    line(110, 11, '#555555', fit(checked, 11, TEXT_WIDTH)),
  ].join('');
  return frame(w.label(name, f.number, through, checked), body, '#8c8c8c', '#ffffff');
}

/** The badge when the mark must not be shown: a grey frame with the reason, never the mark. */
export function noticeBadgeSvg(reason: NoticeReason, f: BadgeFacts | null, checkedAt: Date, lang: NoticeLang = 'ja'): string {
  const text = NOTICE_TEXT[reason] ?? NOTICE_TEXT.unknown;
  const checked = WORDS[lang].checked(checkedAt);
  const first = lang === 'en' ? text.en : text.ja;
  const second = lang === 'en' ? text.ja : text.en;
  const who = f ? `${fit(lang === 'en' ? (f.name.en ?? f.name.ja) : f.name.ja, 13, BADGE_SIZE.width - 40 - 13 * 8)}  ${f.number}` : '';
  const body = [
    `<text x="20" y="34" font-family="${escapeXml(FONTS)}" font-size="17" font-weight="bold" fill="#333333">${escapeXml(first)}</text>`,
    `<text x="20" y="56" font-family="${escapeXml(FONTS)}" font-size="13" fill="#555555">${escapeXml(second)}</text>`,
    who ? `<text x="20" y="82" font-family="${escapeXml(FONTS)}" font-size="13" fill="#333333">${escapeXml(who)}</text>` : '',
    `<text x="20" y="106" font-family="${escapeXml(FONTS)}" font-size="11" fill="#555555">${escapeXml(checked)}</text>`,
  ].join('');
  return frame(`${first} / ${second}${who ? ` (${who})` : ''}, ${checked}`, body, '#8c8c8c', '#f4f4f4');
}

const pngCache = new LRUCache<string, Promise<Buffer>>({ max: 256 });

/** The badge SVG as PNG at twice its size (crisp on high-density screens); bounded cache keyed by the SVG. */
export function badgePng(svg: string): Promise<Buffer> {
  let rendered = pngCache.get(svg);
  if (rendered === undefined) {
    rendered = sharp(Buffer.from(svg), { density: 144 }).png().toBuffer();
    rendered.catch(() => pngCache.delete(svg));
    pngCache.set(svg, rendered);
  }
  return rendered;
}
