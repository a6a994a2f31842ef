/**
 * The shape signature: the mark's silhouette (opacity) normalised to its bounding box on a small grid,
 * compared with tolerance (a pixel counts as matched if the other silhouette has ink within ~3 %).
 * A candidate is compared under three kinds of hypothesis, and the best explanation wins:
 *  - whole: the candidate's box is the mark's box (a stretch shows as an aspect ratio off the reference);
 *  - rotated: the mark turned by some angle, then boxed;
 *  - partial: the candidate's box is a sub-rectangle of the mark's (a crop), possibly with a missing
 *    block inside it that holds no ink at all (a masked part).
 * Silhouettes ignore colour on purpose: a recoloured mark keeps its shape (Art. 10.5).
 */

import type { Rect } from './segment';
import { GRID, cellBox, compare, maxFilter, overlap, sampleGrid, silhouette, type Fit, type Silhouette } from './silhouette';

export { GRID, candidateSilhouette, type Fit, type Silhouette } from './silhouette';

/** Resolution of the reference silhouette the hypotheses sample from. */
const REF_RES = 64;
/** Smallest visible share of the mark's box, per axis, that a crop hypothesis considers. */
const MIN_VISIBLE = 0.4;
/** Step of the coarse crop search (share of the mark's box). */
const COARSE = 2 / GRID;

export interface ShapeReference {
  /** Width / height of the mark's bounding box. */
  aspect: number;
  res: number;
  /** REF_RES x REF_RES coverage and its near-ink map (radius 2). */
  cells: Float32Array;
  near: Float32Array;
  /** Summed-area table of `cells`, (REF_RES + 1)^2. */
  integral: Float64Array;
  total: number;
  /** Size of the mark's box in reference pixels. */
  box: { width: number; height: number };
  /** Per angle: the rotated reference's box (origin and size, relative to the mark's centre) and silhouette. */
  rotations: Array<{ degrees: number; aspect: number; origin: [number, number]; size: [number, number]; shape: Silhouette }>;
}

const ROTATIONS = [
  0,
  ...[1, 2, 3, 4, 5, 6, 7, 8, 10, 12.5, 15, 17.5, 20].flatMap((d) => [d, -d]),
  ...Array.from({ length: 32 }, (_, k) => 25 + 5 * k).flatMap((d) => (d >= 180 ? [180] : [d, -d])),
];

/** Builds the reference from an opacity map (w x h, 0..1) of an official rendering. */
export function buildShapeReference(alpha: Float32Array, w: number, h: number): ShapeReference {
  let x0 = w;
  let y0 = h;
  let x1 = -1;
  let y1 = -1;
  const ink: number[] = [];
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      if (alpha[y * w + x]! < 0.5) continue;
      ink.push(x + 0.5, y + 0.5);
      x0 = Math.min(x0, x);
      x1 = Math.max(x1, x);
      y0 = Math.min(y0, y);
      y1 = Math.max(y1, y);
    }
  }
  if (x1 < 0) throw new Error('the reference rendering has no opaque pixels');
  const bw = x1 - x0 + 1;
  const bh = y1 - y0 + 1;
  const alphaAt = (x: number, y: number) => {
    const xi = Math.floor(x);
    const yi = Math.floor(y);
    return xi < 0 || yi < 0 || xi >= w || yi >= h ? 0 : alpha[yi * w + xi]!;
  };
  const cells = sampleGrid(REF_RES, bw, bh, (x, y) => alphaAt(x0 + x, y0 + y));
  const integral = new Float64Array((REF_RES + 1) * (REF_RES + 1));
  for (let y = 0; y < REF_RES; y++) {
    let row = 0;
    for (let x = 0; x < REF_RES; x++) {
      row += cells[y * REF_RES + x]!;
      integral[(y + 1) * (REF_RES + 1) + x + 1] = integral[y * (REF_RES + 1) + x + 1]! + row;
    }
  }
  // rotated references: turn about the box centre (screen coordinates, positive = clockwise), re-box
  const cx = x0 + bw / 2;
  const cy = y0 + bh / 2;
  const rotations = ROTATIONS.map((degrees) => {
    const t = (degrees * Math.PI) / 180;
    const cos = Math.cos(t);
    const sin = Math.sin(t);
    let rx0 = Infinity;
    let ry0 = Infinity;
    let rx1 = -Infinity;
    let ry1 = -Infinity;
    for (let k = 0; k < ink.length; k += 2) {
      const dx = ink[k]! - cx;
      const dy = ink[k + 1]! - cy;
      const rx = dx * cos - dy * sin;
      const ry = dx * sin + dy * cos;
      rx0 = Math.min(rx0, rx);
      rx1 = Math.max(rx1, rx);
      ry0 = Math.min(ry0, ry);
      ry1 = Math.max(ry1, ry);
    }
    const rw = rx1 - rx0 + 1;
    const rh = ry1 - ry0 + 1;
    const grid = sampleGrid(GRID, rw, rh, (x, y) => {
      const dx = rx0 - 0.5 + x;
      const dy = ry0 - 0.5 + y;
      return alphaAt(cx + dx * cos + dy * sin, cy - dx * sin + dy * cos);
    });
    const origin: [number, number] = [rx0 - 0.5, ry0 - 0.5];
    return { degrees, aspect: rw / rh, origin, size: [rw, rh] as [number, number], shape: silhouette(grid) };
  });
  const total = integral[integral.length - 1]!;
  const near = maxFilter(cells, REF_RES, 2);
  return { aspect: bw / bh, res: REF_RES, cells, near, integral, total, box: { width: bw, height: bh }, rotations };
}

