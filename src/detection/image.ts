/**
 * Image checks of a sighting against the official mark (Art. 10.5: no recolouring, no partial mark, no
 * distortion). A shape measure (silhouettes, shape.ts) says whether and how the mark is there; a colour
 * signature (CIELAB ΔE per part, hue distance; verdict-colour.ts) says whether its colours are one of the
 * two official versions. The mark is located inside larger images (screenshots) first (locate.ts).
 */
import { buildMarkReference, type MarkReference } from './reference';
import { matchShape, candidateSilhouette, type Fit, type Mirror } from './shape';
import { COLOUR_THRESHOLDS, measureColours, OVERLAY_THRESHOLDS, type ColourMeasure, type ColourThresholds } from './verdict-colour';
import { coveredBlock, strayOverlay } from './drawn-over';
import { registeredBox } from './register';
import { locateByInk, locateCandidates, locateCores, type Candidate } from './locate';
import { downscale, type Raster, type Rect } from './segment';

export type ImageFinding = 'ok' | 'recoloured' | 'partial' | 'distorted' | 'unrelated';

export interface ImageEvidence {
  /** 1 - the best shape fit (0 = the silhouette matches exactly). */
  shapeDistance: number;
  /** Median CIELAB ΔE*ab (CIE76) against the nearer official version, worst part; -1 when not measured. */
  colourDeltaE: number;
  /** Mean absolute hue difference against the colour version, degrees (chroma-weighted); -1 when not measured. */
  hueDistance: number;
  /** Share of the whole mark that is visible. */
  coverage: number;
  /** Chroma-weighted mean signed hue difference against the colour version, degrees. */
  hueShift: number;
  /** The candidate's width/height against the mark's (1 = same proportions). */
  aspectRatio: number;
  /** Clockwise turn of a distorted copy, degrees. */
  rotationDegrees?: number;
  /** A mirrored copy: flipped left to right, or upside down. */
  mirrored?: Mirror;
  /** Something drawn over the mark: the share of its interior that differs from the official, and where (image pixels). */
  overlay?: { share: number; region: Rect };
  /** Where the candidate was found, in the image's pixels. */
  region: Rect | null;
  precision: number;
  recall: number;
  deltaEColourVersion: number;
  deltaEMonoVersion: number;
  candidates: number;
  /** Scores of the competing explanations (1 = perfect) and the small-turn estimate (strict overlap). */
  fits: {
    whole: number;
    rotated: number;
    rotatedDegrees: number;
    partial: number;
    turnDegrees: number;
    turnOverlap: number;
    uprightOverlap: number;
  };
}

export interface ImageVerdict {
  finding: ImageFinding;
  variant: 'colour' | 'mono' | null;
  /** An official rendering reproduced (near) losslessly. */
  exact: boolean;
  evidence: ImageEvidence;
}

export interface MarkMatcher {
  analyse(raster: Raster): Promise<ImageVerdict>;
}

/**
 * Thresholds, measured on the corpus (test/corpus). Fit (issue 17, scripts/fit-thresholds.ts, FIT_SEED 1701,
 * FIT_RANGES, 320 samples): fit 0.9, partialFit 0.93, margin 0.02, turnGain 0.08, aspect 0.06, missing 0.05 chosen,
 * the current values (the sweep is flat around them on the fit set, or worse away from them).
 */
