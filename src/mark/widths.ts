/** The widths the mark and the notices are rendered at: a bounded set, so every rendering can be kept. */
export const MARK_WIDTHS = [32, 48, 64, 96, 128, 192, 256, 384, 512, 1024] as const;
export type MarkWidth = (typeof MARK_WIDTHS)[number];
export const DEFAULT_MARK_WIDTH: MarkWidth = 128;

/** The allowed width nearest to the requested one (ties go to the larger); the default when none is asked. */
export function nearestMarkWidth(requested: number | undefined): MarkWidth {
  if (requested === undefined || !Number.isFinite(requested)) return DEFAULT_MARK_WIDTH;
  let best: MarkWidth = MARK_WIDTHS[0];
  for (const w of MARK_WIDTHS) {
    if (Math.abs(w - requested) <= Math.abs(best - requested)) best = w;
  }
  return best;
}