/** A mark flipped left to right (a mirror image) or upside down. */
export type Mirror = 'left-right' | 'top-bottom';

export interface ShapeMatch {
  whole: Fit;
  /** The candidate flipped back: how well it then fits the upright mark, the better of the two axes. */
  mirrored: { axis: Mirror; fit: Fit };
  rotated: { degrees: number; aspect: number; fit: Fit };
  /** Fine angle estimate from strict overlap, among small turns (|angle| <= 20): which turn fits tightest. */
  turn: { degrees: number; overlap: number; uprightOverlap: number };
  partial: { window: { u0: number; v0: number; fx: number; fy: number }; fit: Fit } | null;
}

/** Mass of the reference inside the window, as a share of the whole. */
function massIn(ref: ShapeReference, u0: number, v0: number, fx: number, fy: number): number {
  const n = ref.res;
  const N = n + 1;
  const a = Math.round(u0 * n);
  const b = Math.round(v0 * n);
  const c = Math.min(n, Math.round((u0 + fx) * n));
  const d = Math.min(n, Math.round((v0 + fy) * n));
  const I = ref.integral;
  return (I[d * N + c]! - I[b * N + c]! - I[d * N + a]! + I[b * N + a]!) / ref.total;
}

/**
 * All explanations of the candidate's silhouette. Crops are searched only when the whole mark does not
 * already fit closely (the search is the costly part); turns and mirrorings only when the whole mark's fit
 * leaves them room to win (`settled`: a whole fit, score and recall, at or above it cannot be beaten by the
 * judge's margin, so they are not searched and the upright fit stands for them).
 */