export const THRESHOLDS = {
  /** minimum shape fit for "this is the mark, in some form" */
  fit: 0.9,
  /** a crop or masked part must fit more tightly (small windows of the mark resemble many things) */
  partialFit: 0.93,
  /** and be at least this big (pixels, shorter side) */
  partialMinSide: 20,
  /** a rival explanation must beat the upright whole mark by this much */
  margin: 0.02,
  /** rotations under this are rendering noise */
  minRotation: 4,
  /** gain in strict overlap a small turn must bring over upright (official renderings: under 0.04) */
  turnGain: 0.08,
  /** aspect ratio tolerance (relative), widened for small images */
  aspect: 0.06,
  /** at least this share of the mark missing to call it partial */
  missing: 0.05,
  /** below this much of the mark visible there is too little to tell */
  minCoverage: 0.35,
  /**
   * ink off the mark inside its box, as a share of the candidate's ink, that makes an overlay; measured on marks at
   * least strayInkMinSide px (smaller ones have fringes of a grid cell). Fit (FIT_SEED 1701, FIT_RANGES, 16 per kind):
   * official renderings of 60 px and more have at most 0.0015, the overlays that passed the colour check 0.006–0.038.
   */
  strayInk: 0.01,
  strayInkMinSide: 60,
  /**
   * a hidden block is covered (a sticker), not cut away, when thin straight edges (edges.ts) in the mark's ink add up
   * to this share of its shorter side. Fit (FIT_SEED 1701, FIT_RANGES, 16 per kind): masked partials have at most
   * 0.15 (a sliver of a stroke left along the cut); held out, white stickers with a border 0.32–0.87.
   */
  coveredEdge: 0.25,
};

/**
 * Every tunable threshold of the matcher. createMarkMatcher takes them as an option (scripts/fit-thresholds.ts sweeps
 * them); the defaults are the constants THRESHOLDS, COLOUR_THRESHOLDS and OVERLAY_THRESHOLDS.
 */
export interface MatcherThresholds extends ColourThresholds {
  shape: typeof THRESHOLDS;
}

/** Largest raster analysed at full resolution; bigger ones are box-downscaled first. */
const MAX_ANALYSED_PIXELS = 1_400_000;

const NOTHING_FOUND: ImageEvidence = {
  shapeDistance: 1,
  colourDeltaE: -1,
  hueDistance: -1,
  hueShift: 0,
  coverage: 0,
  aspectRatio: 0,
  region: null,
  precision: 0,
  recall: 0,
  deltaEColourVersion: -1,
  deltaEMonoVersion: -1,
  candidates: 0,
  fits: { whole: 0, rotated: 0, rotatedDegrees: 0, partial: 0, turnDegrees: 0, turnOverlap: 0, uprightOverlap: 0 },
};

interface RegionResult {
  verdict: ImageVerdict;
  rank: number;
}

