/**
 * A seeded corpus (issue 17): the same classes as generate.ts, but every parameter is drawn by a small seeded PRNG
 * (mulberry32, no Math.random) from a named parameter set. Thresholds are fitted on FIT_RANGES with FIT_SEED
 * (scripts/fit-thresholds.ts); the benchmark reports on HELD_OUT_RANGES with HELD_OUT_SEED, ranges the fit never
 * saw (bench/detection.bench.ts heldOut()). Each sample keeps the parameters drawn, so a miss can be reported.
 *
 * Every sample is drawn from its own stream (seed, kind, index): asking for more samples per kind keeps the first
 * ones unchanged, and one kind's draws do not shift another's.
 */
import sharp from 'sharp';
import { loadMarkMasters, type MarkMasters, type MarkVariant } from '../../src/mark/masters.js';
import { rasteriseSvg } from '../../src/mark/render.js';
import { type CorpusLabel, type CorpusSample, inkBox, jpeg, mask, rgba, seededNoise, tint, WHITE } from './generate.js';
import { UNRELATED_LOGOS, patternSvg } from './scenes.js';

export const FIT_SEED = 1701;
export const HELD_OUT_SEED = 1702;

type Interval = readonly [number, number];

/** A named parameter set. Intervals are inclusive; lists are drawn from uniformly. */
export interface CorpusRanges {
  name: 'fit' | 'held-out';
  /** Widths of the mark (px) for official, recoloured, partial and distorted copies. */
  widths: readonly number[];
  /** Widths for overlaid marks (an overlay on a 48 px mark is a smudge): a subset of sizes >= 96 px. */
  overlayWidths: readonly number[];
  /** Hue shifts (degrees, sharp modulate) and the hues of one-colour inks. */
  hues: readonly Interval[];
  /** Share of the mark cut away from one side, per cent. */
  crops: readonly Interval[];
  /** Side of a masked block, as a share of the mark's box on each axis. */
  maskSides: readonly Interval[];
  /** Turns, degrees (either sign). */
  rotations: readonly number[];
  /** Stretch along one axis, per cent. */
  stretches: readonly Interval[];
  jpegQualities: readonly number[];
  webpQualities: readonly number[];
  /** Quiet patterned backgrounds (scenes.ts). */
  patterns: readonly ('stripes' | 'checks' | 'dots')[];
  /** Busy backgrounds: noise and photo-like scenes. */
  busy: readonly ('noise' | 'blobs' | 'gradient-bands' | 'colour-stripes')[];
  /** Text overlays: words, hues of their colours, angles (degrees), font size as a share of the mark. */
  words: readonly string[];
  overlayHues: readonly Interval[];
  textAngles: readonly Interval[];
  textSizes: Interval;
  /** Stamp radius, stroke width, sticker side: shares of the mark. */
  stampRadii: Interval;
  strokeWidths: Interval;
  stickerSides: Interval;
  /** Watermark opacity. */
  watermarkOpacity: Interval;
  /** Page content next to the mark: gap in px (0 = touching). */
  pageGaps: readonly number[];
  /** Unrelated logos and drawn shapes: widths. */
  unrelatedWidths: readonly number[];
}

export const FIT_RANGES: CorpusRanges = {
  name: 'fit',
  widths: [48, 64, 80, 96, 112, 128, 176, 192, 240, 256],
  overlayWidths: [112, 128, 176, 192, 240, 256],
  hues: [
    [15, 60],
    [180, 300],
  ],
  crops: [[10, 30]],
  maskSides: [[0.45, 0.55]],
  rotations: [6, 8, 12, 18, 25, 35, 50, 70, 85, 90],
  stretches: [
    [10, 20],
    [35, 50],
  ],
  jpegQualities: [60, 70, 85, 90],
  webpQualities: [70, 85],
  patterns: ['stripes', 'checks'],
  busy: ['noise', 'gradient-bands'],
  words: ['EXAMPLE', 'SAMPLE', 'VOID'],
  overlayHues: [
    [0, 40],
    [200, 260],
  ],
  textAngles: [
    [-30, -10],
    [10, 30],
  ],
  textSizes: [0.1, 0.15],
  stampRadii: [0.15, 0.22],
  strokeWidths: [0.02, 0.035],
  stickerSides: [0.2, 0.3],
  watermarkOpacity: [0.35, 0.5],
  pageGaps: [0, 1, 2],
  unrelatedWidths: [64, 96, 128, 192, 256],
};

