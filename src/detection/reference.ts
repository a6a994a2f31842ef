/**
 * Reference signatures, built once from the official renderings: the silhouette (shape.ts) and, for the
 * colour signature, CIELAB samples of both masters at interior points of each part of the mark.
 */
import sharp from 'sharp';
import { srgbToLab, deltaE, type Lab } from './colour';
import { buildShapeReference, type ShapeReference } from './shape';
import { boundingBox } from './silhouette';

export interface ColourSample {
  /** Position inside the mark's box, 0..1. */
  u: number;
  v: number;
  /** Distance to the nearest edge of the part, as a share of the box's longer side. */
  depth: number;
  /** Which part of the mark (one colour of the colour master). */
  part: number;
  colour: Lab;
  mono: Lab;
}

export interface MarkReference {
  shape: ShapeReference;
  samples: ColourSample[];
  parts: number;
  /** The official inks (locate.ts, marks on busy backgrounds): 1 for each 5-bit RGB cell near a part colour of either version. */
  inks: Uint8Array;
}

/** ΔE*ab within which a colour counts as one of the official inks (JPEG and resampling stay inside it on a mark's interior). */
const INK_DELTA_E = 12;

/** The ink table: 32 x 32 x 32 cells of RGB (index (r >> 3) << 10 | (g >> 3) << 5 | b >> 3). */
function inkTable(inks: readonly Lab[]): Uint8Array {
  const table = new Uint8Array(32 * 32 * 32);
  for (let r = 0; r < 32; r++) {
    for (let g = 0; g < 32; g++) {
      for (let b = 0; b < 32; b++) {
        const lab = srgbToLab(r * 8 + 4, g * 8 + 4, b * 8 + 4);
        if (inks.some((ink) => deltaE(lab, ink) <= INK_DELTA_E)) table[(r << 10) | (g << 5) | b] = 1;
      }
    }
  }
  return table;
}

async function rgbaOf(png: Buffer, width: number) {
  const { data, info } = await sharp(png).resize({ width, kernel: 'lanczos3' }).toColourspace('srgb').ensureAlpha().raw().toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height };
}

/** City-block-ish (3-4 chamfer) distance of each opaque pixel to the nearest non-opaque one, in pixels. */
function depthMap(opaque: Uint8Array, w: number, h: number): Float32Array {
  const d = new Float32Array(w * h);
  for (let k = 0; k < w * h; k++) d[k] = opaque[k] ? 1e6 : 0;
  const at = (x: number, y: number) => (x < 0 || y < 0 || x >= w || y >= h ? 0 : d[y * w + x]!);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const k = y * w + x;
      if (d[k] === 0) continue;
      d[k] = Math.min(d[k]!, at(x - 1, y) + 3, at(x, y - 1) + 3, at(x - 1, y - 1) + 4, at(x + 1, y - 1) + 4);
    }
  }
  for (let y = h - 1; y >= 0; y--) {
    for (let x = w - 1; x >= 0; x--) {
      const k = y * w + x;
      if (d[k] === 0) continue;
      d[k] = Math.min(d[k]!, at(x + 1, y) + 3, at(x, y + 1) + 3, at(x + 1, y + 1) + 4, at(x - 1, y + 1) + 4);
    }
  }
  for (let k = 0; k < w * h; k++) d[k] = d[k]! / 3;
  return d;
}

/** `colourPng` and `monoPng`: official renderings of the same size, transparent background. */
export async function buildMarkReference(colourPng: Buffer, monoPng: Buffer, size = 512): Promise<MarkReference> {
  const [c, m] = await Promise.all([rgbaOf(colourPng, size), rgbaOf(monoPng, size)]);
  if (c.width !== m.width || c.height !== m.height) throw new Error('the two masters must have the same geometry');
  const { width: w, height: h } = c;
  const alpha = new Float32Array(w * h);
  const opaque = new Uint8Array(w * h);
  for (let k = 0; k < w * h; k++) {
    const a = c.data[k * 4 + 3]!;
    alpha[k] = a / 255;
    opaque[k] = a >= 250 ? 1 : 0;
  }
  const inked = boundingBox(w, h, (k) => c.data[k * 4 + 3]! >= 128);
  if (inked === null) throw new Error('the mark rendering has no ink');
  const { left: x0, top: y0 } = inked;
  const shape = buildShapeReference(alpha, w, h);
  const depth = depthMap(opaque, w, h);
  const { width: bw, height: bh } = inked;
  const longer = Math.max(bw, bh);
  const partColours: Lab[] = [];
  const samples: ColourSample[] = [];
  const steps = 64;
  for (let j = 0; j < steps; j++) {
    for (let i = 0; i < steps; i++) {
      const u = (i + 0.5) / steps;
      const v = (j + 0.5) / steps;
      const x = Math.floor(x0 + u * bw);
      const y = Math.floor(y0 + v * bh);
      const k = y * w + x;
      if (!opaque[k] || depth[k]! < 2) continue;
      const colour = srgbToLab(c.data[k * 4]!, c.data[k * 4 + 1]!, c.data[k * 4 + 2]!);
      const mono = srgbToLab(m.data[k * 4]!, m.data[k * 4 + 1]!, m.data[k * 4 + 2]!);
      let part = partColours.findIndex((p) => deltaE(p, colour) < 8);
      if (part === -1) {
        part = partColours.length;
        partColours.push(colour);
      }
      samples.push({ u, v, depth: depth[k]! / longer, part, colour, mono });
    }
  }
  const inks: Lab[] = [];
  for (const s of samples) for (const lab of [s.colour, s.mono]) if (!inks.some((p) => deltaE(p, lab) < 4)) inks.push(lab);
  return { shape, samples, parts: partColours.length, inks: inkTable(inks) };
}