function judge(ref: MarkReference, img: Raster, cand: Candidate, searched: number, T: MatcherThresholds): RegionResult {
  const { box } = cand;
  const sil = candidateSilhouette(cand.mask, cand.maskWidth, cand.boxInMask);
  const aspect = box.width / box.height;
  const match = matchShape(ref.shape, sil, aspect, 1 - T.shape.margin);
  const { whole, rotated, partial } = match;
  const aspectRatio = aspect / ref.shape.aspect;
  const base = {
    aspectRatio,
    region: box,
    candidates: searched,
    fits: {
      whole: whole.score,
      rotated: rotated.fit.score,
      rotatedDegrees: rotated.degrees,
      partial: partial?.fit.score ?? 0,
      turnDegrees: match.turn.degrees,
      turnOverlap: match.turn.overlap,
      uprightOverlap: match.turn.uprightOverlap,
    },
  };
  const fitEvidence = (fit: Fit) => ({
    shapeDistance: 1 - fit.score,
    coverage: fit.coverage,
    precision: fit.precision,
    recall: fit.recall,
  });
  const noColour = { colourDeltaE: -1, hueDistance: -1, hueShift: 0, deltaEColourVersion: -1, deltaEMonoVersion: -1 };
  const colourEvidence = (m: ColourMeasure | null) =>
    m === null
      ? noColour
      : {
          colourDeltaE: Math.min(m.deltaEColour, m.deltaEMono),
          hueDistance: m.hueDistance,
          hueShift: m.hueShift,
          deltaEColourVersion: m.deltaEColour,
          deltaEMonoVersion: m.deltaEMono,
        };
  const verdict = (finding: ImageFinding, fit: Fit, extra: Partial<ImageEvidence>, m: ColourMeasure | null) => ({
    verdict: {
      finding,
      variant: finding === 'unrelated' ? null : (m?.nearest ?? null),
      exact: finding === 'ok' && m !== null && Math.min(m.deltaEColour, m.deltaEMono) <= 3 && fit.score >= 0.97,
      evidence: { ...fitEvidence(fit), ...colourEvidence(m), ...base, ...extra },
    },
    rank: (finding === 'unrelated' ? 0 : 1) + fit.score,
  });

  const { mirrored } = match;
  const best = Math.max(whole.score, rotated.fit.score, partial?.fit.score ?? 0, mirrored.fit.score);
  if (best < T.shape.fit) return verdict('unrelated', bestFit(match), {}, null);

  // Art. 10.5: a mirrored mark is an altered mark (its colours are not measured: the parts are not where the official's are)
  if (
    mirrored.fit.score >= T.shape.fit &&
    mirrored.fit.score > Math.max(whole.score, rotated.fit.score) + T.shape.margin &&
    mirrored.fit.score >= (partial?.fit.score ?? 0)
  ) {
    return verdict('distorted', mirrored.fit, { mirrored: mirrored.axis }, null);
  }

  // Art. 10.5: a turned mark is a distorted mark
  if (Math.abs(rotated.degrees) >= T.shape.minRotation && rotated.fit.score > whole.score + T.shape.margin && rotated.fit.score >= (partial?.fit.score ?? 0)) {
    const m = measureColours(ref, img, cand, { kind: 'rotated', rotation: rotated.degrees }, T);
    return verdict('distorted', rotated.fit, { rotationDegrees: rotated.degrees }, m);
  }
  // Art. 10.5: a slightly turned mark (the strict overlap tells small angles apart)
  const { turn } = match;
  if (
    Math.abs(turn.degrees) >= T.shape.minRotation &&
    turn.overlap - turn.uprightOverlap >= T.shape.turnGain &&
    Math.max(whole.score, rotated.fit.score) >= T.shape.fit &&
    (partial === null || partial.fit.score <= rotated.fit.score + T.shape.margin)
  ) {
    const m = measureColours(ref, img, cand, { kind: 'rotated', rotation: turn.degrees }, T);
    return verdict('distorted', rotated.fit, { rotationDegrees: turn.degrees }, m);
  }
  // Art. 10.5: only part of the mark (cropped, or a block of it masked)
  const partialPlausible = (fit: Fit) =>
    fit.score >= T.shape.partialFit && fit.coverage >= T.shape.minCoverage && Math.min(box.width, box.height) >= T.shape.partialMinSide;
  // in small images one pixel of segmentation is several per cent of the mark: ask for a clearer lead
  const partialMargin = T.shape.margin + 1.5 / Math.min(box.width, box.height);
  if (partial !== null && partial.fit.score > whole.score + partialMargin && 1 - partial.fit.coverage >= T.shape.missing) {
    if (!partialPlausible(partial.fit)) return verdict('unrelated', partial.fit, {}, null);
    const m = measureColours(ref, img, cand, { kind: 'window', window: partial.window }, T);
    return verdict('partial', partial.fit, {}, m);
  }
  if (whole.masked && 1 - whole.coverage >= T.shape.missing && partialPlausible(whole)) {
    const m = measureColours(ref, img, cand, { kind: 'window', window: { u0: 0, v0: 0, fx: 1, fy: 1 } }, T);
    // ...unless a border is drawn around what is hidden: a sticker over the mark (Art. 10.5 "otherwise altered")
    const covered = coveredBlock(cand, whole, T.shape);
    return covered ? verdict('distorted', whole, { overlay: covered }, m) : verdict('partial', whole, {}, m);
  }
  if (whole.score < T.shape.fit) return verdict('unrelated', bestFit(match), {}, null);
  const m = wholeColours(ref, img, cand, T);
  // Art. 10.5: stretched in one direction
  const tolerance = Math.max(T.shape.aspect, 2.2 / Math.min(box.width, box.height));
  if (Math.abs(Math.log(aspectRatio)) > Math.log(1 + tolerance)) return verdict('distorted', whole, {}, m);
  // Art. 10.5: nothing drawn over it (text, a stamp, a line, a sticker): the mark "otherwise altered"
  if (m?.official && m.overlay) return verdict('distorted', whole, { overlay: m.overlay }, m);
  // ...nor into it: ink inside the mark's box where the mark has none (text or a line across the ring's inside). A
  // recolouring keeps the mark's silhouette; ink off it in colours that are not official is a sticker or a stamp
  // over the mark, not a recoloured mark
  const drawnInto = m !== null ? strayOverlay(ref, sil, box, T.shape) : null;
  if (drawnInto) return verdict('distorted', whole, { overlay: drawnInto }, m);
  // Art. 10.5: no recolouring (the colours must be those of the colour or the monochrome version)
  return verdict(m?.official ? 'ok' : 'recoloured', whole, {}, m);
}