export const HELD_OUT_RANGES: CorpusRanges = {
  name: 'held-out',
  widths: [72, 100, 150, 220, 300, 450, 700],
  overlayWidths: [100, 150, 220, 300, 450, 700],
  hues: [
    [61, 179],
    [301, 345],
  ],
  crops: [[31, 50]],
  maskSides: [[0.35, 0.44]],
  rotations: [7, 11, 16, 22, 28, 40, 55, 65, 80],
  stretches: [[21, 34]],
  jpegQualities: [65, 75, 80, 95],
  webpQualities: [75, 90],
  patterns: ['dots'],
  busy: ['blobs', 'colour-stripes'],
  words: ['COPY', 'DRAFT', 'SPECIMEN'],
  overlayHues: [
    [41, 199],
    [261, 359],
  ],
  textAngles: [
    [-60, -31],
    [-9, 9],
    [31, 60],
  ],
  textSizes: [0.16, 0.22],
  stampRadii: [0.23, 0.32],
  strokeWidths: [0.036, 0.05],
  stickerSides: [0.31, 0.4],
  watermarkOpacity: [0.51, 0.7],
  pageGaps: [0, 3],
  unrelatedWidths: [72, 100, 150, 220, 300],
};

/** The kinds of sample, each with its label. overlay-* are the alterations drawn over the mark (issue 17). */
export const SEEDED_KINDS = {
  'official-plain': 'official',
  'official-lossy': 'official',
  'official-pattern': 'official',
  'official-busy': 'official',
  'official-page-touch': 'official',
  'recoloured-hue': 'recoloured',
  'recoloured-ink': 'recoloured',
  'partial-crop': 'partial',
  'partial-mask': 'partial',
  'distorted-stretch': 'distorted',
  'distorted-rotate': 'distorted',
  'distorted-mirror': 'distorted',
  'overlay-text': 'distorted',
  'overlay-stamp': 'distorted',
  'overlay-stroke': 'distorted',
  'overlay-sticker': 'distorted',
  'overlay-watermark': 'distorted',
  'unrelated-logo': 'unrelated',
  'unrelated-drawn': 'unrelated',
  'unrelated-noise': 'unrelated',
} as const satisfies Record<string, CorpusLabel>;
export type SeededKind = keyof typeof SEEDED_KINDS;
export const OVERLAY_KINDS = ['overlay-text', 'overlay-stamp', 'overlay-stroke', 'overlay-sticker', 'overlay-watermark'] as const;

export interface SeededSample extends CorpusSample {
  /** The kind (also in `cls`, followed by the main parameters). */
  kind: SeededKind;
  /** Everything drawn for this sample. */
  params: Record<string, string | number>;
  /** For overlays: where the overlay touches the mark, in image pixels (approximate, its bounding box). */
  overlayBox?: { left: number; top: number; width: number; height: number };
}

export interface SeededCorpusOptions {
  seed: number;
  ranges: CorpusRanges;
  /** Samples per kind (default 8). */
  count?: number;
  /** Only these kinds (default: all). */
  kinds?: readonly SeededKind[];
  masters?: MarkMasters;
}

/** mulberry32: a small, fast, well-mixed 32-bit PRNG. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}

function streamSeed(seed: number, kind: string, index: number): number {
  let h = (seed ^ 0x9e3779b9) >>> 0;
  for (const ch of `${kind}#${index}`) h = Math.imul(h ^ ch.charCodeAt(0), 0x01000193) >>> 0;
  return h;
}

export interface Draw {
  next(): number;
  int(lo: number, hi: number): number;
  real(lo: number, hi: number): number;
  pick<T>(list: readonly T[]): T;
  /** A value from the union of intervals, each weighted by its length. */
  inIntervals(list: readonly Interval[], integer?: boolean): number;
}

export function drawer(seed: number): Draw {
  const next = mulberry32(seed);
  const real = (lo: number, hi: number) => lo + (hi - lo) * next();
  const int = (lo: number, hi: number) => lo + Math.floor(next() * (hi - lo + 1));
  const pick = <T>(list: readonly T[]): T => list[Math.floor(next() * list.length)]!;
  const inIntervals = (list: readonly Interval[], integer = true) => {
    const total = list.reduce((s, [a, b]) => s + (b - a + (integer ? 1 : 0)), 0);
    let x = next() * total;
    for (const [a, b] of list) {
      const len = b - a + (integer ? 1 : 0);
      if (x < len) return integer ? a + Math.floor(x) : a + x;
      x -= len;
    }
    const last = list[list.length - 1]!;
    return last[1];
  };
  return { next, int, real, pick, inIntervals };
}

