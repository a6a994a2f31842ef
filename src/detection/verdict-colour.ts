/**
 * The colour signature (Art. 10.5, no recolouring): the candidate's CIELAB colour at interior points of
 * each part of the mark, against both official versions. A part-by-part comparison catches a mark painted
 * in one colour; the hue distance catches hue shifts that JPEG noise does not produce.
 */
import { angleDiff, chroma, deltaE, hue, median, srgbToLab } from './colour';
import type { Candidate } from './locate';
import type { MarkReference } from './reference';
import type { Raster } from './segment';

export interface ColourMeasure {
  /** Worst part's median ΔE*ab against the colour version. */
  deltaEColour: number;
  /** Worst part's median ΔE*ab against the monochrome version. */
  deltaEMono: number;
  /** Chroma-weighted mean absolute hue difference against the colour version, degrees. */
  hueDistance: number;
  /** Chroma-weighted mean signed hue difference, degrees: a hue shift moves every part the same way. */
  hueShift: number;
  nearest: 'colour' | 'mono';
  official: boolean;
  points: number;
  /**
   * Something drawn over the mark (text, a stamp, a line, a sticker): the share of interior points whose colour
   * is far from the nearer version's, and where they lie (image pixels); null when too few points stray.
   */
  overlay: { share: number; region: { left: number; top: number; width: number; height: number } } | null;
}

/**
 * An interior point strays when its ΔE*ab from the nearer official version passes `deltaE.base + deltaE.perPixel
 * / mark size in pixels` (JPEG noise and resampling stay below it there; small lossy renderings drift further);
 * a mark is overlaid when at least `share` of its points and `points` of them stray.
 */
export const OVERLAY_THRESHOLDS = { deltaE: { base: 25, perPixel: 500 }, share: 0.02, points: 4 };

/**
 * Lossy small renderings drift further from the master colours (JPEG chroma subsampling bleeds the
 * background into 3-pixel strokes), so the ΔE allowance is `base + perPixel / mark size in pixels`:
 * about 19 at 30 px, 11 at 120 px, 9 at 250 px for the colour version (measured: 15.5, 5.3, 2.5 at most).
 */
export const COLOUR_THRESHOLDS = {
  deltaEColour: { base: 8, perPixel: 330 },
  deltaEMono: { base: 6, perPixel: 250 },
  /** mean absolute hue difference that is always accepted */
  hueDistance: 10,
  /** lossy small renderings scatter hue both ways: accept up to this scatter when the mean shift is small */
  hueScatter: 16,
  hueShift: 8,
};

export type Mapping = { kind: 'window'; window: { u0: number; v0: number; fx: number; fy: number } } | { kind: 'rotated'; rotation: number };

function bilinear(img: Raster, x: number, y: number, out: Float64Array): void {
  const fx = Math.max(0, Math.min(img.width - 1, x - 0.5));
  const fy = Math.max(0, Math.min(img.height - 1, y - 0.5));
  const x0 = Math.floor(fx);
  const y0 = Math.floor(fy);
  const x1 = Math.min(img.width - 1, x0 + 1);
  const y1 = Math.min(img.height - 1, y0 + 1);
  const ax = fx - x0;
  const ay = fy - y0;
  const { rgba, width } = img;
  const a = (y0 * width + x0) * 4;
  const b = (y0 * width + x1) * 4;
  const c = (y1 * width + x0) * 4;
  const d = (y1 * width + x1) * 4;
  for (let k = 0; k < 4; k++) {
    out[k] = (rgba[a + k]! * (1 - ax) + rgba[b + k]! * ax) * (1 - ay) + (rgba[c + k]! * (1 - ax) + rgba[d + k]! * ax) * ay;
  }
}

