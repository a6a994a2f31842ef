/**
 * Locating what may be the mark inside an image (a badge crop or a whole screenshot): foreground against
 * the image's background, grouped into candidate regions, each re-segmented against its own surroundings.
 * Solid panels (a coloured header, a card) are searched inside once, against the panel's colour.
 */
import { components, groupComponents, type Component } from './components';
import { estimateBackground, foreground, type Background, type Raster, type Rect } from './segment';

export interface Candidate {
  /** The candidate's bounding box in image coordinates. */
  box: Rect;
  /** Foreground coverage over `outer` (only the candidate's own parts). */
  mask: Float32Array;
  maskWidth: number;
  outer: Rect;
  /** `box` in mask coordinates. */
  boxInMask: Rect;
}

const MAX_CANDIDATES = 16;
const MIN_SIDE = 8;
const MAX_ELONGATION = 4;

const plausible = (c: Rect) => Math.min(c.width, c.height) >= MIN_SIDE && Math.max(c.width, c.height) / Math.min(c.width, c.height) <= MAX_ELONGATION;

const same = (a: Rect, b: Rect) => a.left === b.left && a.top === b.top && a.width === b.width && a.height === b.height;

function expand(r: Rect, margin: number, bounds: Rect): Rect {
  const left = Math.max(bounds.left, r.left - margin);
  const top = Math.max(bounds.top, r.top - margin);
  const right = Math.min(bounds.left + bounds.width, r.left + r.width + margin);
  const bottom = Math.min(bounds.top + bounds.height, r.top + r.height + margin);
  return { left, top, width: right - left, height: bottom - top };
}

function sameBackground(a: Background, b: Background): boolean {
  if (a.palette.length !== b.palette.length || Math.abs(a.threshold - b.threshold) > 8) return false;
  return a.palette.every((p, i) => {
    const q = b.palette[i]!;
    return Math.abs(p[0] - q[0]) + Math.abs(p[1] - q[1]) + Math.abs(p[2] - q[2]) <= 12;
  });
}

/** Foreground, its components and their labels over `rect`. */
interface Segmentation {
  rect: Rect;
  bg: Background;
  mask: Float32Array;
  parts: Component[];
  label: Int32Array;
}

function segment(img: Raster, rect: Rect, bg = estimateBackground(img, rect)): Segmentation {
  const mask = foreground(img, rect, bg);
  const { parts, label } = components(mask, rect.width, rect.height);
  return { rect, bg, mask, parts, label };
}

/**
 * Keeps only `group`'s own parts (image coordinates), re-segmenting against its own surroundings when they
 * differ from the image's background (a mark on a panel).
 */
function refine(img: Raster, group: Rect, within: Rect, global: Segmentation): Candidate | null {
  const margin = Math.max(3, Math.round(0.08 * Math.max(group.width, group.height)));
  const outer = expand(group, margin, within);
  const localBg = same(outer, global.rect) ? global.bg : estimateBackground(img, outer);
  return ownParts(group, sameBackground(localBg, global.bg) ? global : segment(img, outer, localBg));
}

/** The candidate made of `seg`'s parts that touch `group` (specks left out), with its own mask. */
function ownParts(group: Rect, seg: Segmentation): Candidate | null {
  const { parts, rect } = seg;
  const gx0 = group.left - rect.left;
  const gy0 = group.top - rect.top;
  const gx1 = gx0 + group.width;
  const gy1 = gy0 + group.height;
  const hits: number[] = [];
  let largest = 0;
  for (let i = 0; i < parts.length; i++) {
    const p = parts[i]!;
    if (p.left < gx1 && gx0 < p.left + p.width && p.top < gy1 && gy0 < p.top + p.height) {
      hits.push(i);
      if (p.area > largest) largest = p.area;
    }
  }
  // specks (a dotted background, JPEG debris) are not parts of the drawing
  const minArea = Math.max(2, 0.01 * largest);
  return candidateOf(
    seg,
    hits.filter((i) => parts[i]!.area >= minArea),
  );
}