const r2 = (x: number) => Math.round(x * 100) / 100;
const svgOf = (w: number, h: number, body: string) => Buffer.from(`<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}">${body}</svg>`);
const hsl = (h: number, s: number, l: number) => `hsl(${Math.round(h)},${Math.round(s)}%,${Math.round(l)}%)`;
/** HSL (degrees, per cent) to #rrggbb. */
function hslHex(h: number, s: number, l: number): string {
  const S = s / 100;
  const L = l / 100;
  const a = S * Math.min(L, 1 - L);
  const f = (n: number) => {
    const k = (n + h / 30) % 12;
    return Math.round(255 * (L - a * Math.max(-1, Math.min(k - 3, 9 - k, 1))));
  };
  return `#${[f(0), f(8), f(4)].map((c) => c.toString(16).padStart(2, '0')).join('')}`;
}

async function encode(d: Draw, ranges: CorpusRanges, png: Buffer, params: Record<string, string | number>, formats: readonly string[]): Promise<Buffer> {
  const format = d.pick(formats);
  params.format = format;
  if (format === 'jpeg') {
    const q = d.pick(ranges.jpegQualities);
    params.quality = q;
    return jpeg(png, q);
  }
  if (format === 'webp') {
    const q = d.pick(ranges.webpQualities);
    params.quality = q;
    return sharp(png).flatten({ background: WHITE }).webp({ quality: q }).toBuffer();
  }
  if (format === 'white') return sharp(png).flatten({ background: WHITE }).png().toBuffer();
  return png;
}

/** A busy scene: noise, photo-like blurred blobs, bands of colour. */
async function busyScene(kind: CorpusRanges['busy'][number], size: number, d: Draw): Promise<Buffer> {
  if (kind === 'noise') {
    const raw = seededNoise(size, size, d.int(1, 1 << 30));
    return sharp(raw, { raw: { width: size, height: size, channels: 3 } })
      .blur(d.real(1, 3))
      .png()
      .toBuffer();
  }
  let body = '';
  if (kind === 'blobs') {
    body = `<rect width="${size}" height="${size}" fill="${hsl(d.real(0, 360), 30, 80)}"/>`;
    for (let i = 0; i < 14; i++) {
      body += `<ellipse cx="${r2(d.real(0, size))}" cy="${r2(d.real(0, size))}" rx="${r2(d.real(0.05, 0.3) * size)}" ry="${r2(d.real(0.05, 0.3) * size)}" fill="${hsl(d.real(0, 360), d.real(20, 70), d.real(35, 85))}"/>`;
    }
    return sharp(svgOf(size, size, body))
      .blur(Math.max(1, size / 40))
      .png()
      .toBuffer();
  }
  if (kind === 'gradient-bands') {
    const a = hsl(d.real(0, 360), 50, 75);
    const b = hsl(d.real(0, 360), 50, 55);
    body = `<defs><linearGradient id="g" x1="0" y1="0" x2="1" y2="1"><stop offset="0" stop-color="${a}"/><stop offset="1" stop-color="${b}"/></linearGradient></defs><rect width="${size}" height="${size}" fill="url(#g)"/>`;
    for (let i = 0; i < 6; i++) {
      body += `<rect x="0" y="${r2(d.real(0, size))}" width="${size}" height="${r2(d.real(0.02, 0.08) * size)}" fill="${hsl(d.real(0, 360), 40, 65)}" opacity="0.7"/>`;
    }
    return sharp(svgOf(size, size, body))
      .png()
      .toBuffer();
  }
  const n = d.int(8, 16);
  body = `<rect width="${size}" height="${size}" fill="#f4f0e8"/>`;
  for (let i = 0; i < n; i++)
    body += `<rect x="${r2((i * size) / n)}" y="0" width="${r2(size / n / 2)}" height="${size}" fill="${hsl(d.real(0, 360), 70, 60)}"/>`;
  return sharp(svgOf(size, size, body))
    .png()
    .toBuffer();
}

