/**
 * Bounded image intake for crawler sightings. The type comes from the bytes (never the name or declared type);
 * size and pixel count are checked before decoding; SVG is screened for active or external content before
 * librsvg sees it. Every refusal is an AppError ('too_large', 'unsupported_media_type' or 'invalid').
 */
import { createHash } from 'node:crypto';
import sharp, { type Metadata, type OutputInfo, type Sharp } from 'sharp';
import { AppError } from '../errors';
import { withoutMetadata } from './jpeg';
import { DEFAULT_IMAGE_LIMITS, type ImageLimits, type SniffedImageType } from './limits';

export interface DecodedImage {
  type: SniffedImageType;
  width: number;
  height: number;
  /** Raw RGBA, 4 channels, 8 bits, row-major. */
  rgba: Buffer;
  /** SHA-256 (hex) of the bytes as received. */
  sha256: string;
  /**
   * What is kept as evidence: the first frame, no metadata, nothing past the image's end, exactly the pixels judged.
   * A PNG of image chunks only is kept as received; a JPEG that is sRGB or grey, upright and without an ICC profile
   * is kept with its metadata segments taken out (jpeg.ts); anything else is re-encoded as PNG.
   */
  evidence: { type: 'png' | 'jpeg'; bytes: Buffer };
}

const FIELD = 'image';

const startsWith = (bytes: Uint8Array, sig: number[], at = 0) => bytes.length >= at + sig.length && sig.every((b, i) => bytes[at + i] === b);

