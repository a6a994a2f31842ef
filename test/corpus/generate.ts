/**
 * The labelled corpus for the misuse checks (Art. 10.5), generated in memory from the official renderings
 * with sharp. Deterministic (no randomness beyond a seeded generator). `generateCorpus({ full: true })` is
 * the benchmark's corpus; the default is a reduced but representative subset for the test suite.
 */
import sharp from 'sharp';
import { loadMarkMasters, type MarkVariant } from '../../src/mark/masters.js';
import { createMarkRenderer, type MarkRenderer } from '../../src/mark/render.js';
import { noticePng, type NoticeReason } from '../../src/mark/notice.js';
import { UNRELATED_LOGOS, pageSvg, patternSvg, PAGE_SLOTS } from './scenes.js';

export type CorpusLabel = 'official' | 'recoloured' | 'partial' | 'distorted' | 'unrelated';
export interface CorpusSample {
  label: CorpusLabel;
  /** Sub-class, e.g. 'hue-45', 'crop-left-30', 'jpeg-60-512'. */
  cls: string;
  bytes: Buffer;
}
/** The matcher's finding expected for a label. */
export const EXPECTED_FINDING = {
  official: 'ok',
  recoloured: 'recoloured',
  partial: 'partial',
  distorted: 'distorted',
  unrelated: 'unrelated',
} as const;

export interface CorpusOptions {
  /** The whole corpus (benchmark); otherwise a reduced subset (tests). */
  full?: boolean;
  renderer?: MarkRenderer;
}

export const WHITE = { r: 255, g: 255, b: 255, alpha: 1 };
export const DARK: Record<MarkVariant, string> = { colour: '#1f2937', mono: '#6b7280' };

export async function rgba(png: Buffer) {
  return sharp(png).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
}

/** Bounding box of the opaque pixels. */
export async function inkBox(png: Buffer) {
  const { data, info } = await rgba(png);
  let x0 = info.width;
  let y0 = info.height;
  let x1 = -1;
  let y1 = -1;
  for (let y = 0; y < info.height; y++) {
    for (let x = 0; x < info.width; x++) {
      if (data[(y * info.width + x) * 4 + 3]! < 128) continue;
      x0 = Math.min(x0, x);
      x1 = Math.max(x1, x);
      y0 = Math.min(y0, y);
      y1 = Math.max(y1, y);
    }
  }
  return { left: x0, top: y0, width: x1 - x0 + 1, height: y1 - y0 + 1, imgW: info.width, imgH: info.height };
}

export const onWhite = (png: Buffer) => sharp(png).flatten({ background: WHITE }).png().toBuffer();
export const jpeg = (png: Buffer, quality: number, bg = '#ffffff') => sharp(png).flatten({ background: bg }).jpeg({ quality }).toBuffer();

/** The mark centred on a background SVG scene of its own size plus padding. */
export async function onScene(mark: Buffer, width: number, scene: (w: number, h: number) => string): Promise<Buffer> {
  const pad = Math.round(width * 0.2);
  const size = width + 2 * pad;
  return sharp(Buffer.from(scene(size, size)))
    .composite([{ input: mark, left: pad, top: pad }])
    .png()
    .toBuffer();
}

export async function tint(png: Buffer, colour: string): Promise<Buffer> {
  const { data, info } = await rgba(png);
  const [r, g, b] = [1, 3, 5].map((i) => parseInt(colour.slice(i, i + 2), 16));
  for (let k = 0; k < data.length; k += 4) {
    data[k] = r!;
    data[k + 1] = g!;
    data[k + 2] = b!;
  }
  return sharp(data, { raw: { width: info.width, height: info.height, channels: 4 } })
    .png()
    .toBuffer();
}

/** Clears (to transparent, or paints white) one rectangle of the image. */
export async function mask(png: Buffer, rect: { left: number; top: number; width: number; height: number }, white: boolean) {
  const { data, info } = await rgba(png);
  for (let y = rect.top; y < rect.top + rect.height; y++) {
    for (let x = rect.left; x < rect.left + rect.width; x++) {
      const k = (y * info.width + x) * 4;
      if (white) data.fill(255, k, k + 4);
      else data[k + 3] = 0;
    }
  }
  return sharp(data, { raw: { width: info.width, height: info.height, channels: 4 } })
    .png()
    .toBuffer();
}

export function seededNoise(width: number, height: number, seed: number): Buffer {
  let s = seed >>> 0;
  const next = () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32;
  const data = Buffer.alloc(width * height * 3);
  for (let k = 0; k < data.length; k++) data[k] = Math.floor(next() * 256);
  return data;
}

