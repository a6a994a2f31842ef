/**
 * The image side of a sighting: bytes decoded within bounds (src/detection/decode.ts: type by content, limits
 * before decoding, SVG screened), judged against the official renderings, and remembered by content hash so an
 * image seen before costs neither a decode nor a match.
 */
import type { Db } from '../db/database';
import { decodeImage, sniffImageType } from '../detection/decode';
import type { ImageVerdict, MarkMatcher } from '../detection/image';
import { DEFAULT_IMAGE_LIMITS, type ImageLimits } from '../detection/limits';
import { AppError } from '../errors';
import { findImage } from '../repositories/sightings';
import type { SightingInput } from './input';
import { refuseTrailingData } from './polyglot';
import { LRUCache } from 'lru-cache';

export interface ImageToStore {
  sha256: string;
  type: string;
  width: number;
  height: number;
  /** The evidence (decode.ts): the first frame, metadata and trailing bytes gone; PNG or JPEG. */
  bytes: Buffer;
}

/** A stored image as it is served: its bytes and their type, read from the bytes (images stored before 2026-12-03 are all PNG). */
export interface StoredImage {
  bytes: Buffer;
  contentType: 'image/png' | 'image/jpeg';
}

export const storedImage = (bytes: Buffer): StoredImage => ({ bytes, contentType: sniffImageType(bytes) === 'jpeg' ? 'image/jpeg' : 'image/png' });

export interface JudgedImage {
  verdict: ImageVerdict;
  /** Bytes to store, or null when the image is already stored. */
  store: ImageToStore | null;
}

export interface ImageJudge {
  judge(db: Db, image: SightingInput['image']): Promise<JudgedImage>;
  /** Called once the image is committed: later sightings of it skip the decode and the match. */
  remember(sha256: string, verdict: ImageVerdict): void;
  readonly limits: ImageLimits;
}

export function createImageJudge(matcher: MarkMatcher, options: { limits?: ImageLimits; cacheSize?: number } = {}): ImageJudge {
  const limits = options.limits ?? DEFAULT_IMAGE_LIMITS;
  const max = options.cacheSize ?? 20_000;
  const verdicts = new LRUCache<string, ImageVerdict>({ max });
  const cached = (sha256: string): ImageVerdict | undefined => verdicts.get(sha256);
  return {
    limits,
    async judge(db, image) {
      const known = cached(image.sha256);
      if (known) return { verdict: known, store: null };
      if (image.bytes === null) {
        const row = await findImage(db, image.sha256);
        if (!row) throw new AppError('invalid', 'no image with this SHA-256 was sent before; send the bytes', { field: 'imageSha256' });
        const decoded = await decodeImage(row.bytes, limits);
        return { verdict: await matcher.analyse(decoded), store: null };
      }
      if (image.bytes.length > limits.maxBytes) throw new AppError('too_large', `the image is larger than ${limits.maxBytes} bytes`, { field: 'image' });
      const type = sniffImageType(image.bytes);
      if (type !== null) refuseTrailingData(type, image.bytes);
      const decoded = await decodeImage(image.bytes, limits);
      const verdict = await matcher.analyse(decoded);
      return { verdict, store: { sha256: image.sha256, type: decoded.type, width: decoded.width, height: decoded.height, bytes: decoded.evidence.bytes } };
    },
    remember(sha256, verdict) {
      if (!verdicts.has(sha256)) verdicts.set(sha256, verdict);
    },
  };
}