/** A logo-like drawing that is not the mark: 2–4 primitives in random colours. */
function drawnLogo(d: Draw, w: number): string {
  let body = '';
  const n = d.int(2, 4);
  for (let i = 0; i < n; i++) {
    const c = hsl(d.real(0, 360), d.real(40, 90), d.real(25, 60));
    const kind = d.pick(['ring', 'disc', 'rect', 'triangle', 'text', 'bar'] as const);
    const cx = r2(d.real(0.3, 0.7) * w);
    const cy = r2(d.real(0.3, 0.7) * w);
    const r = r2(d.real(0.15, 0.4) * w);
    if (kind === 'ring') body += `<circle cx="${cx}" cy="${cy}" r="${r}" fill="none" stroke="${c}" stroke-width="${r2(d.real(0.04, 0.12) * w)}"/>`;
    else if (kind === 'disc') body += `<circle cx="${cx}" cy="${cy}" r="${r}" fill="${c}"/>`;
    else if (kind === 'rect') body += `<rect x="${r2(cx - r)}" y="${r2(cy - r / 2)}" width="${r2(2 * r)}" height="${r}" rx="${r2(r / 4)}" fill="${c}"/>`;
    else if (kind === 'triangle') body += `<path d="M ${cx} ${r2(cy - r)} L ${r2(cx + r)} ${r2(cy + r)} L ${r2(cx - r)} ${r2(cy + r)} Z" fill="${c}"/>`;
    else if (kind === 'bar')
      body += `<rect x="${r2(0.1 * w)}" y="${cy}" width="${r2(0.8 * w)}" height="${r2(d.real(0.05, 0.15) * w)}" fill="${c}" transform="rotate(${d.int(-45, 45)} ${w / 2} ${w / 2})"/>`;
    else
      body += `<text x="${r2(0.1 * w)}" y="${cy}" font-size="${r2(0.16 * w)}" font-family="DejaVu Sans,sans-serif" font-weight="bold" fill="${c}">${d.pick(['CLINIC', 'HEALTH', 'TRUST', 'SECURE'])}</text>`;
  }
  return body;
}

interface Built {
  bytes: Buffer;
  cls?: string;
  overlayBox?: SeededSample['overlayBox'];
}

/** The seeded corpus: `count` samples of every kind (or of `kinds`), with labels and the parameters drawn. */
export async function generateSeededCorpus(options: SeededCorpusOptions): Promise<SeededSample[]> {
  const { seed, ranges } = options;
  const count = options.count ?? 8;
  const masters = options.masters ?? (await loadMarkMasters());
  const cache = new Map<string, Promise<Buffer>>();
  const mark = (v: MarkVariant, w: number) => {
    const key = `${v}-${w}`;
    let p = cache.get(key);
    if (p === undefined) {
      p = rasteriseSvg(masters[v], w);
      cache.set(key, p);
    }
    return p;
  };
  const kinds = options.kinds ?? (Object.keys(SEEDED_KINDS) as SeededKind[]);
  const out: SeededSample[] = [];
  for (const kind of kinds) {
    for (let i = 0; i < count; i++) {
      const d = drawer(streamSeed(seed, kind, i));
      const params: Record<string, string | number> = {};
      const variant = d.pick(['colour', 'mono'] as const);
      params.variant = variant;
      const built = await buildSample(kind, d, ranges, params, variant, mark);
      const main = Object.entries(params)
        .map(([k, v]) => `${k}=${v}`)
        .join(' ');
      out.push({ label: SEEDED_KINDS[kind], kind, cls: built.cls ?? `${kind} ${main}`, bytes: built.bytes, params, overlayBox: built.overlayBox });
    }
  }
  return out;
}

