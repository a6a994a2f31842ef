/**
 * Separating "something that may be the mark" from its background. The background is estimated from the
 * frame of a region (up to four dominant colours, so stripes and checks work too); transparency counts as
 * background. Foreground is then grouped into candidate regions (connected parts that lie close together).
 */

export interface Raster {
  width: number;
  height: number;
  /** Raw RGBA, 4 channels, 8 bits. */
  rgba: Uint8Array;
}

export interface Rect {
  left: number;
  top: number;
  width: number;
  height: number;
}

type RGB = [number, number, number];

export interface Background {
  /** Dominant opaque colours of the frame; empty when the frame is transparent. */
  palette: RGB[];
  /** Distance (RGB, 0..441) above which a pixel is foreground. */
  threshold: number;
}

const dist2 = (r: number, g: number, b: number, c: RGB) => (r - c[0]) ** 2 + (g - c[1]) ** 2 + (b - c[2]) ** 2;

/** Squared distance from a pixel to the segment between two palette colours (blends at pattern edges). */
function segDist2(r: number, g: number, b: number, p: RGB, q: RGB): number {
  const dx = q[0] - p[0];
  const dy = q[1] - p[1];
  const dz = q[2] - p[2];
  const len = dx * dx + dy * dy + dz * dz;
  if (len === 0) return dist2(r, g, b, p);
  const t = Math.max(0, Math.min(1, ((r - p[0]) * dx + (g - p[1]) * dy + (b - p[2]) * dz) / len));
  return (r - p[0] - t * dx) ** 2 + (g - p[1] - t * dy) ** 2 + (b - p[2] - t * dz) ** 2;
}

/** Estimates the background from the frame (2 px wide) of `rect`. */
export function estimateBackground(img: Raster, rect: Rect): Background {
  const { rgba, width } = img;
  const x0 = rect.left;
  const y0 = rect.top;
  const x1 = rect.left + rect.width - 1;
  const y1 = rect.top + rect.height - 1;
  const band = Math.min(2, Math.floor(Math.min(rect.width, rect.height) / 4));
  // the opaque frame pixels: colour (3 bytes each), side (0 top, 1 left, 2 bottom, 3 right) and 4-bit histogram bin
  const capacity = (band + 1) * 2 * (Math.max(0, rect.width) + Math.max(0, rect.height));
  const pixels = new Uint8Array(capacity * 3);
  const sideOf = new Uint8Array(capacity);
  const binOf = new Uint16Array(capacity);
  const sideTotal = [0, 0, 0, 0];
  let n = 0;
  let total = 0;
  const visit = (x: number, y: number, side: number) => {
    const o = (y * width + x) * 4;
    total++;
    if (rgba[o + 3]! >= 128) {
      const r = rgba[o]!;
      const g = rgba[o + 1]!;
      const b = rgba[o + 2]!;
      pixels[n * 3] = r;
      pixels[n * 3 + 1] = g;
      pixels[n * 3 + 2] = b;
      sideOf[n] = side;
      binOf[n] = ((r >> 4) << 8) | ((g >> 4) << 4) | (b >> 4);
      sideTotal[side]!++;
      n++;
    }
  };
  for (let k = 0; k <= band; k++) {
    for (let x = x0; x <= x1; x++) {
      visit(x, y0 + k, 0);
      if (y1 - k !== y0 + k) visit(x, y1 - k, 2);
    }
    for (let y = y0 + band + 1; y < y1 - band; y++) {
      visit(x0 + k, y, 1);
      if (x1 - k !== x0 + k) visit(x1 - k, y, 3);
    }
  }
  if (n < total * 0.25) return { palette: [], threshold: 48 };

  // greedy mode seeking on a 4-bit histogram: take the fullest bin, gather everything near it, repeat
  // (the histogram is of the pixels not yet taken: taking a pixel removes it)
  const hist = new Uint32Array(4096);
  for (let i = 0; i < n; i++) hist[binOf[i]!]!++;
  const taken = new Uint8Array(n);
  const take = (i: number) => {
    taken[i] = 1;
    hist[binOf[i]!]!--;
  };
  const members = new Int32Array(n);
  let count = 0;
  const palette: RGB[] = [];
  let noise = 0;
  for (let round = 0; round < 4; round++) {
    let bestBin = 0;
    for (let b = 1; b < 4096; b++) if (hist[b]! > hist[bestBin]!) bestBin = b;
    if (hist[bestBin] === 0) break;
    let centre: RGB = [((bestBin >> 8) << 4) + 8, (((bestBin >> 4) & 15) << 4) + 8, ((bestBin & 15) << 4) + 8];
    for (let pass = 0; pass < 2; pass++) {
      count = 0;
      // sums of at most a few thousand bytes: exact in any order
      let sr = 0;
      let sg = 0;
      let sb = 0;
      for (let i = 0; i < n; i++) {
        if (taken[i]) continue;
        const r = pixels[i * 3]!;
        const g = pixels[i * 3 + 1]!;
        const b = pixels[i * 3 + 2]!;
        if (dist2(r, g, b, centre) > 24 * 24) continue;
        members[count++] = i;
        sr += r;
        sg += g;
        sb += b;
      }
      if (count === 0) break;
      centre = [sr / count, sg / count, sb / count];
    }
    if (palette.length > 0 && count < n * 0.12) break;
    // a background colour runs along at least three sides; one seen on one or two sides is a part of
    // the drawing cut by the frame (a crop), not background
    const perSide = [0, 0, 0, 0];
    for (let m = 0; m < count; m++) perSide[sideOf[members[m]!]!]!++;
    const sides = perSide.filter((c, s) => c >= 0.04 * Math.max(1, sideTotal[s]!)).length;
    if (palette.length > 0 && sides < 3) {
      for (let m = 0; m < count; m++) take(members[m]!);
      continue;
    }
    palette.push(centre);
    const d = new Float64Array(count);
    for (let m = 0; m < count; m++) {
      const i = members[m]!;
      take(i);
      d[m] = Math.sqrt(dist2(pixels[i * 3]!, pixels[i * 3 + 1]!, pixels[i * 3 + 2]!, centre));
    }
    d.sort();
    noise = Math.max(noise, d[Math.floor(d.length * 0.95)] ?? 0);
  }
  // at least 56: faint texture (dots, paper grain) is background, every part of the mark is far stronger
  return { palette, threshold: Math.min(80, Math.max(56, 2.5 * noise + 14)) };
}