/** The candidate made of the parts `kept` (indices into seg.parts), with its own mask; null when none. */
function candidateOf(seg: Segmentation, kept: readonly number[]): Candidate | null {
  const { parts, label, mask, rect } = seg;
  const keep = new Uint8Array(parts.length);
  let x0 = Infinity;
  let y0 = Infinity;
  let x1 = -Infinity;
  let y1 = -Infinity;
  for (const i of kept) {
    const p = parts[i]!;
    keep[i] = 1;
    if (p.left < x0) x0 = p.left;
    if (p.top < y0) y0 = p.top;
    if (p.left + p.width > x1) x1 = p.left + p.width;
    if (p.top + p.height > y1) y1 = p.top + p.height;
  }
  if (x0 === Infinity) return null;
  const box = { left: rect.left + x0, top: rect.top + y0, width: x1 - x0, height: y1 - y0 };
  const around = expand(box, 2, rect);
  const own = new Float32Array(around.width * around.height);
  for (let y = 0, k = 0; y < around.height; y++) {
    const src = (around.top - rect.top + y) * rect.width + (around.left - rect.left);
    for (let i = src, end = src + around.width; i < end; i++, k++) {
      const l = label[i]!;
      // soft edge pixels below 0.5 have no label: keep them, they are at most half ink
      if (l >= 0 ? keep[l] === 1 : mask[i]! > 0) own[k] = mask[i]!;
    }
  }
  return {
    box,
    mask: own,
    maskWidth: around.width,
    outer: around,
    boxInMask: { left: box.left - around.left, top: box.top - around.top, width: box.width, height: box.height },
  };
}

/** Share of rect `a` inside rect `b`. */
function shareInside(a: Rect, b: Rect): number {
  const w = Math.min(a.left + a.width, b.left + b.width) - Math.max(a.left, b.left);
  const h = Math.min(a.top + a.height, b.top + b.height) - Math.max(a.top, b.top);
  return w <= 0 || h <= 0 ? 0 : (w * h) / (a.width * a.height);
}

/**
 * How far around a core part its companions may reach, as a share of its size (the mark's check rises 4 % of the
 * mark above its ring), and how much of a companion's box must lie within that reach.
 */
const CORE_REACH = 0.06;
const COMPANION_INSIDE = 0.9;
/** At most this many cores, each at least this share of the largest part's area. */
const MAX_CORES = 4;
const CORE_MIN_SHARE = 0.25;

/**
 * Candidates cut out of what page content joined to the mark (a rule or a line of text up to its edge, grouped with
 * it by proximity): each large part with the parts that lie inside its box widened by CORE_REACH. The mark's
 * ring holds its cross, its check and its bar that way; a rule or text beside it lies outside.
 */
export function locateCores(img: Raster): Candidate[] {
  const seg = segment(img, { left: 0, top: 0, width: img.width, height: img.height });
  const { parts } = seg;
  // the mark's ring is its largest part: a letter or a dot of the page is far smaller than the largest part there
  const cores = parts.filter(plausible).sort((a, b) => b.area - a.area);
  const largest = cores[0]?.area ?? 0;
  const out: Candidate[] = [];
  for (const core of cores.slice(0, MAX_CORES)) {
    if (core.area < CORE_MIN_SHARE * largest) break;
    const reach = Math.round(CORE_REACH * Math.max(core.width, core.height));
    const zone = { left: core.left - reach, top: core.top - reach, width: core.width + 2 * reach, height: core.height + 2 * reach };
    const minArea = Math.max(2, 0.01 * core.area);
    const kept: number[] = [];
    for (let i = 0; i < parts.length; i++) if (parts[i]!.area >= minArea && shareInside(parts[i]!, zone) >= COMPANION_INSIDE) kept.push(i);
    const c = candidateOf(seg, kept);
    if (c !== null && plausible(c.box) && !out.some((o) => same(o.box, c.box))) out.push(c);
  }
  return out;
}

function groupsIn(img: Raster, rect: Rect): { groups: Component[]; seg: Segmentation } {
  const seg = segment(img, rect);
  const groups = groupComponents(seg.parts).map((g) => ({ ...g, left: g.left + rect.left, top: g.top + rect.top }));
  return { groups, seg };
}

/** Scratch for `locateByInk`: the ink plane (one byte a pixel) and its rows' counts, kept between calls and grown on demand. */
let inkPlane = new Uint8Array(0);
let inkRows = new Int32Array(0);

/**
 * 3 x 3 opening (erosion, the border counting as empty, then dilation) of the 0/1 mask `m`, as coverage (0 or 1);
 * `rowCount` holds the number of set pixels of each row.
 *
 * Both steps are separable (columns, then rows). Eroding the columns keeps a row's pixels that are also set in the
 * rows above and below; eroding the rows then shrinks each run of those by one pixel at both ends (runs under 3
 * pixels vanish), and dilating the rows grows the survivors back whole. Dilating the columns then covers the rows
 * above and below too. So the opening is: for each run of 3+ pixels set in three consecutive rows, those three rows
 * over the run. Rows next to an inkless row have nothing to erode and are skipped.
 */