export function measureColours(ref: MarkReference, img: Raster, cand: Candidate, mapping: Mapping): ColourMeasure | null {
  const { box } = cand;
  const { width: bw, height: bh } = ref.shape.box;
  const longer = Math.max(bw, bh);
  let map: (u: number, v: number) => [number, number] | null;
  let scale: number; // candidate pixels per reference pixel
  if (mapping.kind === 'window') {
    const { u0, v0, fx, fy } = mapping.window;
    scale = Math.sqrt((box.width / (fx * bw)) * (box.height / (fy * bh)));
    map = (u, v) => {
      const nu = (u - u0) / fx;
      const nv = (v - v0) / fy;
      return nu < 0 || nv < 0 || nu > 1 || nv > 1 ? null : [box.left + nu * box.width, box.top + nv * box.height];
    };
  } else {
    const rot = ref.shape.rotations.find((r) => r.degrees === mapping.rotation);
    if (rot === undefined) return null;
    const t = (mapping.rotation * Math.PI) / 180;
    const cos = Math.cos(t);
    const sin = Math.sin(t);
    scale = Math.sqrt((box.width / rot.size[0]) * (box.height / rot.size[1]));
    map = (u, v) => {
      const dx = (u - 0.5) * bw;
      const dy = (v - 0.5) * bh;
      const nu = (dx * cos - dy * sin - rot.origin[0]) / rot.size[0];
      const nv = (dx * sin + dy * cos - rot.origin[1]) / rot.size[1];
      return [box.left + nu * box.width, box.top + nv * box.height];
    };
  }

  const px = new Float64Array(4);
  for (const minDepth of [1.25, 0.75, 0]) {
    const seen: { x: number; y: number; colour: number; mono: number }[] = [];
    const perPart = Array.from({ length: ref.parts }, () => ({ colour: [] as number[], mono: [] as number[] }));
    let hueSum = 0;
    let hueSigned = 0;
    let hueWeight = 0;
    let points = 0;
    for (const s of ref.samples) {
      if (s.depth * longer * scale < minDepth) continue;
      const at = map(s.u, s.v);
      if (at === null) continue;
      const mx = Math.floor(at[0]) - cand.outer.left;
      const my = Math.floor(at[1]) - cand.outer.top;
      if (mx < 0 || my < 0 || mx >= cand.outer.width || my >= cand.outer.height) continue;
      bilinear(img, at[0], at[1], px);
      if (px[3]! < 200) continue;
      const lab = srgbToLab(px[0]!, px[1]!, px[2]!);
      const dColour = deltaE(lab, s.colour);
      const dMono = deltaE(lab, s.mono);
      seen.push({ x: at[0], y: at[1], colour: dColour, mono: dMono });
      // a point the segmentation left out (something else drawn there, or cut away) counts for an overlay only
      if (cand.mask[my * cand.maskWidth + mx]! < 0.5) continue;
      const part = perPart[s.part]!;
      part.colour.push(dColour);
      part.mono.push(dMono);
      const refChroma = chroma(s.colour);
      if (refChroma >= 15) {
        const signed = chroma(lab) < 6 ? 0 : angleDiff(hue(s.colour), hue(lab));
        const diff = chroma(lab) < 6 ? 90 : Math.abs(signed);
        hueSum += refChroma * diff;
        hueSigned += refChroma * signed;
        hueWeight += refChroma;
      }
      points++;
    }
    const measured = perPart.filter((p) => p.colour.length >= 4);
    if (measured.length === 0 || points < 12) continue;
    const deltaEColour = Math.max(...measured.map((p) => median(p.colour)));
    const deltaEMono = Math.max(...measured.map((p) => median(p.mono)));
    const hueDistance = hueWeight === 0 ? 0 : hueSum / hueWeight;
    const hueShift = hueWeight === 0 ? 0 : hueSigned / hueWeight;
    const t = COLOUR_THRESHOLDS;
    const hueOk = hueDistance <= t.hueDistance || (hueDistance <= t.hueScatter && Math.abs(hueShift) <= t.hueShift);
    const size = scale * Math.sqrt(bw * bh);
    const colourOk = deltaEColour <= t.deltaEColour.base + t.deltaEColour.perPixel / size && hueOk;
    const monoOk = deltaEMono <= t.deltaEMono.base + t.deltaEMono.perPixel / size;
    const nearest = deltaEColour <= deltaEMono ? 'colour' : 'mono';
    return { deltaEColour, deltaEMono, hueDistance, hueShift, nearest, official: colourOk || monoOk, points, overlay: overlayOf(seen, nearest, size) };
  }
  return null;
}

/** The points far from the nearer version, if enough of them stray to say something is drawn over the mark. */
function overlayOf(
  seen: readonly { x: number; y: number; colour: number; mono: number }[],
  nearest: 'colour' | 'mono',
  size: number,
): ColourMeasure['overlay'] {
  const far = OVERLAY_THRESHOLDS.deltaE.base + OVERLAY_THRESHOLDS.deltaE.perPixel / size;
  const stray = seen.filter((p) => p[nearest] > far);
  const share = seen.length === 0 ? 0 : stray.length / seen.length;
  if (stray.length < OVERLAY_THRESHOLDS.points || share < OVERLAY_THRESHOLDS.share) return null;
  const xs = stray.map((p) => p.x);
  const ys = stray.map((p) => p.y);
  const left = Math.floor(Math.min(...xs));
  const top = Math.floor(Math.min(...ys));
  return { share, region: { left, top, width: Math.ceil(Math.max(...xs)) - left + 1, height: Math.ceil(Math.max(...ys)) - top + 1 } };
}
