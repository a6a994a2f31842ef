/**
 * Drawn edges: straight lines one or two pixels wide in a candidate's ink, such as the border of a sticker stuck over
 * the mark. The official mark has none (its thinnest stroke is several pixels wide at any size it is judged at),
 * so a block of the mark that is hidden behind such a border is covered, not cut away (Art. 10.5).
 */
import type { Candidate } from './locate';
import type { Rect } from './segment';

/** A run of thin ink at least this share of the candidate's shorter side counts as an edge. */
const MIN_RUN_SHARE = 0.12;
/** ...and at least this many pixels. */
const MIN_RUN = 8;
/** Ink at most this many pixels thick across the run is thin. */
const MAX_THICKNESS = 2;

export interface DrawnEdges {
  /** Total length, in pixels, of the thin straight runs found. */
  length: number;
  /** Their bounding box, in image pixels; null when none. */
  region: Rect | null;
}

/** Thin horizontal and vertical runs of ink in the candidate's box. */
export function drawnEdges(cand: Candidate): DrawnEdges {
  const { mask, maskWidth: w, boxInMask: b } = cand;
  const h = mask.length / w;
  const ink = (x: number, y: number) => x >= 0 && y >= 0 && x < w && y < h && mask[y * w + x]! >= 0.5;
  const minRun = Math.max(MIN_RUN, Math.round(MIN_RUN_SHARE * Math.min(b.width, b.height)));
  // thickness of the ink through (x, y) along one axis, capped just above thin
  const thin = (x: number, y: number, dx: number, dy: number) => {
    let n = 1;
    for (let k = 1; k <= MAX_THICKNESS && ink(x - k * dx, y - k * dy); k++) n++;
    for (let k = 1; k <= MAX_THICKNESS && ink(x + k * dx, y + k * dy); k++) n++;
    return n <= MAX_THICKNESS;
  };
  let length = 0;
  let x0 = Number.POSITIVE_INFINITY;
  let y0 = Number.POSITIVE_INFINITY;
  let x1 = -1;
  let y1 = -1;
  const found = (ax: number, ay: number, bx: number, by: number) => {
    length += Math.max(bx - ax, by - ay) + 1;
    x0 = Math.min(x0, ax);
    y0 = Math.min(y0, ay);
    x1 = Math.max(x1, bx);
    y1 = Math.max(y1, by);
  };
  // a horizontal edge: ink thin across (vertically) over a long horizontal run; then the vertical edges likewise
  for (const horizontal of [true, false]) {
    const lines = horizontal ? b.height : b.width;
    const along = horizontal ? b.width : b.height;
    for (let i = 0; i < lines; i++) {
      let start = -1;
      for (let j = 0; j <= along; j++) {
        const x = b.left + (horizontal ? j : i);
        const y = b.top + (horizontal ? i : j);
        const on = j < along && ink(x, y) && (horizontal ? thin(x, y, 0, 1) : thin(x, y, 1, 0));
        if (on && start < 0) start = j;
        if (!on && start >= 0) {
          if (j - start >= minRun) {
            if (horizontal) found(b.left + start, y, b.left + j - 1, y);
            else found(x, b.top + start, x, b.top + j - 1);
          }
          start = -1;
        }
      }
    }
  }
  if (x1 < 0) return { length: 0, region: null };
  const { left, top } = cand.outer;
  return { length, region: { left: left + x0, top: top + y0, width: x1 - x0 + 1, height: y1 - y0 + 1 } };
}
