/**
 * The two official masters of the certification mark (Art. 10): the colour version and the monochrome
 * version. Both are official; everything else (recoloured, cropped, distorted copies) is not (Art. 10.5).
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { AppError } from '../errors';
import { fromRoot } from '../paths';

export type MarkVariant = 'colour' | 'mono';
export const MARK_VARIANTS: readonly MarkVariant[] = ['colour', 'mono'];

export interface MarkMasters {
  /** SVG bytes of the colour master. */
  colour: Buffer;
  /** SVG bytes of the monochrome master (same geometry, black and dark grey). */
  mono: Buffer;
}

/** `assets/mark` at the project root, resolved from this module's location. */
/** The official masters shipped with certmark (assets/mark/). */
export const defaultMarkDir = (): string => fromRoot('assets', 'mark');

const FILES: Record<MarkVariant, string> = { colour: 'colour.svg', mono: 'mono.svg' };

export async function loadMarkMasters(dir: string = defaultMarkDir()): Promise<MarkMasters> {
  const read = async (variant: MarkVariant): Promise<Buffer> => {
    const bytes = await readFile(join(dir, FILES[variant]));
    if (!/<svg[\s>]/.test(bytes.subarray(0, 512).toString('utf8'))) {
      throw new AppError('invalid', `the ${variant} mark master is not an SVG document`, { field: FILES[variant] });
    }
    return bytes;
  };
  const [colour, mono] = await Promise.all([read('colour'), read('mono')]);
  return { colour, mono };
}