async function buildSample(
  kind: SeededKind,
  d: Draw,
  ranges: CorpusRanges,
  params: Record<string, string | number>,
  variant: MarkVariant,
  mark: (v: MarkVariant, w: number) => Promise<Buffer>,
): Promise<Built> {
  const width = d.pick(kind.startsWith('overlay-') ? ranges.overlayWidths : ranges.widths);
  params.width = width;
  const png = await mark(variant, width);
  const box = await inkBox(png);
  switch (kind) {
    case 'official-plain':
      return { bytes: await encode(d, ranges, png, params, ['png', 'white']) };
    case 'official-lossy':
      return { bytes: await encode(d, ranges, png, params, ['jpeg', 'webp']) };
    case 'official-pattern':
    case 'official-busy': {
      const pad = Math.round(width * d.real(0.1, 0.4));
      params.pad = pad;
      const size = width + 2 * pad;
      let scene: Buffer;
      if (kind === 'official-pattern') {
        const pattern = d.pick(ranges.patterns);
        params.background = pattern;
        scene = await sharp(Buffer.from(patternSvg(pattern, size, size, 'any')))
          .png()
          .toBuffer();
      } else {
        const busy = d.pick(ranges.busy);
        params.background = busy;
        scene = await busyScene(busy, size, d);
      }
      const composed = await sharp(scene)
        .composite([{ input: png, left: pad, top: pad + Math.round((box.imgW - box.imgH) / 2) }])
        .png()
        .toBuffer();
      return { bytes: await encode(d, ranges, composed, params, ['png', 'jpeg']) };
    }
    case 'official-page-touch': {
      // text and a box right next to the mark (touching or a few px away), never over it
      const gap = d.pick(ranges.pageGaps);
      const side = d.pick(['right', 'left', 'below', 'above'] as const);
      const ink = hsl(d.real(0, 360), d.real(0, 60), d.real(10, 45));
      params.gap = gap;
      params.side = side;
      params.ink = ink;
      const fs = Math.max(10, Math.round(width * d.real(0.12, 0.2)));
      const horizontal = side === 'left' || side === 'right';
      const W = horizontal ? box.width + 6 * fs + gap + 20 : box.width + 40;
      const H = horizontal ? box.height + 40 : box.height + 3 * fs + gap + 20;
      const markLeft = side === 'left' ? 6 * fs + gap + 10 : horizontal ? 10 : 20;
      const markTop = side === 'above' ? 3 * fs + gap + 10 : horizontal ? 20 : 10;
      // the content's edge lies `gap` px from the mark's ink box
      const cx = side === 'right' ? markLeft + box.width + gap : side === 'left' ? 10 : markLeft;
      const cy = side === 'below' ? markTop + box.height + gap : side === 'above' ? 10 : markTop;
      const content = horizontal
        ? `<rect x="${cx}" y="${cy}" width="${6 * fs}" height="${box.height}" fill="${hsl(d.real(0, 360), 30, 92)}"/><text x="${cx + fs * 0.3}" y="${cy + fs * 1.4}" font-size="${fs}" font-family="DejaVu Sans,sans-serif" fill="${ink}">Clinic</text><rect x="${cx}" y="${cy + box.height - fs}" width="${4 * fs}" height="${Math.max(2, fs / 3)}" fill="${ink}"/>`
        : `<text x="${cx}" y="${cy + fs * 0.9}" font-size="${fs}" font-family="DejaVu Sans,sans-serif" fill="${ink}">Certified service</text><rect x="${cx}" y="${cy + fs * 1.4}" width="${box.width}" height="${Math.max(2, fs / 3)}" fill="${ink}"/>`;
      const page = await sharp(svgOf(W, H, `<rect width="${W}" height="${H}" fill="#ffffff"/>${content}`))
        .composite([
          {
            input: await sharp(png).extract({ left: box.left, top: box.top, width: box.width, height: box.height }).png().toBuffer(),
            left: markLeft,
            top: markTop,
          },
        ])
        .png()
        .toBuffer();
      return { bytes: await encode(d, ranges, page, params, ['png', 'jpeg']) };
    }
    case 'recoloured-hue': {
      const colour = await mark('colour', width);
      const h = d.inIntervals(ranges.hues);
      params.variant = 'colour';
      params.hue = h;
      const shifted = await sharp(colour).modulate({ hue: h }).png().toBuffer();
      return { bytes: await encode(d, ranges, shifted, params, ['png', 'jpeg']) };
    }
    case 'recoloured-ink': {
      const h = d.inIntervals(ranges.hues);
      const hex = hslHex(h, d.real(40, 90), d.real(30, 60));
      params.ink = hex;
      return { bytes: await encode(d, ranges, await tint(png, hex), params, ['png', 'jpeg']) };
    }
    case 'partial-crop': {
      const pct = d.inIntervals(ranges.crops);
      const side = d.pick(['left', 'right', 'top', 'bottom'] as const);
      params.crop = pct;
      params.side = side;
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
      return { bytes: await encode(d, ranges, crop, params, ['png', 'white', 'jpeg']) };
    }
    case 'partial-mask': {
      const fx = r2(d.inIntervals(ranges.maskSides, false));
      const fy = r2(d.inIntervals(ranges.maskSides, false));
      const corner = d.pick(['top-left', 'top-right', 'bottom-left', 'bottom-right'] as const);
      params.maskW = fx;
      params.maskH = fy;
      params.corner = corner;
      const mw = Math.ceil(box.width * fx);
      const mh = Math.ceil(box.height * fy);
      const rect = {
        left: corner.endsWith('left') ? box.left : box.left + box.width - mw,
        top: corner.startsWith('top') ? box.top : box.top + box.height - mh,
        width: mw,
        height: mh,
      };
      const white = d.next() < 0.5;
      params.fill = white ? 'white' : 'transparent';
      const masked = await mask(white ? await sharp(png).flatten({ background: WHITE }).png().toBuffer() : png, rect, white);
      return { bytes: await encode(d, ranges, masked, params, white ? ['png', 'jpeg'] : ['png']) };
    }
    case 'distorted-stretch': {
      const pct = d.inIntervals(ranges.stretches);
      const axis = d.pick(['x', 'y'] as const);
      params.stretch = pct;
      params.axis = axis;
      const f = 1 + pct / 100;
      const stretched = await sharp(png)
        .resize({ width: axis === 'x' ? Math.round(box.imgW * f) : box.imgW, height: axis === 'y' ? Math.round(box.imgH * f) : box.imgH, fit: 'fill' })
        .png()
        .toBuffer();
      return { bytes: await encode(d, ranges, stretched, params, ['png', 'jpeg']) };
    }
    case 'distorted-rotate': {
      const deg = d.pick(ranges.rotations) * (d.next() < 0.5 ? -1 : 1);
      params.rotate = deg;
      const turned = await sharp(png)
        .rotate(deg, { background: { r: 0, g: 0, b: 0, alpha: 0 } })
        .png()
        .toBuffer();
      return { bytes: await encode(d, ranges, turned, params, ['png', 'jpeg']) };
    }
    case 'distorted-mirror': {
      const axis = d.pick(['left-right', 'top-bottom'] as const);
      params.mirror = axis;
      const flipped = await (axis === 'left-right' ? sharp(png).flop() : sharp(png).flip()).png().toBuffer();
      return { bytes: await encode(d, ranges, flipped, params, ['png', 'jpeg']) };
    }
    case 'overlay-text':
    case 'overlay-stamp':
    case 'overlay-stroke':
    case 'overlay-sticker':
    case 'overlay-watermark': {
      // redrawn (from the same stream) until the overlay changes at least 1 % of the mark's ink: an overlay that
      // lands only on the empty inside of the ring does not alter the mark
      const before = await rgba(png);
      for (let attempt = 0; ; attempt++) {
        for (const k of Object.keys(params)) if (k !== 'variant' && k !== 'width') delete params[k];
        const { body, region } = overlayBody(kind, d, ranges, params, box);
        const over = await sharp(png)
          .composite([{ input: svgOf(box.imgW, box.imgH, body) }])
          .png()
          .toBuffer();
        const after = await rgba(over);
        let ink = 0;
        let changed = 0;
        for (let k = 0; k < before.data.length; k += 4) {
          if (before.data[k + 3]! < 128) continue;
          ink++;
          const dr = Math.abs(before.data[k]! - after.data[k]!);
          const dg = Math.abs(before.data[k + 1]! - after.data[k + 1]!);
          const db = Math.abs(before.data[k + 2]! - after.data[k + 2]!);
          if (Math.max(dr, dg, db) > 40) changed++;
        }
        const share = ink === 0 ? 0 : changed / ink;
        if (share < 0.01 && attempt < 8) continue;
        params.inkChanged = r2(share * 100);
        const drawn = await sharp(over).flatten({ background: WHITE }).png().toBuffer();
        return { bytes: await encode(d, ranges, drawn, params, ['png', 'jpeg']), overlayBox: region };
      }
    }
    case 'unrelated-logo': {
      const name = d.pick(Object.keys(UNRELATED_LOGOS));
      const w = d.pick(ranges.unrelatedWidths);
      params.logo = name;
      params.width = w;
      const logo = await sharp(Buffer.from(UNRELATED_LOGOS[name]!), { density: (72 * w) / 240 })
        .resize({ width: w })
        .png()
        .toBuffer();
      return { bytes: await encode(d, ranges, logo, params, ['png', 'jpeg']) };
    }
    case 'unrelated-drawn': {
      const w = d.pick(ranges.unrelatedWidths);
      params.width = w;
      const s = d.int(1, 1 << 30);
      params.shapes = s;
      const logo = await sharp(svgOf(w, w, drawnLogo(drawer(s), w)))
        .png()
        .toBuffer();
      return { bytes: await encode(d, ranges, logo, params, ['png', 'white', 'jpeg']) };
    }
    case 'unrelated-noise': {
      const w = d.pick(ranges.unrelatedWidths);
      const busy = d.pick(ranges.busy);
      params.width = w;
      params.background = busy;
      return { bytes: await encode(d, ranges, await busyScene(busy, w, d), params, ['png', 'jpeg']) };
    }
  }
}

