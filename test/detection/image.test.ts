import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { decodeImage } from '../../src/detection/decode.js';
import { createMarkMatcher } from '../../src/detection/image.js';
import { loadMarkMasters } from '../../src/mark/masters.js';
import { createMarkRenderer } from '../../src/mark/render.js';

const renderer = createMarkRenderer(await loadMarkMasters());
const matcher = createMarkMatcher({ colour: await renderer.png('colour', 512), mono: await renderer.png('mono', 512) });
const analyse = async (bytes: Buffer) => matcher.analyse(await decodeImage(bytes));

describe('the image checks against the official renderings', () => {
  it('finds the official colour PNG ok, exact, with near-zero distances', async () => {
    const v = await analyse(await renderer.png('colour', 256));
    expect(v).toMatchObject({ finding: 'ok', variant: 'colour', exact: true });
    expect(v.evidence.shapeDistance).toBeLessThan(0.02);
    expect(v.evidence.colourDeltaE).toBeLessThan(2);
    expect(v.evidence.coverage).toBeGreaterThan(0.97);
    expect(Math.abs(v.evidence.aspectRatio - 1)).toBeLessThan(0.03);
  });

  it('finds the monochrome master ok as the monochrome version', async () => {
    const v = await analyse(await renderer.png('mono', 128));
    expect(v).toMatchObject({ finding: 'ok', variant: 'mono' });
  });

  it('is deterministic: the same bytes give the same verdict', async () => {
    const bytes = await sharp(await renderer.png('colour', 192))
      .modulate({ hue: 40 })
      .jpeg({ quality: 70 })
      .toBuffer();
    expect(await analyse(bytes)).toEqual(await analyse(bytes));
  });

  it('flags a hue shift as recoloured and measures it', async () => {
    const v = await analyse(
      await sharp(await renderer.png('colour', 256))
        .modulate({ hue: 45 })
        .png()
        .toBuffer(),
    );
    expect(v.finding).toBe('recoloured');
    expect(v.evidence.hueDistance).toBeGreaterThan(35);
    expect(v.evidence.shapeDistance).toBeLessThan(0.02); // the shape is intact
  });

  it('flags a stretched copy as distorted with its aspect ratio', async () => {
    const v = await analyse(
      await sharp(await renderer.png('colour', 256))
        .resize({ width: 320, height: 256, fit: 'fill' })
        .png()
        .toBuffer(),
    );
    expect(v.finding).toBe('distorted');
    expect(v.evidence.aspectRatio).toBeGreaterThan(1.2);
  });

  it('flags a mark cropped inside a screenshot as partial', async () => {
    const mark = await sharp(await renderer.png('colour', 128))
      .extract({ left: 0, top: 0, width: 128, height: 80 })
      .png()
      .toBuffer();
    const page = await sharp({ create: { width: 640, height: 400, channels: 4, background: '#ffffff' } })
      .composite([
        {
          input: Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" width="640" height="40"><rect width="640" height="40" fill="#1e3a5f"/></svg>'),
          left: 0,
          top: 0,
        },
        { input: mark, left: 400, top: 200 },
      ])
      .png()
      .toBuffer();
    const v = await analyse(page);
    expect(v.finding).toBe('partial');
    const r = v.evidence.region!;
    expect(r.left).toBeGreaterThanOrEqual(400);
    expect(r.left + r.width).toBeLessThanOrEqual(528);
    expect(r.top).toBeGreaterThanOrEqual(200);
    expect(r.top + r.height).toBeLessThanOrEqual(280);
  });

  it('answers unrelated, with no region, for an empty image', async () => {
    const blank = await sharp({ create: { width: 64, height: 64, channels: 4, background: '#ffffff' } })
      .png()
      .toBuffer();
    const v = await analyse(blank);
    expect(v).toMatchObject({ finding: 'unrelated', variant: null, exact: false });
    expect(v.evidence.region).toBeNull();
  });

  it('analyses very large images on a downscaled copy and reports the region in original pixels', async () => {
    const big = await sharp({ create: { width: 2400, height: 1600, channels: 4, background: '#ffffff' } })
      .composite([{ input: await renderer.png('colour', 256), left: 1800, top: 1000 }])
      .png()
      .toBuffer();
    const v = await analyse(big);
    expect(v.finding).toBe('ok');
    // analysed at half size: the region is good to a few original pixels
    expect(Math.abs(v.evidence.region!.left - 1812)).toBeLessThanOrEqual(10);
    expect(Math.abs(v.evidence.region!.top - 1018)).toBeLessThanOrEqual(10);
  });
});
