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
  const pixels: number[] = [];
  const sideOf: number[] = [];
  let side = 0;
  let total = 0;
  const visit = (x: number, y: number) => {
    const o = (y * width + x) * 4;
    total++;
    if ((rgba[o + 3] ?? 0) >= 128) {
      pixels.push(rgba[o] ?? 0, rgba[o + 1] ?? 0, rgba[o + 2] ?? 0);
      sideOf.push(side);
    }
  };
  const x0 = rect.left;
  const y0 = rect.top;
  const x1 = rect.left + rect.width - 1;
  const y1 = rect.top + rect.height - 1;
  const band = Math.min(2, Math.floor(Math.min(rect.width, rect.height) / 4));
  const sideTotal = [0, 0, 0, 0];
  for (let k = 0; k <= band; k++) {
    for (let x = x0; x <= x1; x++) {
      side = 0;
      visit(x, y0 + k);
      side = 2;
      if (y1 - k !== y0 + k) visit(x, y1 - k);
    }
    for (let y = y0 + band + 1; y < y1 - band; y++) {
      side = 1;
      visit(x0 + k, y);
      side = 3;
      if (x1 - k !== x0 + k) visit(x1 - k, y);
    }
  }
  for (const s of sideOf) sideTotal[s]!++;
  const n = pixels.length / 3;
  if (n < total * 0.25) return { palette: [], threshold: 48 };

  // greedy mode seeking on a 4-bit histogram: take the fullest bin, gather everything near it, repeat
  const taken = new Uint8Array(n);
  const palette: RGB[] = [];
  let noise = 0;
  for (let round = 0; round < 4; round++) {
    const hist = new Uint32Array(4096);
    for (let i = 0; i < n; i++) {
      if (taken[i]) continue;
      const bin = ((pixels[i * 3]! >> 4) << 8) | ((pixels[i * 3 + 1]! >> 4) << 4) | (pixels[i * 3 + 2]! >> 4);
      hist[bin]!++;
    }
    let bestBin = 0;
    for (let b = 1; b < 4096; b++) if (hist[b]! > hist[bestBin]!) bestBin = b;
    if (hist[bestBin] === 0) break;
    let centre: RGB = [((bestBin >> 8) << 4) + 8, (((bestBin >> 4) & 15) << 4) + 8, ((bestBin & 15) << 4) + 8];
    const members: number[] = [];
    for (let pass = 0; pass < 2; pass++) {
      members.length = 0;
      const sum = [0, 0, 0];
      for (let i = 0; i < n; i++) {
        if (taken[i] || dist2(pixels[i * 3]!, pixels[i * 3 + 1]!, pixels[i * 3 + 2]!, centre) > 24 * 24) continue;
        members.push(i);
        sum[0]! += pixels[i * 3]!;
        sum[1]! += pixels[i * 3 + 1]!;
        sum[2]! += pixels[i * 3 + 2]!;
      }
      if (members.length === 0) break;
      centre = [sum[0]! / members.length, sum[1]! / members.length, sum[2]! / members.length];
    }
    if (palette.length > 0 && members.length < n * 0.12) break;
    // a background colour runs along at least three sides; one seen on one or two sides is a part of
    // the drawing cut by the frame (a crop), not background
    const perSide = [0, 0, 0, 0];
    for (const i of members) perSide[sideOf[i]!]!++;
    const sides = perSide.filter((c, s) => c >= 0.04 * Math.max(1, sideTotal[s]!)).length;
    if (palette.length > 0 && sides < 3) {
      for (const i of members) taken[i] = 1;
      continue;
    }
    palette.push(centre);
    const d: number[] = [];
    for (const i of members) {
      taken[i] = 1;
      d.push(Math.sqrt(dist2(pixels[i * 3]!, pixels[i * 3 + 1]!, pixels[i * 3 + 2]!, centre)));
    }
    d.sort((a, b) => a - b);
    noise = Math.max(noise, d[Math.floor(d.length * 0.95)] ?? 0);
  }
  // at least 56: faint texture (dots, paper grain) is background, every part of the mark is far stronger
  return { palette, threshold: Math.min(80, Math.max(56, 2.5 * noise + 14)) };
}

/**
 * Foreground coverage (0..1) of each pixel of `rect`: opacity, times "far from every background colour
 * and from every blend of two of them".
 */
export function foreground(img: Raster, rect: Rect, bg: Background): Float32Array {
  const out = new Float32Array(rect.width * rect.height);
  const { rgba, width } = img;
  const t2 = bg.threshold * bg.threshold;
  const { palette } = bg;
  // runs of one colour are the rule (flat backgrounds, the mark's own fills): the last answer is reused
  let lastColour = -1;
  let lastNear = false;
  for (let y = 0; y < rect.height; y++) {
    let o = ((rect.top + y) * width + rect.left) * 4;
    for (let x = 0; x < rect.width; x++, o += 4) {
      const alpha = rgba[o + 3]! / 255;
      if (alpha === 0) continue;
      if (palette.length === 0) {
        out[y * rect.width + x] = alpha;
        continue;
      }
      const r = rgba[o]!;
      const g = rgba[o + 1]!;
      const b = rgba[o + 2]!;
      const colour = (r << 16) | (g << 8) | b;
      let near = false;
      if (colour === lastColour) near = lastNear;
      else {
        for (let i = 0; i < palette.length && !near; i++) {
          if (dist2(r, g, b, palette[i]!) <= t2) near = true;
          for (let j = i + 1; j < palette.length && !near; j++) {
            if (segDist2(r, g, b, palette[i]!, palette[j]!) <= t2) near = true;
          }
        }
        lastColour = colour;
        lastNear = near;
      }
      if (!near) out[y * rect.width + x] = alpha;
    }
  }
  return out;
}

/** Box-filter downscale by an integer factor (keeps analysis of very large screenshots bounded). */
export function downscale(img: Raster, factor: number): Raster {
  const width = Math.floor(img.width / factor);
  const height = Math.floor(img.height / factor);
  const rgba = new Uint8Array(width * height * 4);
  const n = factor * factor;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      let r = 0;
      let g = 0;
      let b = 0;
      let a = 0;
      for (let dy = 0; dy < factor; dy++) {
        let o = ((y * factor + dy) * img.width + x * factor) * 4;
        for (let dx = 0; dx < factor; dx++, o += 4) {
          r += img.rgba[o]!;
          g += img.rgba[o + 1]!;
          b += img.rgba[o + 2]!;
          a += img.rgba[o + 3]!;
        }
      }
      const p = (y * width + x) * 4;
      rgba[p] = Math.round(r / n);
      rgba[p + 1] = Math.round(g / n);
      rgba[p + 2] = Math.round(b / n);
      rgba[p + 3] = Math.round(a / n);
    }
  }
  return { width, height, rgba };
}