/** The SVG drawn over the mark and the box it covers (clipped to the mark's ink box). */
function overlayBody(
  kind: (typeof OVERLAY_KINDS)[number],
  d: Draw,
  ranges: CorpusRanges,
  params: Record<string, string | number>,
  box: { left: number; top: number; width: number; height: number },
): { body: string; region: NonNullable<SeededSample['overlayBox']> } {
  const S = Math.min(box.width, box.height);
  const colour = () => {
    const c = hsl(d.inIntervals(ranges.overlayHues), d.real(50, 100), d.real(20, 55));
    params.colour = c;
    return c;
  };
  // a point inside the middle of the mark's box
  const at = (lo = 0.3, hi = 0.7) => [r2(box.left + box.width * d.real(lo, hi)), r2(box.top + box.height * d.real(lo, hi))] as const;
  const clip = (x0: number, y0: number, x1: number, y1: number) => {
    const left = Math.max(box.left, Math.floor(x0));
    const top = Math.max(box.top, Math.floor(y0));
    const right = Math.min(box.left + box.width, Math.ceil(x1));
    const bottom = Math.min(box.top + box.height, Math.ceil(y1));
    return { left, top, width: Math.max(0, right - left), height: Math.max(0, bottom - top) };
  };
  const whole = { left: box.left, top: box.top, width: box.width, height: box.height };
  if (kind === 'overlay-text' || kind === 'overlay-watermark') {
    const watermark = kind === 'overlay-watermark';
    const word = d.pick(ranges.words);
    const angle = Math.round(d.inIntervals(watermark ? [[-45, -20], ...ranges.textAngles.filter(([a]) => a > 0)] : ranges.textAngles));
    const size = r2(S * (watermark ? d.real(0.18, 0.26) : d.real(...ranges.textSizes)));
    const fill = colour();
    const [cx, cy] = watermark ? ([r2(box.left + box.width / 2), r2(box.top + box.height / 2)] as const) : at();
    params.word = word;
    params.angle = angle;
    params.fontSize = size;
    params.at = `${cx},${cy}`;
    let opacity = 1;
    if (watermark) {
      opacity = r2(d.real(...ranges.watermarkOpacity));
      params.opacity = opacity;
    }
    const body = `<text x="${cx}" y="${cy}" text-anchor="middle" dominant-baseline="middle" font-size="${size}" font-family="DejaVu Sans,sans-serif" font-weight="bold" fill="${fill}" fill-opacity="${opacity}" transform="rotate(${angle} ${cx} ${cy})">${watermark ? `${word} ${word}` : word}</text>`;
    // approximate: the rotated text's box
    const half = (size * 0.62 * (watermark ? 2 * word.length + 1 : word.length)) / 2;
    const t = (Math.abs(angle) * Math.PI) / 180;
    const hx = half * Math.cos(t) + (size / 2) * Math.sin(t);
    const hy = half * Math.sin(t) + (size / 2) * Math.cos(t);
    return { body, region: clip(cx - hx, cy - hy, cx + hx, cy + hy) };
  }
  if (kind === 'overlay-stamp') {
    const r = r2(S * d.real(...ranges.stampRadii));
    const [cx, cy] = at();
    const sw = r2(Math.max(2, S * d.real(0.025, 0.05)));
    const shape = d.pick(['ring', 'square', 'ring-text'] as const);
    const c = colour();
    params.shape = shape;
    params.radius = r;
    params.at = `${cx},${cy}`;
    const body =
      shape === 'square'
        ? `<rect x="${r2(cx - r)}" y="${r2(cy - r)}" width="${r2(2 * r)}" height="${r2(2 * r)}" fill="none" stroke="${c}" stroke-width="${sw}" transform="rotate(${d.int(-30, 30)} ${cx} ${cy})"/>`
        : `<circle cx="${cx}" cy="${cy}" r="${r}" fill="none" stroke="${c}" stroke-width="${sw}"/>${shape === 'ring-text' ? `<text x="${cx}" y="${cy}" text-anchor="middle" dominant-baseline="middle" font-size="${r2(r * 0.5)}" font-family="DejaVu Sans,sans-serif" fill="${c}">PAID</text>` : ''}`;
    const e = r * 1.42 + sw;
    return { body, region: clip(cx - e, cy - e, cx + e, cy + e) };
  }
  if (kind === 'overlay-stroke') {
    const sw = r2(Math.max(2, S * d.real(...ranges.strokeWidths)));
    const [x1, y1] = at(0, 0.35);
    const [x2, y2] = at(0.65, 1);
    const flip = d.next() < 0.5;
    const c = colour();
    const ya = flip ? y2 : y1;
    const yb = flip ? y1 : y2;
    params.strokeWidth = sw;
    params.line = `${x1},${ya}-${x2},${yb}`;
    const body = `<line x1="${x1}" y1="${ya}" x2="${x2}" y2="${yb}" stroke="${c}" stroke-width="${sw}" stroke-linecap="round"/>`;
    return { body, region: clip(x1 - sw, Math.min(ya, yb) - sw, x2 + sw, Math.max(ya, yb) + sw) };
  }
  // a sticker, partly over the mark (it may hang over an edge)
  const w = r2(S * d.real(...ranges.stickerSides));
  const h = r2(w * d.real(0.5, 1));
  const x = r2(box.left + d.real(-0.15, 0.95) * box.width - w / 2);
  const y = r2(box.top + d.real(-0.15, 0.95) * box.height - h / 2);
  const white = d.next() < 0.5;
  const fill = white ? '#ffffff' : colour();
  params.sticker = `${w}x${h}@${x},${y}`;
  params.fill = fill;
  const body = `<rect x="${x}" y="${y}" width="${w}" height="${h}" rx="${r2(w * 0.08)}" fill="${fill}" stroke="#cccccc"/>`;
  const region = clip(x, y, x + w, y + h);
  return { body, region: region.width > 0 && region.height > 0 ? region : whole };
}

