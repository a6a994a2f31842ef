/** Connected parts of a foreground mask, and their grouping into candidate regions. */
import type { Rect } from './segment';

export interface Component extends Rect {
  area: number;
}

/**
 * Scratch for `components`: the runs of one call (row, first and last x, union-find parent), kept between
 * calls and grown on demand so that labelling a large mask allocates nothing but its labels.
 */
let runRow = new Int32Array(1024);
let runX0 = new Int32Array(1024);
let runX1 = new Int32Array(1024);
let runParent = new Int32Array(1024);

function growRuns(): void {
  const grow = (a: Int32Array) => {
    const b = new Int32Array(a.length * 2);
    b.set(a);
    return b;
  };
  runRow = grow(runRow);
  runX0 = grow(runX0);
  runX1 = grow(runX1);
  runParent = grow(runParent);
}

/** The root of run `i` (union-find with path halving). */
function root(i: number): number {
  const parent = runParent;
  while (parent[i] !== i) {
    const up = parent[parent[i]!]!;
    parent[i] = up;
    i = up;
  }
  return i;
}

/**
 * 8-connected components of `mask >= 0.5` (bounding boxes and areas); `label` gives each pixel's index or -1.
 * Parts are numbered in the raster order of their first pixel.
 *
 * Run-based two-pass labelling: each row's runs of ink are joined (union-find) with the runs of the row above
 * that touch them, diagonals included. A set's root is always its earliest run, i.e. the one holding the part's
 * first pixel in raster order, so numbering the roots in run order gives the parts in that order.
 */
export function components(mask: Float32Array, w: number, h: number): { parts: Component[]; label: Int32Array } {
  // pass 1: runs, joined to the overlapping or diagonally touching runs of the row above
  let runs = 0;
  let above = 0; // first run of the row above
  for (let y = 0; y < h; y++) {
    const rowStart = runs;
    let j = above;
    const row = y * w;
    let x = 0;
    while (x < w) {
      if (mask[row + x]! < 0.5) {
        x++;
        continue;
      }
      const x0 = x;
      while (x < w && mask[row + x]! >= 0.5) x++;
      const x1 = x - 1;
      if (runs === runParent.length) growRuns();
      runRow[runs] = y;
      runX0[runs] = x0;
      runX1[runs] = x1;
      runParent[runs] = runs;
      // runs above that end left of x0 - 1 touch neither this run nor any later one of this row
      while (j < rowStart && runX1[j]! < x0 - 1) j++;
      for (let k = j; k < rowStart && runX0[k]! <= x1 + 1; k++) {
        const a = root(k);
        const b = root(runs);
        // the earlier run stays the root
        if (a < b) runParent[b] = a;
        else if (b < a) runParent[a] = b;
      }
      runs++;
    }
    above = rowStart;
  }

  // pass 2: number the parts in run order, gather boxes and areas, write the labels. Parents always come
  // before their children, so visiting runs in order, a run's parent already holds its part's index: the
  // parent slot is reused for it.
  const label = new Int32Array(w * h).fill(-1);
  const found: Component[] = [];
  for (let i = 0; i < runs; i++) {
    const y = runRow[i]!;
    const x0 = runX0[i]!;
    const x1 = runX1[i]!;
    const parent = runParent[i]!;
    let id: number;
    if (parent === i) {
      id = found.length;
      found.push({ left: x0, top: y, width: x1 - x0 + 1, height: 1, area: x1 - x0 + 1 });
    } else {
      id = runParent[parent]!;
      const c = found[id]!;
      if (x0 < c.left) {
        c.width += c.left - x0;
        c.left = x0;
      }
      if (x1 >= c.left + c.width) c.width = x1 - c.left + 1;
      c.height = y - c.top + 1;
      c.area += x1 - x0 + 1;
    }
    runParent[i] = id;
    for (let k = y * w + x0, end = y * w + x1; k <= end; k++) label[k] = id;
  }
  return { parts: found, label };
}

/** Merges components whose boxes overlap once widened by a gap proportional to their size. */
export function groupComponents(parts: Component[], maxParts = 4000): Component[] {
  let groups = parts.length > maxParts ? parts.filter((c) => c.area >= 6) : [...parts];
  groups = groups.slice(0, maxParts);
  let merged = true;
  while (merged) {
    merged = false;
    const next: Component[] = [];
    for (const c of groups) {
      const cSize = Math.max(c.width, c.height);
      const cRight = c.left + c.width;
      const cBottom = c.top + c.height;
      // the gap grows with the smaller of the two sizes: with c's own size it is largest, and
      // boxes that do not meet even then are skipped without working out the exact gap
      const widest = Math.max(2, Math.round(0.04 * cSize));
      let absorbed = false;
      for (let i = 0; i < next.length; i++) {
        const g = next[i]!;
        if (c.left > g.left + g.width + widest || g.left > cRight + widest || c.top > g.top + g.height + widest || g.top > cBottom + widest) continue;
        const gap = Math.max(2, Math.round(0.04 * Math.min(Math.max(g.width, g.height), cSize)));
        if (c.left <= g.left + g.width + gap && g.left <= cRight + gap && c.top <= g.top + g.height + gap && g.top <= cBottom + gap) {
          const left = Math.min(g.left, c.left);
          const top = Math.min(g.top, c.top);
          g.width = Math.max(g.left + g.width, cRight) - left;
          g.height = Math.max(g.top + g.height, cBottom) - top;
          g.left = left;
          g.top = top;
          g.area += c.area;
          absorbed = true;
          merged = true;
          break;
        }
      }
      if (!absorbed) next.push({ ...c });
    }
    groups = next;
  }
  return groups;
}
