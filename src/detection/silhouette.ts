/**
 * Silhouettes on a small grid and their comparison. A silhouette is coverage (opacity or "not background")
 * normalised to its bounding box; comparisons are tolerant (a cell counts as matched if the other silhouette
 * has ink within one cell, ~3 % of the box) except `overlap`, which is strict.
 */

/** Grid the candidate is sampled on. */
export const GRID = 32;

export interface Silhouette {
  /** GRID x GRID coverage, normalised to the bounding box. */
  cells: Float32Array;
  /** Max-filtered (radius 1) copy: "ink near here". */
  near: Float32Array;
  sum: number;
}

export function maxFilter(src: Float32Array, n: number, radius: number): Float32Array {
  const tmp = new Float32Array(n * n);
  const out = new Float32Array(n * n);
  for (let y = 0; y < n; y++) {
    for (let x = 0; x < n; x++) {
      let m = 0;
      for (let k = Math.max(0, x - radius); k <= Math.min(n - 1, x + radius); k++) m = Math.max(m, src[y * n + k]!);
      tmp[y * n + x] = m;
    }
  }
  for (let y = 0; y < n; y++) {
    for (let x = 0; x < n; x++) {
      let m = 0;
      for (let k = Math.max(0, y - radius); k <= Math.min(n - 1, y + radius); k++) m = Math.max(m, tmp[k * n + x]!);
      out[y * n + x] = m;
    }
  }
  return out;
}

/**
 * Samples a coverage function over a box onto an n x n grid (3 x 3 samples per cell).
 * `at(x, y)` gets coordinates inside the box, in the box's own pixel units.
 */
export function sampleGrid(n: number, boxW: number, boxH: number, at: (x: number, y: number) => number): Float32Array {
  const out = new Float32Array(n * n);
  const s = 3;
  for (let j = 0; j < n; j++) {
    for (let i = 0; i < n; i++) {
      let acc = 0;
      for (let b = 0; b < s; b++) {
        for (let a = 0; a < s; a++) acc += at(((i + (a + 0.5) / s) * boxW) / n, ((j + (b + 0.5) / s) * boxH) / n);
      }
      out[j * n + i] = acc / (s * s);
    }
  }
  return out;
}

export function silhouette(cells: Float32Array): Silhouette {
  let sum = 0;
  for (const v of cells) sum += v;
  return { cells, near: maxFilter(cells, GRID, 1), sum };
}

/** The candidate's silhouette: `mask` is w x h coverage; `box` the candidate's bounding box inside it. */
export function candidateSilhouette(mask: Float32Array, w: number, box: { left: number; top: number; width: number; height: number }): Silhouette {
  const at = (x: number, y: number) => mask[(box.top + Math.floor(y)) * w + box.left + Math.floor(x)] ?? 0;
  return silhouette(sampleGrid(GRID, box.width, box.height, at));
}

export interface Fit {
  /** Share of the candidate's ink that lies on the mark. */
  precision: number;
  /** Share of the (hypothesised visible) mark that the candidate covers. */
  recall: number;
  /** Harmonic mean of precision and recall, recall counting an ink-free masked block as explained. */
  score: number;
  /** Share of the whole mark that is visible. */
  coverage: number;
  /** A block of the mark is missing and nothing is drawn there (masked). */
  masked: boolean;
}

const harmonic = (p: number, r: number) => (p + r === 0 ? 0 : (2 * p * r) / (p + r));

/**
 * Compares the candidate with reference cells `ref`/`refNear` laid on the candidate grid.
 * `visible` is the share of the reference's mass inside the hypothesised window.
 */
export function compare(c: Silhouette, ref: ArrayLike<number>, refNear: ArrayLike<number>, visible: number): Fit {
  let fMatched = 0;
  let rSum = 0;
  let rMatched = 0;
  const n = GRID * GRID;
  for (let k = 0; k < n; k++) {
    const f = c.cells[k]!;
    const r = ref[k]!;
    fMatched += f * refNear[k]!;
    rSum += r;
    rMatched += r * c.near[k]!;
  }
  const precision = c.sum === 0 ? 0 : fMatched / c.sum;
  const recall = rSum === 0 ? 0 : rMatched / rSum;
  let score = harmonic(precision, recall);
  let masked = false;
  if (precision >= 0.9 && recall < 0.95 && recall > 0.4) {
    // is the missing part one block that holds no ink (an occluder), rather than a different drawing?
    const gap = cellBox((k) => ref[k]! * (1 - c.near[k]!) >= 0.5);
    let inkInside = 0;
    let refInside = 0;
    for (let y = (gap?.top ?? 0) + 1; gap && y < gap.top + gap.height - 1; y++) {
      for (let x = gap.left + 1; x < gap.left + gap.width - 1; x++) {
        inkInside += c.cells[y * GRID + x]!;
        refInside += ref[y * GRID + x]!;
      }
    }
    if (gap && inkInside <= 0.04 * Math.max(1, refInside)) {
      masked = true;
      score = harmonic(precision, 1);
    }
  }
  return { precision, recall, score, coverage: visible * recall, masked };
}

/** The bounding box, in grid cells, of the cells `hit` holds for; null when it holds for none. */
export function cellBox(hit: (k: number) => boolean): { left: number; top: number; width: number; height: number } | null {
  return boundingBox(GRID, GRID, hit);
}

/** The bounding box of the points of a row-major `width` x `height` raster that `hit` holds for; null when none. */
export function boundingBox(width: number, height: number, hit: (k: number) => boolean): { left: number; top: number; width: number; height: number } | null {
  let x0 = width;
  let y0 = height;
  let x1 = -1;
  let y1 = -1;
  for (let k = 0; k < width * height; k++) {
    if (!hit(k)) continue;
    const x = k % width;
    const y = (k - x) / width;
    x0 = Math.min(x0, x);
    x1 = Math.max(x1, x);
    y0 = Math.min(y0, y);
    y1 = Math.max(y1, y);
  }
  return x1 < 0 ? null : { left: x0, top: y0, width: x1 - x0 + 1, height: y1 - y0 + 1 };
}

/** Strict overlap (no tolerance) of two silhouettes on the grid: sum of minima over sum of maxima. */
export function overlap(a: Float32Array, b: Float32Array): number {
  let lo = 0;
  let hi = 0;
  for (let k = 0; k < a.length; k++) {
    const x = a[k]!;
    const y = b[k]!;
    lo += Math.min(x, y);
    hi += Math.max(x, y);
  }
  return hi === 0 ? 0 : lo / hi;
}