export function matchShape(ref: ShapeReference, c: Silhouette, candidateAspect: number, settled = Number.POSITIVE_INFINITY): ShapeMatch {
  const upright = ref.rotations[0]!; // 0 degrees comes first
  const whole = compare(c, upright.shape.cells, upright.shape.near, 1);
  const closely = (f: Fit, floor: number) => f.score >= floor && f.recall >= floor;
  const searchTurns = !closely(whole, settled);
  let rotated = { degrees: 0, aspect: ref.aspect, fit: whole };
  for (const r of searchTurns ? ref.rotations.slice(1) : []) {
    const fit = compare(c, r.shape.cells, r.shape.near, 1);
    if (fit.score > rotated.fit.score) rotated = { degrees: r.degrees, aspect: r.aspect, fit };
  }
  // a small turn also fits a slightly cropped mark: only a clearly turned, near-perfect fit ends the search
  const turned = Math.abs(rotated.degrees) >= 10 && closely(rotated.fit, 0.985);
  const partial = closely(whole, 0.95) || turned ? null : searchWindows(ref, c, candidateAspect);
  const uprightOverlap = overlap(c.cells, upright.shape.cells);
  const turn = { degrees: 0, overlap: uprightOverlap, uprightOverlap };
  for (const r of ref.rotations) {
    if (Math.abs(r.degrees) > 20 || r.degrees === 0) continue;
    const o = overlap(c.cells, r.shape.cells);
    if (o > turn.overlap) {
      turn.degrees = r.degrees;
      turn.overlap = o;
    }
  }
  let mirrored: ShapeMatch['mirrored'] | null = searchTurns
    ? null
    : { axis: 'left-right', fit: { precision: 0, recall: 0, score: 0, coverage: 0, masked: false } };
  for (const axis of searchTurns ? (['left-right', 'top-bottom'] as const) : []) {
    const back = flipped(c, axis);
    const fit = compare(back, upright.shape.cells, upright.shape.near, 1);
    if (!mirrored || fit.score > mirrored.fit.score) mirrored = { axis, fit };
  }
  return { whole, rotated, partial, turn, mirrored: mirrored! };
}

/**
 * Ink the candidate has where the upright mark has none, not even within the comparison's tolerance: something
 * drawn into the mark's box (text or a line across its inside). `share` is its part of the candidate's ink (1 minus
 * the whole fit's precision); `cells` the grid cells (GRID x GRID over the candidate's box) that hold most of it.
 */
export function strayInk(ref: ShapeReference, c: Silhouette): { share: number; cells: Rect | null } {
  const near = ref.rotations[0]!.shape.near;
  const off = (k: number) => c.cells[k]! * (1 - near[k]!);
  let stray = 0;
  for (let k = 0; k < GRID * GRID; k++) stray += off(k);
  return { share: c.sum === 0 ? 0 : stray / c.sum, cells: cellBox((k) => off(k) >= 0.25) };
}

/** The silhouette flipped about one axis (the grid is normalised to the box, so the box stays). */
function flipped(c: Silhouette, axis: Mirror): Silhouette {
  const n = GRID;
  const cells = new Float32Array(n * n);
  const near = new Float32Array(n * n);
  for (let y = 0; y < n; y++) {
    for (let x = 0; x < n; x++) {
      const from = axis === 'left-right' ? y * n + (n - 1 - x) : (n - 1 - y) * n + x;
      cells[y * n + x] = c.cells[from]!;
      near[y * n + x] = c.near[from]!;
    }
  }
  return { cells, near, sum: c.sum };
}

function offsets(span: number, step: number): number[] {
  const out: number[] = [];
  for (let o = 0; o < span - 1e-6; o += step) out.push(o);
  out.push(Math.max(0, span));
  return out;
}

type Window = { u0: number; v0: number; fx: number; fy: number };

/**
 * Crop hypotheses: the candidate's box is the window [u0, u0+fx] x [v0, v0+fy] of the mark's box, with
 * fy fixed by the candidate's proportions (a crop does not stretch). Coarse grid first, then refined.
 */
