/** Bounds on image intake for sightings: nothing is decoded before these are checked. */
export interface ImageLimits {
  /** Largest accepted upload, in bytes. */
  maxBytes: number;
  /** Largest accepted width x height, read from the header before any decoding. */
  maxPixels: number;
  /** Longest side an SVG is rasterised to (the density is chosen to fit). */
  svgRasterMaxSide: number;
}

export const DEFAULT_IMAGE_LIMITS: ImageLimits = {
  maxBytes: 5 * 1024 * 1024,
  maxPixels: 16_000_000,
  svgRasterMaxSide: 1024,
};

export type SniffedImageType = 'png' | 'jpeg' | 'webp' | 'gif' | 'svg';