/** a / 255 for each 8-bit alpha, as stored in a Float32Array (the coverage of a fully foreground pixel). */
const OPACITY = Float32Array.from({ length: 256 }, (_, a) => a / 255);

/** Scratch for `foreground`: a cache of 2^12 colours (+1; 0 = empty) and their answers, direct-mapped on a hash of the colour. */
const NEAR_CACHE_BITS = 12;
const nearKey = new Int32Array(1 << NEAR_CACHE_BITS);
const nearValue = new Uint8Array(1 << NEAR_CACHE_BITS);

/**
 * Foreground coverage (0..1) of each pixel of `rect`: opacity, times "far from every background colour
 * and from every blend of two of them".
 */
export function foreground(img: Raster, rect: Rect, bg: Background): Float32Array {
  const out = new Float32Array(rect.width * rect.height);
  const { rgba, width } = img;
  const t2 = bg.threshold * bg.threshold;
  const { palette } = bg;
  const near = (r: number, g: number, b: number): boolean => {
    for (let i = 0; i < palette.length; i++) if (dist2(r, g, b, palette[i]!) <= t2) return true;
    for (let i = 0; i < palette.length; i++) {
      for (let j = i + 1; j < palette.length; j++) if (segDist2(r, g, b, palette[i]!, palette[j]!) <= t2) return true;
    }
    return false;
  };
  if (palette.length === 0) {
    // a transparent frame: everything opaque is foreground
    for (let y = 0, k = 0; y < rect.height; y++) {
      let o = ((rect.top + y) * width + rect.left) * 4 + 3;
      for (let x = 0; x < rect.width; x++, o += 4, k++) out[k] = OPACITY[rgba[o]!]!;
    }
    return out;
  }
  // a pixel's answer depends on its colour only, and a few colours are the rule (flat backgrounds, the
  // mark's own fills, JPEG noise around them): the last answer is reused. With one background colour the
  // answer is one distance; with more, a small cache of answers is asked first.
  const single = palette.length === 1 ? palette[0]! : null;
  if (single === null) nearKey.fill(0);
  let lastColour = -1;
  let lastNear = false;
  for (let y = 0, k = 0; y < rect.height; y++) {
    let o = ((rect.top + y) * width + rect.left) * 4;
    for (let x = 0; x < rect.width; x++, o += 4, k++) {
      const a = rgba[o + 3]!;
      if (a === 0) continue;
      const r = rgba[o]!;
      const g = rgba[o + 1]!;
      const b = rgba[o + 2]!;
      const colour = (r << 16) | (g << 8) | b;
      if (colour !== lastColour) {
        lastColour = colour;
        if (single !== null) lastNear = dist2(r, g, b, single) <= t2;
        else {
          // the slot: the top bits of a multiplicative (Fibonacci) hash of the 24-bit colour
          const slot = Math.imul(colour, 0x9e3779b1) >>> (32 - NEAR_CACHE_BITS);
          if (nearKey[slot] === colour + 1) lastNear = nearValue[slot] === 1;
          else {
            lastNear = near(r, g, b);
            nearKey[slot] = colour + 1;
            nearValue[slot] = lastNear ? 1 : 0;
          }
        }
      }
      if (!lastNear) out[k] = OPACITY[a]!;
    }
  }
  return out;
}

/** Box-filter downscale by an integer factor (keeps analysis of very large screenshots bounded). */
export function downscale(img: Raster, factor: number): Raster {
  const width = Math.floor(img.width / factor);
  const height = Math.floor(img.height / factor);
  const rgba = new Uint8Array(width * height * 4);
  const src = img.rgba;
  const stride = img.width * 4;
  const n = factor * factor;
  for (let y = 0, p = 0; y < height; y++) {
    const top = y * factor * stride;
    for (let x = 0; x < width; x++, p += 4) {
      let r = 0;
      let g = 0;
      let b = 0;
      let a = 0;
      // the factor x factor block, a row at a time (sums stay in registers)
      for (let row = top + x * factor * 4, end = row + factor * stride; row < end; row += stride) {
        for (let o = row, rowEnd = row + factor * 4; o < rowEnd; o += 4) {
          r += src[o]!;
          g += src[o + 1]!;
          b += src[o + 2]!;
          a += src[o + 3]!;
        }
      }
      rgba[p] = Math.round(r / n);
      rgba[p + 1] = Math.round(g / n);
      rgba[p + 2] = Math.round(b / n);
      rgba[p + 3] = Math.round(a / n);
    }
  }
  return { width, height, rgba };
}
