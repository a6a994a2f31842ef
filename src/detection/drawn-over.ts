/**
 * Overlays told by the candidate's shape rather than its colours (Art. 10.5 "otherwise altered"): ink off the mark's
 * silhouette inside its box, and a border drawn around a block of the mark that is hidden.
 */
import { drawnEdges } from './edges';
import type { Candidate } from './locate';
import type { MarkReference } from './reference';
import type { Rect } from './segment';
import { GRID, strayInk, type Fit, type Silhouette } from './shape';

export interface ShapeOverlay {
  share: number;
  /** In the analysed image's pixels. */
  region: Rect;
}

/**
 * Ink inside the candidate's box where the upright mark has none, as an overlay (share of the candidate's ink and
 * where), when there is at least `strayInk` of it on a mark of at least `strayInkMinSide` px.
 */
export function strayOverlay(ref: MarkReference, sil: Silhouette, box: Rect, t: { strayInk: number; strayInkMinSide: number }): ShapeOverlay | null {
  if (Math.min(box.width, box.height) < t.strayInkMinSide) return null;
  const { share, cells } = strayInk(ref.shape, sil);
  if (share < t.strayInk || cells === null) return null;
  const region = {
    left: box.left + Math.floor((cells.left * box.width) / GRID),
    top: box.top + Math.floor((cells.top * box.height) / GRID),
    width: Math.ceil((cells.width * box.width) / GRID),
    height: Math.ceil((cells.height * box.height) / GRID),
  };
  return { share, region };
}

/**
 * A block of the mark hidden behind something with a drawn border (a sticker), not cut away: thin straight edges
 * in the candidate's ink of at least `coveredEdge` of its shorter side. The overlay is the border's box; its share
 * the part of the mark hidden.
 */
export function coveredBlock(cand: Candidate, whole: Fit, t: { coveredEdge: number }): ShapeOverlay | null {
  const edges = drawnEdges(cand);
  if (edges.region === null || edges.length < t.coveredEdge * Math.min(cand.box.width, cand.box.height)) return null;
  return { share: 1 - whole.coverage, region: edges.region };
}
