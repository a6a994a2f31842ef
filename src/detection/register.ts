/**
 * Registration of the official mark on a candidate, for the colour signature. The candidate's box is the box of
 * its segmented ink, and ink that is not the mark's (a background dot touching it, a fringe of JPEG noise) widens
 * it by a pixel or a few: the colour mapping, stretched to that box, then samples beside the strokes near that side
 * and reads the background as stray colour. A mark is flagged only by colours at its interior points, so a flag
 * is re-measured on the registered box: the box inside the segmented one, each side moved in by at most a few
 * pixels, on which the most of the mark's interior points land on the candidate's ink. Never outward: a mark whose
 * ink stops short of where it should reach is cut or covered, and that must not be explained away.
 */
import type { Candidate } from './locate';
import type { MarkReference } from './reference';
import type { Rect } from './segment';

/** How far each side may move: this share of the box's shorter side, at least MIN_SHIFT px. */
const SHIFT_SHARE = 0.05;
const MIN_SHIFT = 2;
/** Points nearer than this (px, at the candidate's scale) to a stroke's edge tell little about alignment. */
const MIN_DEPTH = 1;

/** Share of the mark's interior points that land on the candidate's ink when the mark fills `box`. */
function landing(ref: MarkReference, cand: Candidate, box: Rect): number {
  const { width: bw, height: bh } = ref.shape.box;
  const depthScale = Math.max(bw, bh) * Math.sqrt((box.width / bw) * (box.height / bh));
  const { outer, mask, maskWidth } = cand;
  let points = 0;
  let onInk = 0;
  for (const s of ref.samples) {
    if (s.depth * depthScale < MIN_DEPTH) continue;
    points++;
    const mx = Math.floor(box.left + s.u * box.width) - outer.left;
    const my = Math.floor(box.top + s.v * box.height) - outer.top;
    if (mx >= 0 && my >= 0 && mx < outer.width && my < outer.height && mask[my * maskWidth + mx]! >= 0.5) onInk++;
  }
  return points === 0 ? 0 : onInk / points;
}

/**
 * The registered box: each side moved in turn (twice round) to where the most interior points land on ink; a side
 * moves only for a strictly better landing. Null when the segmented box is already the best.
 */
export function registeredBox(ref: MarkReference, cand: Candidate): Rect | null {
  const start = cand.box;
  const reach = Math.max(MIN_SHIFT, Math.round(SHIFT_SHARE * Math.min(start.width, start.height)));
  const segmented = [start.left, start.top, start.left + start.width, start.top + start.height];
  let sides = segmented;
  const boxOf = ([l, t, r, b]: number[]): Rect => ({ left: l!, top: t!, width: r! - l!, height: b! - t! });
  let best = landing(ref, cand, start);
  const first = best;
  for (let round = 0; round < 2; round++) {
    for (let side = 0; side < 4; side++) {
      const from = sides[side]!;
      const origin = segmented[side]!;
      // inward only: ink that is not the mark's widens the box; a box the mark would overrun is a mark cut short
      const [lo, hi] = side < 2 ? [origin, origin + reach] : [origin - reach, origin];
      for (let at = lo; at <= hi; at++) {
        if (at === from) continue;
        const tried = sides.slice();
        tried[side] = at;
        const box = boxOf(tried);
        if (box.width < 1 || box.height < 1) continue;
        const score = landing(ref, cand, box);
        if (score > best) {
          best = score;
          sides = tried;
        }
      }
    }
  }
  return best > first ? boxOf(sides) : null;
}
