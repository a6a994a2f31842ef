/**
 * Notice images served instead of the mark when it must not be shown (Art. 10.1, 10.2, 10.6, 10.8).
 * They must never be mistaken for the mark: a plain wide rectangle with a grey border and text only,
 * no emblem, none of the mark's colours, no ring, cross or check.
 */
import sharp from 'sharp';
import { nearestMarkWidth } from './widths';

export type NoticeReason = 'revoked' | 'expired' | 'terminated' | 'lapsed' | 'not_served' | 'not_registered' | 'unknown';
export type NoticeLang = 'ja' | 'en';

export const NOTICE_TEXT: Record<NoticeReason, { ja: string; en: string }> = {
  revoked: { ja: 'この認定は取り消されています', en: 'This certification has been revoked' },
  expired: { ja: 'この認定は有効期限が切れています', en: 'This certification has expired' },
  terminated: { ja: 'この認定は終了しています', en: 'This certification has been terminated' },
  lapsed: { ja: 'この認定は失効しています', en: 'This certification has lapsed' },
  not_served: { ja: '現在この認定マークは表示できません', en: 'The certification mark cannot be shown now' },
  not_registered: {
    ja: 'このサイトでの表示は登録されていません',
    en: 'This mark is not registered for this site',
  },
  unknown: { ja: '認定を確認できません', en: 'Certification cannot be confirmed' },
};

/** Width : height of every notice; far from the mark's square outline. */
export const NOTICE_VIEWBOX = { width: 480, height: 120 } as const;

export function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => (c === '&' ? '&amp;' : c === '<' ? '&lt;' : c === '>' ? '&gt;' : c === '"' ? '&quot;' : '&apos;'));
}

const FONTS = "'Noto Sans CJK JP','Hiragino Sans','Yu Gothic','Meiryo','IPAexGothic','DejaVu Sans',sans-serif";

/** The notice as SVG text. Japanese first by default; `lang: 'en'` puts English first. */
export function noticeSvg(reason: NoticeReason, lang: NoticeLang = 'ja'): string {
  const text = NOTICE_TEXT[reason] ?? NOTICE_TEXT.unknown;
  const first = lang === 'en' ? text.en : text.ja;
  const second = lang === 'en' ? text.ja : text.en;
  const { width, height } = NOTICE_VIEWBOX;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}"`,
    ` role="img" aria-label="${escapeXml(`${first} / ${second}`)}" lang="${lang}">`,
    `<rect x="2" y="2" width="${width - 4}" height="${height - 4}" fill="#f4f4f4" stroke="#8c8c8c" stroke-width="4"/>`,
    `<text x="${width / 2}" y="52" text-anchor="middle" font-family="${escapeXml(FONTS)}" font-size="22" fill="#333333">${escapeXml(first)}</text>`,
    `<text x="${width / 2}" y="86" text-anchor="middle" font-family="${escapeXml(FONTS)}" font-size="17" fill="#555555">${escapeXml(second)}</text>`,
    '</svg>',
  ].join('');
}

const pngCache = new Map<string, Promise<Buffer>>();

/** The notice as PNG, `width` snapped to the mark widths (bounded cache). */
export function noticePng(reason: NoticeReason, width: number, lang: NoticeLang = 'ja'): Promise<Buffer> {
  const w = nearestMarkWidth(width);
  const key = `${reason}:${lang}:${w}`;
  let rendered = pngCache.get(key);
  if (rendered === undefined) {
    const svg = Buffer.from(noticeSvg(reason, lang));
    const density = Math.min(2400, Math.max(1, Math.ceil((72 * w) / NOTICE_VIEWBOX.width)));
    rendered = sharp(svg, { density }).resize({ width: w }).png().toBuffer();
    rendered.catch(() => pngCache.delete(key));
    pngCache.set(key, rendered);
  }
  return rendered;
}