function opening(m: Uint8Array, rowCount: Int32Array, w: number, h: number): Float32Array {
  const out = new Float32Array(w * h);
  for (let y = 1; y < h - 1; y++) {
    if (rowCount[y - 1] === 0 || rowCount[y] === 0 || rowCount[y + 1] === 0) continue;
    const up = (y - 1) * w;
    const row = y * w;
    const down = (y + 1) * w;
    let x = 0;
    while (x < w) {
      if ((m[up + x]! & m[row + x]! & m[down + x]!) === 0) {
        x++;
        continue;
      }
      const x0 = x;
      while (x < w && (m[up + x]! & m[row + x]! & m[down + x]!) === 1) x++;
      if (x - x0 < 3) continue;
      for (let k = x0; k < x; k++) {
        out[up + k] = 1;
        out[row + k] = 1;
        out[down + k] = 1;
      }
    }
  }
  return out;
}

/**
 * Candidates found by the official inks rather than against the background: a mark on a busy background (a photo,
 * bands of colour) does not stand apart from it, but its own colours do. `inks` is MarkReference.inks.
 */
export function locateByInk(img: Raster, inks: Uint8Array): Candidate[] {
  const { rgba, width, height } = img;
  const rect: Rect = { left: 0, top: 0, width, height };
  if (inkPlane.length < width * height) inkPlane = new Uint8Array(width * height);
  if (inkRows.length < height) inkRows = new Int32Array(height);
  const ink = inkPlane;
  let inked = 0;
  for (let y = 0, k = 0, o = 0; y < height; y++) {
    let count = 0;
    for (let x = 0; x < width; x++, k++, o += 4) {
      const v = rgba[o + 3]! >= 128 && inks[((rgba[o]! >> 3) << 10) | ((rgba[o + 1]! >> 3) << 5) | (rgba[o + 2]! >> 3)] === 1 ? 1 : 0;
      ink[k] = v;
      count += v;
    }
    inkRows[y] = count;
    inked += count;
  }
  // no ink at all: no candidates (the opening and its components would be empty)
  if (inked === 0) return [];
  // an opening (3 x 3) drops the thin lines where two background colours blend into an ink's colour
  const mask = opening(ink, inkRows, width, height);
  const { parts, label } = components(mask, width, height);
  const seg: Segmentation = { rect, bg: { palette: [], threshold: 0 }, mask, parts, label };
  const byArea = (a: Rect, b: Rect) => b.width * b.height - a.width * a.height;
  const out: Candidate[] = [];
  for (const g of groupComponents(parts).filter(plausible).sort(byArea).slice(0, MAX_CANDIDATES)) {
    const c = ownParts(g, seg);
    if (c !== null && plausible(c.box) && !out.some((o) => same(o.box, c.box))) out.push(c);
  }
  return out;
}

/** Candidate regions, largest first. */
export function locateCandidates(img: Raster): Candidate[] {
  const full: Rect = { left: 0, top: 0, width: img.width, height: img.height };
  const { groups, seg } = groupsIn(img, full);
  const byArea = (a: Rect, b: Rect) => b.width * b.height - a.width * a.height;
  const top = groups.filter(plausible).sort(byArea).slice(0, MAX_CANDIDATES);
  const regions: Rect[] = [];
  for (const g of top) {
    regions.push(g);
    // satellites: small separate parts of the same drawing a little further out (a turned tab, a dot)
    const size = Math.max(g.width, g.height);
    const reach = Math.round(0.15 * size);
    let ext: Rect = g;
    for (const h of groups) {
      if (h === g || Math.max(h.width, h.height) > 0.5 * size) continue;
      const dx = Math.max(0, g.left - (h.left + h.width), h.left - (g.left + g.width));
      const dy = Math.max(0, g.top - (h.top + h.height), h.top - (g.top + g.height));
      if (dx > reach || dy > reach) continue;
      const left = Math.min(ext.left, h.left);
      const topY = Math.min(ext.top, h.top);
      ext = {
        left,
        top: topY,
        width: Math.max(ext.left + ext.width, h.left + h.width) - left,
        height: Math.max(ext.top + ext.height, h.top + h.height) - topY,
      };
    }
    if (!same(ext, g)) regions.push(ext);
  }
  // panels: large, mostly solid groups; search inside them against their own colour
  for (const g of groups.sort(byArea).slice(0, 4)) {
    const fill = g.area / (g.width * g.height);
    if (Math.min(g.width, g.height) < 48 || fill < 0.6) continue;
    const inside = groupsIn(img, { left: g.left + 2, top: g.top + 2, width: g.width - 4, height: g.height - 4 });
    regions.push(...inside.groups.filter(plausible).sort(byArea).slice(0, 8));
  }
  const out: Candidate[] = [];
  for (const r of regions.slice(0, MAX_CANDIDATES + 8)) {
    const c = refine(img, r, full, seg);
    if (c !== null && plausible(c.box) && !out.some((o) => same(o.box, c.box))) out.push(c);
  }
  return out;
}