export interface SeededScore {
  /** Per expected finding (label): samples, hits, recall, and precision of that finding. */
  perLabel: Record<CorpusLabel, { n: number; hit: number; recall: number; precision: number }>;
  /** Per kind (overlay-text, partial-crop, …): samples and hits. */
  perKind: Record<string, { n: number; hit: number }>;
  /** Official samples judged altered (recoloured, partial, distorted): a false alarm. */
  officialFlagged: number;
  /** Official samples not found at all (judged unrelated): a miss, not an alarm. */
  officialNotFound: number;
  /** Unrelated images judged to be the mark, in any form. */
  unrelatedMatched: number;
  /** Mean recall over the five labels. */
  balancedAccuracy: number;
  misses: Array<{ sample: SeededSample; got: string }>;
}

const EXPECTED = { official: 'ok', recoloured: 'recoloured', partial: 'partial', distorted: 'distorted', unrelated: 'unrelated' } as const;
export const LABELS: readonly CorpusLabel[] = ['official', 'recoloured', 'partial', 'distorted', 'unrelated'];

/** Scores findings (one per sample, in order) against the samples' labels. */
export function scoreSeeded(samples: readonly SeededSample[], findings: readonly string[]): SeededScore {
  const perLabel = {} as SeededScore['perLabel'];
  for (const label of LABELS) {
    const expected = EXPECTED[label];
    const n = samples.filter((s) => s.label === label).length;
    const hit = samples.filter((s, i) => s.label === label && findings[i] === expected).length;
    const said = findings.filter((f) => f === expected).length;
    perLabel[label] = { n, hit, recall: n === 0 ? 1 : hit / n, precision: said === 0 ? 1 : hit / said };
  }
  const perKind: SeededScore['perKind'] = {};
  const misses: SeededScore['misses'] = [];
  samples.forEach((s, i) => {
    const k = (perKind[s.kind] ??= { n: 0, hit: 0 });
    k.n++;
    if (findings[i] === EXPECTED[s.label]) k.hit++;
    else misses.push({ sample: s, got: findings[i] ?? 'none' });
  });
  return {
    perLabel,
    perKind,
    officialFlagged: samples.filter((s, i) => s.label === 'official' && findings[i] !== 'ok' && findings[i] !== 'unrelated').length,
    officialNotFound: samples.filter((s, i) => s.label === 'official' && findings[i] === 'unrelated').length,
    unrelatedMatched: perLabel.unrelated.n - perLabel.unrelated.hit,
    balancedAccuracy: LABELS.reduce((a, l) => a + perLabel[l].recall, 0) / LABELS.length,
    misses,
  };
}
