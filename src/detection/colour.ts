/** Colour arithmetic for the colour signature: sRGB (8 bit) to CIELAB (D65), ΔE*ab (CIE76), hue angles. */

const LINEAR = new Float64Array(256);
for (let i = 0; i < 256; i++) {
  const c = i / 255;
  LINEAR[i] = c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
}

const f = (t: number) => (t > 216 / 24389 ? Math.cbrt(t) : ((24389 / 27) * t + 16) / 116);

export type Lab = [number, number, number];

/** 8-bit sRGB to CIELAB under D65. Channels may be fractional (bilinear samples); they are rounded. */
export function srgbToLab(r: number, g: number, b: number): Lab {
  const R = LINEAR[Math.max(0, Math.min(255, Math.round(r)))] ?? 0;
  const G = LINEAR[Math.max(0, Math.min(255, Math.round(g)))] ?? 0;
  const B = LINEAR[Math.max(0, Math.min(255, Math.round(b)))] ?? 0;
  const x = (0.4124564 * R + 0.3575761 * G + 0.1804375 * B) / 0.95047;
  const y = 0.2126729 * R + 0.7151522 * G + 0.072175 * B;
  const z = (0.0193339 * R + 0.119192 * G + 0.9503041 * B) / 1.08883;
  const fx = f(x);
  const fy = f(y);
  const fz = f(z);
  return [116 * fy - 16, 500 * (fx - fy), 200 * (fy - fz)];
}

// Math.sqrt of the sum of squares, not Math.hypot (several times slower in V8; no overflow is possible here)
export const deltaE = (p: Lab, q: Lab) => {
  const a = p[0] - q[0];
  const b = p[1] - q[1];
  const c = p[2] - q[2];
  return Math.sqrt(a * a + b * b + c * c);
};
export const chroma = (p: Lab) => Math.sqrt(p[1] * p[1] + p[2] * p[2]);
/** Hue angle in degrees, 0..360. */
export const hue = (p: Lab) => ((Math.atan2(p[2], p[1]) * 180) / Math.PI + 360) % 360;
/** Signed smallest difference b - a between two angles in degrees, -180..180. */
export const angleDiff = (a: number, b: number) => ((((b - a) % 360) + 540) % 360) - 180;

export function median(values: number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((x, y) => x - y);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? (sorted[mid] ?? 0) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
}