export async function generateCorpus(options: CorpusOptions = {}): Promise<CorpusSample[]> {
  const full = options.full === true;
  const renderer = options.renderer ?? createMarkRenderer(await loadMarkMasters());
  const out: CorpusSample[] = [];
  const add = (label: CorpusLabel, cls: string, bytes: Buffer) => out.push({ label, cls, bytes });
  const variants: MarkVariant[] = ['colour', 'mono'];

  // --- official renderings: both masters, every width, lossless and lossy, several backgrounds
  const widths = full ? [32, 48, 64, 96, 128, 192, 256, 384, 512, 1024] : [32, 64, 128, 256, 512];
  for (const v of variants) {
    for (const w of widths) {
      const png = await renderer.png(v, w);
      add('official', `${v}-png-${w}`, png);
      add('official', `${v}-white-${w}`, await onWhite(png));
      add('official', `${v}-dark-${w}`, await sharp(png).flatten({ background: DARK[v] }).png().toBuffer());
      for (const q of full ? [60, 75, 90] : w % 64 === 0 ? [60] : []) add('official', `${v}-jpeg-${q}-${w}`, await jpeg(png, q));
      if (full || w === 128) {
        add('official', `${v}-jpeg-60-dark-${w}`, await jpeg(png, 60, DARK[v]));
        add('official', `${v}-webp-${w}`, await sharp(png).webp({ quality: 80 }).toBuffer());
      }
      for (const pattern of full ? (['stripes', 'checks', 'dots'] as const) : w === 128 || w === 256 ? (['stripes', 'checks'] as const) : []) {
        const scene = await onScene(png, w, (sw, sh) => patternSvg(pattern, sw, sh, v === 'mono' ? 'light' : 'any'));
        add('official', `${v}-${pattern}-${w}`, scene);
        if (full || w === 256) add('official', `${v}-${pattern}-jpeg-70-${w}`, await jpeg(scene, 70));
      }
    }
    for (const slot of full ? PAGE_SLOTS : PAGE_SLOTS.slice(0, 2)) {
      const mark = await renderer.png(v, slot.width);
      const page = await sharp(Buffer.from(pageSvg()))
        .composite([{ input: mark, left: slot.left, top: slot.top }])
        .png()
        .toBuffer();
      add('official', `${v}-screenshot-${slot.name}`, page);
      add('official', `${v}-screenshot-${slot.name}-jpeg-80`, await jpeg(page, 80));
    }
  }

  // --- recoloured: hue shifts, one colour, inverted, greyscale of the colour master
  const base = await renderer.png('colour', 256);
  const mono = await renderer.png('mono', 256);
  const hues = full ? [15, 20, 30, 45, 60, 90, 120, 150, 180, 210, 270, 330, 345] : [15, 30, 60, 120, 180, 345];
  for (const h of hues) {
    const shifted = await sharp(base).modulate({ hue: h }).png().toBuffer();
    add('recoloured', `hue-${h}`, shifted);
    if (full || h === 30) add('recoloured', `hue-${h}-jpeg-80`, await jpeg(shifted, 80));
  }
  const inks = full
    ? ['#d7263d', '#1f5fbf', '#2e8b57', '#f08c00', '#7b2fbe', '#8a8a8a', '#0b6e8a', '#e8a800', '#c8c8c8']
    : ['#1f5fbf', '#2e8b57', '#8a8a8a', '#0b6e8a'];
  for (const ink of inks) {
    add('recoloured', `one-colour-${ink.slice(1)}`, await tint(base, ink));
    if (full || ink === '#1f5fbf') add('recoloured', `mono-painted-${ink.slice(1)}`, await tint(mono, ink));
  }
  add('recoloured', 'inverted', await sharp(base).negate({ alpha: false }).png().toBuffer());
  add(
    'recoloured',
    'inverted-on-white',
    await sharp(await onWhite(base))
      .negate({ alpha: false })
      .png()
      .toBuffer(),
  );
  add('recoloured', 'inverted-mono', await sharp(mono).negate({ alpha: false }).png().toBuffer());
  add('recoloured', 'greyscale', await sharp(base).greyscale().png().toBuffer());
  add('recoloured', 'greyscale-on-white-jpeg-80', await jpeg(await sharp(base).greyscale().png().toBuffer(), 80));
  if (full) {
    for (const w of [64, 128, 512]) {
      const png = await renderer.png('colour', w);
      add('recoloured', `hue-90-${w}`, await sharp(png).modulate({ hue: 90 }).png().toBuffer());
      add('recoloured', `greyscale-${w}`, await sharp(png).greyscale().png().toBuffer());
    }
  }

  // --- partial: crops of 10-50 % of the mark from each side, masked quarters
  const partialSources: Array<[string, Buffer]> = full
    ? [
        ['colour', base],
        ['mono', mono],
      ]
    : [['colour', base]];
  for (const [name, png] of partialSources) {
    const box = await inkBox(png);
    for (const pct of full ? [10, 15, 20, 30, 40, 50] : [10, 30, 50]) {
      for (const side of ['left', 'right', 'top', 'bottom'] as const) {
        const cutX = side === 'left' || side === 'right' ? Math.round((box.width * pct) / 100) : 0;
        const cutY = side === 'top' || side === 'bottom' ? Math.round((box.height * pct) / 100) : 0;
        const left = side === 'left' ? box.left + cutX : 0;
        const top = side === 'top' ? box.top + cutY : 0;
        const right = side === 'right' ? box.left + box.width - cutX : box.imgW;
        const bottom = side === 'bottom' ? box.top + box.height - cutY : box.imgH;
        const crop = await sharp(png)
          .extract({ left, top, width: right - left, height: bottom - top })
          .png()
          .toBuffer();
        add('partial', `${name}-crop-${side}-${pct}`, crop);
        if (full || pct === 30) add('partial', `${name}-crop-${side}-${pct}-jpeg-80`, await jpeg(crop, 80));
      }
    }
    const hw = Math.ceil(box.width / 2);
    const hh = Math.ceil(box.height / 2);
    const quarters = {
      'top-left': { left: box.left, top: box.top },
      'top-right': { left: box.left + box.width - hw, top: box.top },
      'bottom-left': { left: box.left, top: box.top + box.height - hh },
      'bottom-right': { left: box.left + box.width - hw, top: box.top + box.height - hh },
    };
    for (const [q, at] of Object.entries(quarters)) {
      const rect = { ...at, width: hw, height: hh };
      add('partial', `${name}-masked-${q}`, await mask(png, rect, false));
      add('partial', `${name}-masked-${q}-white`, await mask(await onWhite(png), rect, true));
    }
  }

  // --- distorted: stretched in either axis, rotated
  for (const [name, png] of partialSources) {
    const { width = 256, height = 256 } = await sharp(png).metadata();
    for (const pct of full ? [10, 15, 20, 30, 40, 50] : [10, 25, 50]) {
      const f = 1 + pct / 100;
      add(
        'distorted',
        `${name}-stretch-x-${pct}`,
        await sharp(png)
          .resize({ width: Math.round(width * f), height, fit: 'fill' })
          .png()
          .toBuffer(),
      );
      add(
        'distorted',
        `${name}-stretch-y-${pct}`,
        await sharp(png)
          .resize({ width, height: Math.round(height * f), fit: 'fill' })
          .png()
          .toBuffer(),
      );
    }
    for (const deg of full ? [5, 7, 10, 15, 20, 30, 45, 60, 75, 90, -5, -10, -30, -45, -90] : [5, 10, 30, 45, 90, -5, -20]) {
      const turned = await sharp(png)
        .rotate(deg, { background: { r: 0, g: 0, b: 0, alpha: 0 } })
        .png()
        .toBuffer();
      add('distorted', `${name}-rotate-${deg}`, turned);
      if (full || deg === 10) add('distorted', `${name}-rotate-${deg}-white-jpeg-80`, await jpeg(turned, 80));
    }
  }

  // --- distorted (issue 17): mirrored, and with something drawn over the mark (stamps, strokes, stickers, text)
  const overlays: Record<string, (w: number) => string> = {
    stamp: (w) => `<circle cx="${w * 0.6}" cy="${w * 0.6}" r="${w * 0.2}" fill="none" stroke="#c00" stroke-width="${w * 0.04}"/>`,
    stroke: (w) => `<line x1="0" y1="${w * 0.1}" x2="${w}" y2="${w * 0.9}" stroke="#000" stroke-width="${Math.max(2, w * 0.025)}"/>`,
    'sticker-white': (w) => `<rect x="${w * 0.1}" y="${w * 0.6}" width="${w * 0.3}" height="${w * 0.2}" fill="#fff" stroke="#ccc"/>`,
    'text-blue': (w) =>
      `<text x="${w * 0.05}" y="${w * 0.7}" font-size="${w * 0.14}" font-family="sans-serif" fill="#1040ff" transform="rotate(-20 ${w / 2} ${w / 2})">EXAMPLE</text>`,
  };
  for (const variant of ['colour', 'mono'] as const) {
    for (const w of full ? [128, 192, 256] : [128, 256]) {
      const png = await renderer.png(variant, w);
      add('distorted', `${variant}-mirror-left-right-${w}`, await sharp(png).flop().png().toBuffer());
      add('distorted', `${variant}-mirror-top-bottom-${w}`, await sharp(png).flip().png().toBuffer());
      for (const [kind, body] of Object.entries(overlays)) {
        const drawn = await sharp(png)
          .composite([{ input: Buffer.from(`<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${w}">${body(w)}</svg>`) }])
          .flatten({ background: WHITE })
          .png()
          .toBuffer();
        add('distorted', `${variant}-overlay-${kind}-${w}`, drawn);
        if (full) add('distorted', `${variant}-overlay-${kind}-${w}-jpeg-80`, await jpeg(drawn, 80));
      }
    }
  }

  // --- altered copies of small renderings (64 and 128 px): harder, fewer pixels to go on
  if (full) {
    for (const w of [64, 128]) {
      const png = await renderer.png('colour', w);
      for (const h of [15, 30, 90]) {
        const shifted = await sharp(png).modulate({ hue: h }).png().toBuffer();
        add('recoloured', `hue-${h}-${w}`, shifted);
        add('recoloured', `hue-${h}-${w}-jpeg-80`, await jpeg(shifted, 80));
      }
      const box = await inkBox(png);
      for (const pct of [20, 40]) {
        const cut = Math.round((box.width * pct) / 100);
        add(
          'partial',
          `crop-left-${pct}-${w}`,
          await sharp(png)
            .extract({ left: box.left + cut, top: 0, width: box.imgW - box.left - cut, height: box.imgH })
            .png()
            .toBuffer(),
        );
        const cutY = Math.round((box.height * pct) / 100);
        add(
          'partial',
          `crop-top-${pct}-${w}`,
          await sharp(png)
            .extract({ left: 0, top: box.top + cutY, width: box.imgW, height: box.imgH - box.top - cutY })
            .png()
            .toBuffer(),
        );
      }
      add(
        'partial',
        `masked-top-left-${w}`,
        await mask(png, { left: box.left, top: box.top, width: Math.ceil(box.width / 2), height: Math.ceil(box.height / 2) }, false),
      );
      add(
        'distorted',
        `stretch-x-20-${w}`,
        await sharp(png)
          .resize({ width: Math.round(w * 1.2), height: w, fit: 'fill' })
          .png()
          .toBuffer(),
      );
      for (const deg of [10, 45]) {
        add(
          'distorted',
          `rotate-${deg}-${w}`,
          await sharp(png)
            .rotate(deg, { background: { r: 0, g: 0, b: 0, alpha: 0 } })
            .png()
            .toBuffer(),
        );
      }
    }
  }

  // --- unrelated: other logos, text badges, noise, a plain square, our own notices
  for (const [name, svg] of Object.entries(UNRELATED_LOGOS)) {
    for (const w of full ? [64, 128, 256] : [128]) {
      const png = await sharp(Buffer.from(svg), { density: (72 * w) / 240 })
        .resize({ width: w })
        .png()
        .toBuffer();
      add('unrelated', `${name}-${w}`, png);
      if (full || name.length % 2 === 0) add('unrelated', `${name}-${w}-jpeg-80`, await jpeg(png, 80));
    }
  }
  for (const [i, w] of (full ? [96, 200, 400] : [160]).entries()) {
    const raw = seededNoise(w, w, 7 + i);
    const noise = await sharp(raw, { raw: { width: w, height: w, channels: 3 } })
      .blur(1.5)
      .png()
      .toBuffer();
    add('unrelated', `noise-${w}`, noise);
    add('unrelated', `noise-${w}-jpeg-70`, await sharp(noise).jpeg({ quality: 70 }).toBuffer());
  }
  add(
    'unrelated',
    'plain-square',
    await sharp({ create: { width: 160, height: 160, channels: 4, background: '#0b6e8a' } })
      .png()
      .toBuffer(),
  );
  add(
    'unrelated',
    'plain-square-padded',
    await sharp(Buffer.from(patternSvg('plain', 200, 200, 'any')))
      .composite([
        {
          input: await sharp({ create: { width: 120, height: 120, channels: 4, background: '#d7263d' } })
            .png()
            .toBuffer(),
          left: 40,
          top: 40,
        },
      ])
      .png()
      .toBuffer(),
  );
  const reasons: NoticeReason[] = full
    ? ['revoked', 'expired', 'terminated', 'lapsed', 'not_served', 'not_registered', 'unknown']
    : ['revoked', 'not_registered'];
  for (const r of reasons) add('unrelated', `notice-${r}`, await noticePng(r, 256));
  add('unrelated', 'page-without-mark', await sharp(Buffer.from(pageSvg())).png().toBuffer());
  return out;
}
