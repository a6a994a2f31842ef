import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { decodeImage } from '../../src/detection/decode.js';
import { createMarkMatcher, type ImageVerdict, type MarkMatcher } from '../../src/detection/image.js';
import { loadMarkMasters, type MarkMasters } from '../../src/mark/masters.js';
import { rasteriseSvg } from '../../src/mark/render.js';
import { REFERENCE_WIDTH } from '../../src/sightings/matcher.js';
import {
  type CorpusRanges,
  FIT_RANGES,
  FIT_SEED,
  generateSeededCorpus,
  HELD_OUT_RANGES,
  HELD_OUT_SEED,
  mulberry32,
  OVERLAY_KINDS,
  type SeededKind,
  type SeededSample,
} from './random.js';

/**
 * The seeded corpus (issue 17): deterministic per seed, fit and held-out ranges apart, and a small held-out sample
 * judged by the real matcher, one test per overlay class. test/detection/overlay.test.ts checks fixed overlays at
 * 128/256 px; these are drawn from ranges the thresholds were not fitted on (other sizes, colours, angles, words).
 */

let masters: MarkMasters;
let matcher: MarkMatcher;
beforeAll(async () => {
  masters = await loadMarkMasters();
  matcher = createMarkMatcher({ colour: await rasteriseSvg(masters.colour, REFERENCE_WIDTH), mono: await rasteriseSvg(masters.mono, REFERENCE_WIDTH) });
});
afterEach(() => {
  vi.restoreAllMocks();
});

const SOME_KINDS: SeededKind[] = ['official-page-touch', 'recoloured-hue', 'partial-crop', 'overlay-text', 'unrelated-drawn'];
/** Generous: the machine is shared, and held-out widths go up to 700 px. */
const SLOW = { timeout: 120_000 };

describe('the seeded corpus generator', () => {
  it('is deterministic per seed (same bytes, same parameters) and draws nothing from Math.random', SLOW, async () => {
    const random = vi.spyOn(Math, 'random');
    const a = await generateSeededCorpus({ seed: HELD_OUT_SEED, ranges: HELD_OUT_RANGES, count: 2, kinds: SOME_KINDS, masters });
    const b = await generateSeededCorpus({ seed: HELD_OUT_SEED, ranges: HELD_OUT_RANGES, count: 2, kinds: SOME_KINDS, masters });
    expect(random).not.toHaveBeenCalled();
    expect(a.length).toBe(SOME_KINDS.length * 2);
    expect(b.map((s) => s.params)).toEqual(a.map((s) => s.params));
    b.forEach((s, i) => expect(s.bytes.equals(a[i]!.bytes), s.cls).toBe(true));
  });

  it('draws differently for another seed, and keeps the first samples when asked for more', SLOW, async () => {
    const a = await generateSeededCorpus({ seed: HELD_OUT_SEED, ranges: HELD_OUT_RANGES, count: 2, kinds: SOME_KINDS, masters });
    const c = await generateSeededCorpus({ seed: HELD_OUT_SEED + 1, ranges: HELD_OUT_RANGES, count: 2, kinds: SOME_KINDS, masters });
    const differing = a.filter((s, i) => JSON.stringify(s.params) !== JSON.stringify(c[i]!.params) || !s.bytes.equals(c[i]!.bytes));
    expect(differing.length).toBeGreaterThanOrEqual(a.length - 1);
    const more = await generateSeededCorpus({ seed: HELD_OUT_SEED, ranges: HELD_OUT_RANGES, count: 3, kinds: ['partial-crop'], masters });
    expect(more.slice(0, 2).map((s) => s.params)).toEqual(a.filter((s) => s.kind === 'partial-crop').map((s) => s.params));
  });

  it('the PRNG is seeded: same seed, same stream; another seed, another stream', () => {
    const draw = (seed: number) => Array.from({ length: 8 }, mulberry32(seed));
    expect(draw(FIT_SEED)).toEqual(draw(FIT_SEED));
    expect(draw(FIT_SEED)).not.toEqual(draw(HELD_OUT_SEED));
    for (const x of draw(42)) expect(x >= 0 && x < 1).toBe(true);
  });

  it('fit and held-out ranges do not overlap where they are declared disjoint', () => {
    type Interval = readonly [number, number];
    const intervalsApart = (a: readonly Interval[], b: readonly Interval[]) => a.every(([a0, a1]) => b.every(([b0, b1]) => a1 < b0 || b1 < a0));
    const listsApart = <T>(a: readonly T[], b: readonly T[]) => a.every((x) => !b.includes(x));
    const f: CorpusRanges = FIT_RANGES;
    const h: CorpusRanges = HELD_OUT_RANGES;
    expect(FIT_SEED).not.toBe(HELD_OUT_SEED);
    for (const key of ['widths', 'overlayWidths', 'rotations', 'jpegQualities', 'webpQualities', 'patterns', 'busy', 'words', 'unrelatedWidths'] as const) {
      expect(listsApart<unknown>(f[key], h[key]), key).toBe(true);
    }
    for (const key of ['hues', 'crops', 'maskSides', 'stretches', 'overlayHues', 'textAngles'] as const) {
      expect(intervalsApart(f[key], h[key]), key).toBe(true);
    }
    for (const key of ['textSizes', 'stampRadii', 'strokeWidths', 'stickerSides', 'watermarkOpacity'] as const) {
      expect(intervalsApart([f[key]], [h[key]]), key).toBe(true);
    }
  });

  it('held-out samples carry parameters from the held-out ranges', SLOW, async () => {
    const samples = await generateSeededCorpus({
      seed: HELD_OUT_SEED,
      ranges: HELD_OUT_RANGES,
      count: 3,
      kinds: ['recoloured-hue', 'partial-crop', 'distorted-rotate', 'official-lossy'],
      masters,
    });
    const inside = (x: number, list: readonly (readonly [number, number])[]) => list.some(([a, b]) => x >= a && x <= b);
    for (const s of samples) {
      expect(HELD_OUT_RANGES.widths, s.cls).toContain(s.params.width);
      if (s.kind === 'recoloured-hue') expect(inside(s.params.hue as number, HELD_OUT_RANGES.hues), s.cls).toBe(true);
      if (s.kind === 'partial-crop') expect(inside(s.params.crop as number, HELD_OUT_RANGES.crops), s.cls).toBe(true);
      if (s.kind === 'distorted-rotate') expect(HELD_OUT_RANGES.rotations, s.cls).toContain(Math.abs(s.params.rotate as number));
      if (s.params.format === 'jpeg') expect(HELD_OUT_RANGES.jpegQualities, s.cls).toContain(s.params.quality);
    }
  });
});

