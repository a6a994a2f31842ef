/**
 * Renders the official mark at a bounded set of widths. Each (variant, width) PNG is rendered once and kept:
 * the set is small (2 variants x 10 widths), so the cache cannot grow without bound.
 */
import { createHash } from 'node:crypto';
import sharp from 'sharp';
import type { MarkMasters, MarkVariant } from './masters';
import { noticePng, type NoticeLang, type NoticeReason } from './notice';

export { DEFAULT_MARK_WIDTH, MARK_WIDTHS, nearestMarkWidth, type MarkWidth } from './widths';
import { DEFAULT_MARK_WIDTH, nearestMarkWidth, type MarkWidth } from './widths';

export type MarkFormat = 'svg' | 'png';

export interface MarkRenderer {
  /** The official mark as PNG (transparent background), `width` snapped to MARK_WIDTHS. */
  png(variant: MarkVariant, width: number): Promise<Buffer>;
  /** The master SVG bytes, served as they are. */
  svg(variant: MarkVariant): Buffer;
  /** A strong ETag (quoted) from a hash of the bytes that would be served. */
  etag(variant: MarkVariant, format: MarkFormat, width?: number): Promise<string>;
  /** A notice image (never the mark) as PNG, `width` snapped to MARK_WIDTHS (notice.ts). */
  noticePng(reason: NoticeReason, width: number, lang: NoticeLang): Promise<Buffer>;
}

export function strongEtag(bytes: Buffer): string {
  return `"${createHash('sha256').update(bytes).digest('base64url').slice(0, 32)}"`;
}

/** Rasterises an SVG to exactly `width` pixels wide (height follows the SVG's aspect). */
export async function rasteriseSvg(svg: Buffer, width: number): Promise<Buffer> {
  const meta = await sharp(svg).metadata();
  const intrinsic = meta.width ?? width;
  // librsvg renders at `density` dpi (72 = 1 SVG unit per pixel); render at or above the target, then resize.
  const density = Math.min(2400, Math.max(1, Math.ceil((72 * width) / intrinsic)));
  return sharp(svg, { density }).resize({ width, kernel: 'lanczos3' }).png({ compressionLevel: 9, palette: false }).toBuffer();
}

/** Where PNGs come from: sharp on the Node server; renderings made at build time on Workers (src/worker). */
export interface PngSource {
  mark(variant: MarkVariant, width: MarkWidth): Promise<Buffer>;
  notice(reason: NoticeReason, width: number, lang: NoticeLang): Promise<Buffer>;
}

export const sharpPngSource = (masters: MarkMasters): PngSource => ({
  mark: (variant, width) => rasteriseSvg(masters[variant], width),
  notice: noticePng,
});

export function createMarkRenderer(masters: MarkMasters, source: PngSource = sharpPngSource(masters)): MarkRenderer {
  const pngs = new Map<string, Promise<Buffer>>();
  const etags = new Map<string, string>();

  const png = (variant: MarkVariant, width: number): Promise<Buffer> => {
    const w = nearestMarkWidth(width);
    const key = `${variant}:${w}`;
    let rendered = pngs.get(key);
    if (rendered === undefined) {
      rendered = source.mark(variant, w);
      // a failed render is not cached, so the next request tries again
      rendered.catch(() => pngs.delete(key));
      pngs.set(key, rendered);
    }
    return rendered;
  };

  return {
    png,
    noticePng: source.notice,
    svg: (variant) => masters[variant],
    async etag(variant, format, width) {
      const key = format === 'svg' ? `${variant}:svg` : `${variant}:png:${nearestMarkWidth(width)}`;
      const known = etags.get(key);
      if (known !== undefined) return known;
      const bytes = format === 'svg' ? masters[variant] : await png(variant, width ?? DEFAULT_MARK_WIDTH);
      const tag = strongEtag(bytes);
      etags.set(key, tag);
      return tag;
    },
  };
}
