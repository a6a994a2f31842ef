import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { decodeImage } from '../../src/detection/decode.js';
import { createMarkMatcher } from '../../src/detection/image.js';
import { loadMarkMasters } from '../../src/mark/masters.js';
import { createMarkRenderer } from '../../src/mark/render.js';

/** Mirrored marks (issue 17): a mark flipped left to right, or upside down, is altered (Art. 10.5) and says so. */

const renderer = createMarkRenderer(await loadMarkMasters());
const matcher = createMarkMatcher({ colour: await renderer.png('colour', 512), mono: await renderer.png('mono', 512) });
const analyse = async (bytes: Buffer) => matcher.analyse(await decodeImage(bytes));

describe('Art. 10.5: a mirrored mark', () => {
  for (const variant of ['colour', 'mono'] as const) {
    for (const size of [64, 128, 256]) {
      it(`flipped left to right (${variant}, ${size} px) is distorted, with the mirroring in its evidence`, async () => {
        const v = await analyse(
          await sharp(await renderer.png(variant, size))
            .flop()
            .png()
            .toBuffer(),
        );
        expect(v.finding).toBe('distorted');
        expect(v.evidence.mirrored).toBe('left-right');
      });
      it(`flipped upside down (${variant}, ${size} px) is distorted, with the mirroring in its evidence`, async () => {
        const v = await analyse(
          await sharp(await renderer.png(variant, size))
            .flip()
            .png()
            .toBuffer(),
        );
        expect(v.finding).toBe('distorted');
        expect(v.evidence.mirrored).toBe('top-bottom');
      });
      it(`the official ${variant} rendering at ${size} px is not mirrored`, async () => {
        const v = await analyse(await renderer.png(variant, size));
        expect(v.finding).toBe('ok');
        expect(v.evidence.mirrored).toBeUndefined();
      });
    }
  }
});