/**
 * The colours of the whole mark. A flag (points off the official colours, or an overlay) is measured again on the
 * registered box (register.ts): a box widened by ink that is not the mark's samples beside the strokes, and an
 * official mark must not be flagged for that.
 */
function wholeColours(ref: MarkReference, img: Raster, cand: Candidate, T: MatcherThresholds): ColourMeasure | null {
  const whole = { kind: 'window', window: { u0: 0, v0: 0, fx: 1, fy: 1 } } as const;
  const m = measureColours(ref, img, cand, whole, T);
  if (m === null || (m.official && m.overlay === null)) return m;
  const box = registeredBox(ref, cand);
  return box === null ? m : (measureColours(ref, img, { ...cand, box }, whole, T) ?? m);
}

/** The best-ranked judgement of `candidates` (or `best` so far); stops at a clear official mark. */
function bestOf(ref: MarkReference, img: Raster, candidates: Candidate[], best: RegionResult | null, T: MatcherThresholds): RegionResult | null {
  for (const cand of candidates) {
    const result = judge(ref, img, cand, candidates.length, T);
    if (best === null || result.rank > best.rank) best = result;
    if (result.verdict.finding === 'ok' && result.rank >= 1.95) break;
  }
  return best;
}

function bestFit(match: ReturnType<typeof matchShape>): Fit {
  let fit = match.whole;
  if (match.rotated.fit.score > fit.score) fit = match.rotated.fit;
  if (match.partial && match.partial.fit.score > fit.score) fit = match.partial.fit;
  return fit;
}

export function createMarkMatcher(references: { colour: Buffer; mono: Buffer }, options: { thresholds?: Partial<MatcherThresholds> } = {}): MarkMatcher {
  const T: MatcherThresholds = { shape: THRESHOLDS, colour: COLOUR_THRESHOLDS, overlay: OVERLAY_THRESHOLDS, ...options.thresholds };
  let built: Promise<MarkReference> | null = null;
  const reference = () => (built ??= buildMarkReference(references.colour, references.mono));
  return {
    async analyse(raster) {
      const ref = await reference();
      let img: Raster = raster;
      let factor = 1;
      if (raster.width * raster.height > MAX_ANALYSED_PIXELS) {
        factor = Math.ceil(Math.sqrt((raster.width * raster.height) / MAX_ANALYSED_PIXELS));
        img = downscale(raster, factor);
      }
      let best = bestOf(ref, img, locateCandidates(img), null, T);
      // nothing of the mark stands apart from the background (a busy one): look for its official inks instead
      if (best === null || best.verdict.finding === 'unrelated') best = bestOf(ref, img, locateByInk(img, ref.inks), best, T);
      // page content joined to the mark (a rule or text up to its edge): the mark's parts around its largest one
      if (best === null || best.verdict.finding === 'unrelated') best = bestOf(ref, img, locateCores(img), best, T);
      const verdict: ImageVerdict = best?.verdict ?? {
        finding: 'unrelated',
        variant: null,
        exact: false,
        evidence: { ...NOTHING_FOUND, fits: { ...NOTHING_FOUND.fits } },
      };
      // evidence in the image's own pixels
      const scaled = (r: Rect) => ({ left: r.left * factor, top: r.top * factor, width: r.width * factor, height: r.height * factor });
      const { region, overlay } = verdict.evidence;
      if (factor !== 1 && region !== null) verdict.evidence.region = scaled(region);
      if (factor !== 1 && overlay) verdict.evidence.overlay = { ...overlay, region: scaled(overlay.region) };
      return verdict;
    },
  };
}
