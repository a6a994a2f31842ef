import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { defaultMarkDir, loadMarkMasters } from '../../src/mark/masters.js';
import { MARK_WIDTHS, createMarkRenderer, nearestMarkWidth } from '../../src/mark/render.js';

const masters = await loadMarkMasters();
const renderer = createMarkRenderer(masters);

describe('Art. 10: the two official masters', () => {
  it('loads the colour and the monochrome master from assets/mark by default', async () => {
    expect(defaultMarkDir().replace(/\\/g, '/')).toMatch(/assets\/mark\/?$/);
    expect(masters.colour.toString('utf8')).toMatch(/^<svg[\s>]/);
    expect(masters.mono.toString('utf8')).toMatch(/^<svg[\s>]/);
  });

  it('gives both masters the same geometry, the monochrome one without the mark colours', () => {
    const shapes = (svg: Buffer) =>
      svg
        .toString('utf8')
        .replace(/#[0-9a-f]{6}/gi, '#')
        .replace(/\(.*?\)/g, '');
    expect(shapes(masters.mono)).toBe(shapes(masters.colour));
    expect(masters.mono.toString('utf8')).not.toMatch(/#0b6e8a|#d7263d|#e8a800/i);
  });

  it('refuses a directory whose masters are not SVG', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'certmark-mark-'));
    await writeFile(join(dir, 'colour.svg'), 'GIF89a not an svg');
    await writeFile(join(dir, 'mono.svg'), masters.mono);
    await expect(loadMarkMasters(dir)).rejects.toMatchObject({ name: 'AppError', kind: 'invalid', field: 'colour.svg' });
    await rm(dir, { recursive: true, force: true });
  });
});

describe('rendering the mark at a bounded set of widths', () => {
  it.each(MARK_WIDTHS.map((w) => [w]))('renders both masters at %i px wide, on a transparent background', async (width) => {
    for (const variant of ['colour', 'mono'] as const) {
      const png = await renderer.png(variant, width);
      const { data, info } = await sharp(png).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
      expect(info.width).toBe(width);
      expect(info.height).toBe(width);
      expect(data[3]).toBe(0); // top-left corner is transparent
      let opaque = 0;
      for (let k = 3; k < data.length; k += 4) if (data[k]! > 200) opaque++;
      expect(opaque / (width * width)).toBeGreaterThan(0.2);
    }
  });

  it('renders each variant and width once, then serves it from memory', async () => {
    const a = await renderer.png('colour', 96);
    const b = await renderer.png('colour', 96);
    expect(b).toBe(a);
  });

  it('snaps any requested width to the nearest allowed one', () => {
    expect(nearestMarkWidth(undefined)).toBe(128);
    expect(nearestMarkWidth(Number.NaN)).toBe(128);
    expect(nearestMarkWidth(0)).toBe(32);
    expect(nearestMarkWidth(-5)).toBe(32);
    expect(nearestMarkWidth(100)).toBe(96);
    expect(nearestMarkWidth(112)).toBe(128); // a tie goes to the larger
    expect(nearestMarkWidth(700)).toBe(512);
    expect(nearestMarkWidth(1e9)).toBe(1024);
    expect(MARK_WIDTHS).toContain(nearestMarkWidth(333));
  });

  it('serves the master SVG bytes as they are', () => {
    expect(renderer.svg('colour')).toBe(masters.colour);
    expect(renderer.svg('mono')).toBe(masters.mono);
  });

  it('gives strong ETags that follow the bytes', async () => {
    const tag = await renderer.etag('colour', 'png', 128);
    expect(tag).toMatch(/^"[A-Za-z0-9_-]{16,}"$/);
    expect(await renderer.etag('colour', 'png', 130)).toBe(tag);
    expect(await renderer.etag('colour', 'png', 256)).not.toBe(tag);
    expect(await renderer.etag('mono', 'png', 128)).not.toBe(tag);
    expect(await renderer.etag('colour', 'svg')).not.toBe(await renderer.etag('mono', 'svg'));
  });
});