function searchWindows(ref: ShapeReference, c: Silhouette, candidateAspect: number): ShapeMatch['partial'] {
  const scratch = { cells: new Float32Array(GRID * GRID), near: new Float32Array(GRID * GRID) };
  let best: ShapeMatch['partial'] = null;
  const tryWindow = (fx: number, u0: number, v0: number | null) => {
    const fy = (fx * ref.aspect) / candidateAspect;
    if (fx < MIN_VISIBLE || fx > 1 || fy < MIN_VISIBLE || fy > 1.0001 || fx * fy > 0.985) return null;
    const h = Math.min(1, fy);
    const results: Array<{ window: Window; fit: Fit }> = [];
    for (const v of v0 === null ? offsets(1 - h, COARSE) : [v0]) {
      const u = Math.max(0, Math.min(1 - fx, u0));
      const vv = Math.max(0, Math.min(1 - h, v));
      const fit = compareWindow(ref, c, u, vv, fx, h, scratch);
      results.push({ window: { u0: u, v0: vv, fx, fy: h }, fit });
      if (best === null || fit.score > best.fit.score) best = { window: { u0: u, v0: vv, fx, fy: h }, fit };
    }
    return results;
  };
  const widths = new Set<number>([Number(Math.min(1, candidateAspect / ref.aspect).toFixed(4))]); // full height visible
  for (let fx = 1; fx >= MIN_VISIBLE; fx -= COARSE) widths.add(Number(fx.toFixed(4)));
  const coarse: Array<{ window: Window; fit: Fit }> = [];
  for (const fx of widths) {
    for (const u0 of offsets(1 - fx, COARSE)) coarse.push(...(tryWindow(fx, u0, null) ?? []));
  }
  coarse.sort((a, b) => b.fit.score - a.fit.score);
  const fine = 1 / GRID;
  for (const seed of coarse.slice(0, 4)) {
    const { fx, u0, v0 } = seed.window;
    for (const dfx of [-fine, 0, fine]) {
      for (const du of [-fine, 0, fine]) {
        for (const dv of [-fine, 0, fine]) tryWindow(fx + dfx, u0 + du, v0 + dv);
      }
    }
  }
  return best;
}

const COLUMNS = new Int32Array(GRID);
const ROWS = new Int32Array(GRID);

/**
 * `compare` of the candidate with the reference window, without laying the window out first (the search's inner
 * loop: hundreds of windows per candidate). The same sums in the same order; the rare masked-block test, which
 * needs the laid-out window, falls back to `compare` itself.
 */
function compareWindow(ref: ShapeReference, c: Silhouette, u0: number, v0: number, fx: number, fy: number, scratch: ReturnType<typeof sampleWindow>): Fit {
  const n = ref.res;
  const col = COLUMNS;
  const row = ROWS;
  for (let i = 0; i < GRID; i++) col[i] = Math.min(n - 1, Math.floor((u0 + (fx * (i + 0.5)) / GRID) * n));
  for (let j = 0; j < GRID; j++) row[j] = Math.min(n - 1, Math.floor((v0 + (fy * (j + 0.5)) / GRID) * n)) * n;
  const { cells: rc, near: rn } = ref;
  const { cells: cc, near: cn } = c;
  let fMatched = 0;
  let rSum = 0;
  let rMatched = 0;
  for (let j = 0; j < GRID; j++) {
    const r0 = row[j]!;
    const k0 = j * GRID;
    for (let i = 0; i < GRID; i++) {
      const at = r0 + col[i]!;
      const r = rc[at]!;
      fMatched += cc[k0 + i]! * rn[at]!;
      rSum += r;
      rMatched += r * cn[k0 + i]!;
    }
  }
  const visible = massIn(ref, u0, v0, fx, fy);
  const precision = c.sum === 0 ? 0 : fMatched / c.sum;
  const recall = rSum === 0 ? 0 : rMatched / rSum;
  if (precision >= 0.9 && recall < 0.95 && recall > 0.4) {
    sampleWindow(ref, u0, v0, fx, fy, scratch);
    return compare(c, scratch.cells, scratch.near, visible);
  }
  const score = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
  return { precision, recall, score, coverage: visible * recall, masked: false };
}

/** The reference window [u0, u0+fx] x [v0, v0+fy] (box-normalised) laid on the candidate grid. */
export function sampleWindow(
  ref: ShapeReference,
  u0: number,
  v0: number,
  fx: number,
  fy: number,
  into = { cells: new Float32Array(GRID * GRID), near: new Float32Array(GRID * GRID) },
) {
  const n = ref.res;
  const { cells, near } = into;
  const col = COLUMNS;
  for (let i = 0; i < GRID; i++) col[i] = Math.min(n - 1, Math.floor((u0 + (fx * (i + 0.5)) / GRID) * n));
  for (let j = 0; j < GRID; j++) {
    const row = Math.min(n - 1, Math.floor((v0 + (fy * (j + 0.5)) / GRID) * n)) * n;
    for (let i = 0; i < GRID; i++) {
      cells[j * GRID + i] = ref.cells[row + col[i]!]!;
      near[j * GRID + i] = ref.near[row + col[i]!]!;
    }
  }
  return into;
}