/** The image type by magic bytes only. SVG: an XML prolog/comments/doctype, then an `<svg` root element. */
export function sniffImageType(bytes: Uint8Array): SniffedImageType | null {
  if (startsWith(bytes, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return 'png';
  if (startsWith(bytes, [0xff, 0xd8, 0xff])) return 'jpeg';
  if (startsWith(bytes, [0x52, 0x49, 0x46, 0x46]) && startsWith(bytes, [0x57, 0x45, 0x42, 0x50], 8)) return 'webp';
  if (startsWith(bytes, [0x47, 0x49, 0x46, 0x38]) && (bytes[4] === 0x37 || bytes[4] === 0x39) && bytes[5] === 0x61) return 'gif';
  const head = Buffer.from(bytes.subarray(0, 4096))
    .toString('utf8')
    .replace(/^\uFEFF/, '');
  // prolog: whitespace, <?xml ...?>, comments and a doctype (the doctype is refused later, by name)
  const prolog = /^(?:\s+|<\?xml[^>]*\?>|<!--[\s\S]*?-->|<!DOCTYPE[^>[]*(?:\[[\s\S]*?\])?\s*>)*/i.exec(head);
  const rest = head.slice(prolog?.[0].length ?? 0);
  return /^<svg[\s>/]/i.test(rest) || /^<[a-z][\w.-]*:svg[\s>/]/i.test(rest) ? 'svg' : null;
}

/** Constructs SVG may not contain: scripts, handlers, foreign content, external references, entities, CSS imports. */
const SVG_FORBIDDEN: Array<[RegExp, string]> = [
  [/<!DOCTYPE|<!ENTITY/i, 'SVG with a DOCTYPE or entity declaration'],
  [/<\s*(?:[\w.-]+:)?script[\s>/]/i, 'SVG with a script'],
  [/[\s/"']on[a-z]+\s*=/i, 'SVG with an event handler attribute'],
  [/<\s*(?:[\w.-]+:)?foreignObject[\s>/]/i, 'SVG with foreignObject'],
  [/<\s*(?:[\w.-]+:)?(?:image|iframe|embed|object|feImage)[\s>/]/i, 'SVG with an embedded image or document'],
  [/@import/i, 'SVG with a CSS @import'],
  [/<\?xml-stylesheet/i, 'SVG with an external stylesheet'],
  [/javascript:|data:/i, 'SVG with a javascript: or data: URL'],
];

function screenSvg(bytes: Buffer): void {
  if (bytes.includes(Buffer.from([0]))) {
    throw new AppError('unsupported_media_type', 'SVG must be UTF-8 text', { field: FIELD });
  }
  const text = bytes.toString('utf8');
  for (const [pattern, what] of SVG_FORBIDDEN) {
    if (pattern.test(text)) throw new AppError('unsupported_media_type', `${what} is not accepted`, { field: FIELD });
  }
  // every reference must stay inside the document: href="#id", url(#id)
  for (const m of text.matchAll(/(?:^|[\s"'])(?:[\w.-]+:)?href\s*=\s*(["']?)([^"'\s>]*)/gi)) {
    if (!(m[2] ?? '').startsWith('#')) {
      throw new AppError('unsupported_media_type', 'SVG with an external reference is not accepted', { field: FIELD });
    }
  }
  for (const m of text.matchAll(/url\s*\(\s*(["']?)([^)"']*)/gi)) {
    if (!(m[2] ?? '').trim().startsWith('#')) {
      throw new AppError('unsupported_media_type', 'SVG with an external url() is not accepted', { field: FIELD });
    }
  }
}

function refuseCorrupt(type: SniffedImageType, cause: unknown): never {
  throw new AppError('invalid', `the image is truncated or does not parse as ${type}`, { field: FIELD, cause });
}

/**
 * Chunks a stored PNG may keep: the image itself and how to read its colours. Text, time, EXIF, ICC profiles and
 * animation are metadata or another image: a PNG with any of them is re-encoded.
 */
const CLEAN_PNG_CHUNKS = new Set(['IHDR', 'PLTE', 'tRNS', 'IDAT', 'IEND', 'sRGB', 'pHYs']);

/** A PNG of clean chunks only, ending at its IEND: already the normalised form (a crawler's screenshot usually is). */
function cleanPng(bytes: Buffer): boolean {
  let at = 8;
  while (at + 12 <= bytes.length) {
    const length = bytes.readUInt32BE(at);
    const type = bytes.toString('latin1', at + 4, at + 8);
    if (!CLEAN_PNG_CHUNKS.has(type)) return false;
    at += 12 + length;
    if (type === 'IEND') return at === bytes.length;
  }
  return false;
}

/**
 * The received bytes as evidence, when they need no re-encoding: a PNG of clean chunks, or a JPEG whose pixels read
 * the same without its metadata (sRGB or grey, no ICC profile, no EXIF turn). Null when they must be re-encoded.
 */
function keptAsReceived(type: SniffedImageType, bytes: Buffer, meta: Metadata): DecodedImage['evidence'] | null {
  if (type === 'png') return cleanPng(bytes) ? { type: 'png', bytes } : null;
  if (type !== 'jpeg' || meta.hasProfile || (meta.orientation ?? 1) !== 1 || (meta.space !== 'srgb' && meta.space !== 'b-w')) return null;
  const stripped = withoutMetadata(bytes);
  return stripped === null ? null : { type: 'jpeg', bytes: stripped };
}

/** Every pixel fully opaque (RGBA). */
function opaque(rgba: Buffer): boolean {
  for (let k = 3; k < rgba.length; k += 4) if (rgba[k] !== 255) return false;
  return true;
}

export async function decodeImage(bytes: Buffer, limits: ImageLimits = DEFAULT_IMAGE_LIMITS): Promise<DecodedImage> {
  if (bytes.length > limits.maxBytes) {
    throw new AppError('too_large', `the image is larger than ${limits.maxBytes} bytes`, { field: FIELD });
  }
  if (bytes.length === 0) throw new AppError('invalid', 'the image is empty', { field: FIELD });
  const type = sniffImageType(bytes);
  if (type === null) {
    throw new AppError('unsupported_media_type', 'the bytes are not PNG, JPEG, WebP, GIF or SVG', { field: FIELD });
  }
  if (type === 'svg') screenSvg(bytes);

  const base = { failOn: 'truncated' as const, limitInputPixels: limits.maxPixels, pages: 1 };
  let meta: Metadata;
  try {
    // the header only; an SVG's nominal size is free, its rasterisation is bounded below
    meta = await sharp(bytes, type === 'svg' ? { ...base, limitInputPixels: false } : base).metadata();
  } catch (cause) {
    if (cause instanceof Error && /pixel limit/i.test(cause.message)) {
      throw new AppError('too_large', `the image has more than ${limits.maxPixels} pixels`, { field: FIELD, cause });
    }
    refuseCorrupt(type, cause);
  }
  if (meta.format !== type) refuseCorrupt(type, new Error(`parsed as ${String(meta.format)}`));
  const width = meta.width ?? 0;
  const height = meta.pageHeight ?? meta.height ?? 0;
  if (width < 1 || height < 1) refuseCorrupt(type, new Error('no dimensions'));

  let input: () => Sharp;
  if (type === 'svg') {
    // bounded rasterisation: fit the longest side into svgRasterMaxSide, small drawings up to 256 px
    const side = Math.max(width, height);
    const target = Math.min(limits.svgRasterMaxSide, Math.max(256, side));
    const density = Math.min(2400, Math.max(1, (72 * target) / side));
    const out = Math.ceil((width * density) / 72) * Math.ceil((height * density) / 72);
    if (out > limits.maxPixels) throw new AppError('too_large', 'the SVG would rasterise too large', { field: FIELD });
    // density cannot go below 1 dpi: very large nominal sizes are rendered (within maxPixels) and shrunk
    input = () =>
      sharp(bytes, { ...base, density }).resize({
        width: limits.svgRasterMaxSide,
        height: limits.svgRasterMaxSide,
        fit: 'inside',
        withoutEnlargement: true,
      });
  } else {
    if (width * height > limits.maxPixels) {
      throw new AppError('too_large', `the image has more than ${limits.maxPixels} pixels`, { field: FIELD });
    }
    input = () => sharp(bytes, base).rotate();
  }

  // decoded once: the raw pixels are judged, and the evidence is written from them when the bytes themselves cannot
  // be kept (PNG level 1: it is kept, not served often; without an alpha channel when every pixel is opaque)
  let raw: { data: Buffer; info: OutputInfo };
  let evidence: DecodedImage['evidence'];
  try {
    raw = await input().toColourspace('srgb').ensureAlpha().raw().toBuffer({ resolveWithObject: true });
    const kept = keptAsReceived(type, bytes, meta);
    if (kept !== null) evidence = kept;
    else {
      const { width: w, height: h } = raw.info;
      const png = sharp(raw.data, { raw: { width: w, height: h, channels: 4 } });
      evidence = { type: 'png', bytes: await (!meta.hasAlpha || opaque(raw.data) ? png.removeAlpha() : png).png({ compressionLevel: 1 }).toBuffer() };
    }
  } catch (cause) {
    if (cause instanceof Error && /pixel limit/i.test(cause.message)) {
      throw new AppError('too_large', `the image has more than ${limits.maxPixels} pixels`, { field: FIELD, cause });
    }
    refuseCorrupt(type, cause);
  }
  const { data, info } = raw;
  if (info.channels !== 4 || data.length !== info.width * info.height * 4) {
    refuseCorrupt(type, new Error('unexpected raw layout'));
  }
  return {
    type,
    width: info.width,
    height: info.height,
    rgba: data,
    sha256: createHash('sha256').update(bytes).digest('hex'),
    evidence,
  };
}
