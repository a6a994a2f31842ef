/** The matcher of sighting images, built once from the official renderings of both masters (Art. 10). */
import { createMarkMatcher, type MarkMatcher } from '../detection/image';
import { defaultMarkDir, loadMarkMasters } from '../mark/masters';
import { createMarkRenderer, type MarkRenderer } from '../mark/render';

/** The width the references are rendered at: large enough for the shape, small enough to build fast. */
export const REFERENCE_WIDTH = 512;

export async function loadMarkMatcher(options: { markDir: string | null; renderer?: MarkRenderer }): Promise<MarkMatcher> {
  const renderer = options.renderer ?? createMarkRenderer(await loadMarkMasters(options.markDir ?? defaultMarkDir()));
  const [colour, mono] = await Promise.all([renderer.png('colour', REFERENCE_WIDTH), renderer.png('mono', REFERENCE_WIDTH)]);
  return createMarkMatcher({ colour, mono });
}
