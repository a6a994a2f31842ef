/** The mark as the browser drew it, compared with the official master rendered by sharp at the same size. */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import sharp from 'sharp';
import { defaultMarkDir } from '../../../src/mark/masters';
import type { Rect } from './browser';

/** RGB pixels of assets/mark/colour.svg at `size` x `size` on white (the badge's own background). */
export async function officialMark(size: number): Promise<Buffer> {
  const svg = await readFile(join(defaultMarkDir(), 'colour.svg'));
  return sharp(svg, { density: 300 }).resize(size, size).flatten({ background: '#ffffff' }).removeAlpha().raw().toBuffer();
}

/** RGB pixels of the page inside `rect`. */
export async function shot(page: Page, rect: Rect): Promise<Buffer> {
  const png = await page.screenshot({ clip: rect, animations: 'disabled' });
  return sharp(png).removeAlpha().raw().toBuffer();
}

/** Mean absolute difference per channel, 0 (same) to 255. */
export function meanDifference(a: Buffer, b: Buffer): number {
  if (a.length !== b.length) throw new Error(`sizes differ: ${a.length} vs ${b.length}`);
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += Math.abs(a[i]! - b[i]!);
  return sum / a.length;
}
