import { beforeAll, describe, expect, it } from 'vitest';
import { decodeImage } from '../../src/detection/decode.js';
import { createMarkMatcher, type ImageVerdict } from '../../src/detection/image.js';
import { loadMarkMasters } from '../../src/mark/masters.js';
import { createMarkRenderer } from '../../src/mark/render.js';
import { EXPECTED_FINDING, generateCorpus, type CorpusLabel, type CorpusSample } from '../corpus/generate.js';

/** The reduced corpus: every class of alteration and every kind of official rendering, fewer sizes. */
let results: Array<{ sample: CorpusSample; verdict: ImageVerdict }> = [];

beforeAll(async () => {
  const renderer = createMarkRenderer(await loadMarkMasters());
  const matcher = createMarkMatcher({ colour: await renderer.png('colour', 512), mono: await renderer.png('mono', 512) });
  const corpus = await generateCorpus({ renderer });
  results = [];
  for (const sample of corpus) results.push({ sample, verdict: await matcher.analyse(await decodeImage(sample.bytes)) });
});

const of = (label: CorpusLabel) => results.filter((r) => r.sample.label === label);
const misses = (label: CorpusLabel) =>
  of(label)
    .filter((r) => r.verdict.finding !== EXPECTED_FINDING[label])
    .map((r) => `${r.sample.cls} -> ${r.verdict.finding}`);
const recall = (label: CorpusLabel) => 1 - misses(label).length / of(label).length;

describe('Art. 10.5: official renderings pass', () => {
  it('covers both masters, lossless and lossy, plain, patterned and page backgrounds', () => {
    const classes = of('official').map((r) => r.sample.cls);
    for (const part of ['colour-png-32', 'mono-png-512', 'jpeg-60', 'webp', 'dark', 'stripes', 'checks', 'screenshot']) {
      expect(
        classes.some((c) => c.includes(part)),
        part,
      ).toBe(true);
    }
  });

  it('finds every official rendering ok, never anything else', () => {
    expect(misses('official')).toEqual([]);
  });

  it('names the version it saw', () => {
    for (const { sample, verdict } of of('official')) {
      expect(verdict.variant, sample.cls).toBe(sample.cls.startsWith('mono') ? 'mono' : 'colour');
    }
  });

  it('locates the mark inside a larger screenshot and reports the region', () => {
    const shot = of('official').find((r) => r.sample.cls === 'colour-screenshot-body-128');
    const region = shot?.verdict.evidence.region;
    expect(region).toBeDefined();
    // the slot is at (880, 300), 128 px wide; the mark's ink starts a few pixels in
    expect(Math.abs(region!.left - 883)).toBeLessThanOrEqual(3);
    expect(Math.abs(region!.top - 304)).toBeLessThanOrEqual(3);
    expect(Math.abs(region!.width - 117)).toBeLessThanOrEqual(3);
  });
});

describe('Art. 10.5: altered copies are flagged by kind', () => {
  it.each(['recoloured', 'partial', 'distorted'] as const)('flags at least 98 in 100 %s copies', (label) => {
    expect(of(label).length).toBeGreaterThan(10);
    expect(recall(label), misses(label).join(', ')).toBeGreaterThanOrEqual(0.98);
  });

  it('tells greyscale of the colour master from the monochrome master', () => {
    for (const r of of('recoloured').filter((x) => x.sample.cls.startsWith('greyscale'))) {
      expect(r.verdict.finding).toBe('recoloured');
    }
  });

  it('reports the angle of a rotated copy', () => {
    for (const r of of('distorted').filter((x) => /rotate-(-?\d+)$/.test(x.sample.cls))) {
      const angle = Number(/rotate-(-?\d+)$/.exec(r.sample.cls)![1]);
      expect(Math.abs((r.verdict.evidence.rotationDegrees ?? 0) - angle), r.sample.cls).toBeLessThanOrEqual(Math.abs(angle) < 20 ? 1 : 5);
    }
  });

  it('reports how much of a cropped or masked copy is visible', () => {
    for (const r of of('partial')) {
      expect(r.verdict.evidence.coverage, r.sample.cls).toBeLessThan(0.96);
      expect(r.verdict.evidence.coverage, r.sample.cls).toBeGreaterThan(0.35);
    }
  });
});

describe('unrelated images are never matched', () => {
  it('finds other logos, text badges, noise, a plain square, a page and our notices unrelated', () => {
    expect(of('unrelated').length).toBeGreaterThan(15);
    expect(misses('unrelated')).toEqual([]);
    for (const r of of('unrelated')) expect(r.verdict.variant).toBeNull();
  });
});