/** The first three held-out samples of a kind, judged by the real matcher. */
const judgedKinds = new Map<SeededKind, Promise<Array<{ sample: SeededSample; verdict: ImageVerdict }>>>();
function judged(kind: SeededKind): Promise<Array<{ sample: SeededSample; verdict: ImageVerdict }>> {
  let p = judgedKinds.get(kind);
  if (p === undefined) {
    p = judge(kind);
    judgedKinds.set(kind, p);
  }
  return p;
}
async function judge(kind: SeededKind): Promise<Array<{ sample: SeededSample; verdict: ImageVerdict }>> {
  const samples = await generateSeededCorpus({ seed: HELD_OUT_SEED, ranges: HELD_OUT_RANGES, count: 3, kinds: [kind], masters });
  const out = [];
  for (const sample of samples) out.push({ sample, verdict: await matcher.analyse(await decodeImage(sample.bytes)) });
  return out;
}

const describeMiss = ({ sample, verdict }: { sample: SeededSample; verdict: ImageVerdict }) => `${sample.cls} -> ${verdict.finding}`;

/** Boxes meet (with `slack` px around the expected one). */
const meets = (a: { left: number; top: number; width: number; height: number }, b: typeof a, slack: number) =>
  a.left <= b.left + b.width + slack && b.left - slack <= a.left + a.width && a.top <= b.top + b.height + slack && b.top - slack <= a.top + a.height;

describe('held-out overlays (Art. 10.5): any overlay that changes the mark is an alteration, with its region in the evidence', () => {
  /**
   * Known misses (issue 17, open), one of the three samples each; marked failing so they are flipped once judged right:
   * - overlay-stroke: a thin dark-green stroke (4 px) over the mono mark at 100 px, JPEG 75: close to the mono grey in
   *   ΔE at that size, and it lies mostly along the mark's own ink (`ok`);
   * (overlay-sticker, a magenta sticker hiding the whole cross of the mono mark at 700 px, read as a recolouring until
   * a part split between official ink and another colour was taken for an overlay: verdict-colour.ts `uncovered`.)
   */
  const failing: Array<(typeof OVERLAY_KINDS)[number]> = ['overlay-stroke'];
  for (const kind of OVERLAY_KINDS) {
    const test = failing.includes(kind) ? it.fails : it;
    test(`${kind}: 3 held-out samples judged distorted, the overlay region where it was drawn`, SLOW, async () => {
      const results = await judged(kind);
      expect(results.filter((r) => r.verdict.finding !== 'distorted').map(describeMiss)).toEqual([]);
      for (const { sample, verdict } of results) {
        const region = verdict.evidence.overlay?.region;
        if (region === undefined) continue; // found distorted by its shape (e.g. a sticker over its edge)
        const slack = Math.max(4, (sample.params.width as number) * 0.05);
        expect(meets(region, sample.overlayBox!, slack), `${sample.cls}: ${JSON.stringify(region)}`).toBe(true);
      }
    });
  }
});

describe('held-out official marks stay ok', () => {
  it('touched by page content right next to it (text and a box, not over it)', SLOW, async () => {
    const results = await judged('official-page-touch');
    expect(results.filter((r) => r.verdict.finding !== 'ok').map(describeMiss)).toEqual([]);
  });

  // On a busy background the mark does not stand apart from the scene; the locator then looks for the official inks
  // (locate.ts, locateByInk). The bench's 25 per kind still miss 1 of 25 (README, "Held-out detection").
  it('on a busy background (photo-like blobs, colour stripes)', SLOW, async () => {
    const results = await judged('official-busy');
    expect(results.filter((r) => r.verdict.finding !== 'ok').map(describeMiss)).toEqual([]);
  });

  it('on a busy background is at least never flagged as an altered mark', SLOW, async () => {
    const results = await judged('official-busy');
    expect(results.filter((r) => r.verdict.finding !== 'ok' && r.verdict.finding !== 'unrelated').map(describeMiss)).toEqual([]);
  });
});
