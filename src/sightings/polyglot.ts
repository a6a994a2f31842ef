/**
 * Polyglots: bytes that are an image and something else at once (a PNG with a ZIP or an HTML page after its end,
 * a GIF followed by script). Decoders stop at the image's end and never see the rest, so the container is
 * walked here and anything after the image's end is refused. (The stored copy keeps nothing past the image's end.)
 */
import { AppError } from '../errors';
import { jpegEnd } from '../detection/jpeg';
import type { SniffedImageType } from '../detection/limits';

const refuse = (what: string) => new AppError('unsupported_media_type', `${what}: the bytes are an image and something else (a polyglot)`, { field: 'image' });

/** PNG: chunks (length, type, data, CRC) up to IEND, then nothing. */
function pngEnd(bytes: Buffer): number | null {
  let at = 8;
  while (at + 12 <= bytes.length) {
    const length = bytes.readUInt32BE(at);
    const type = bytes.toString('latin1', at + 4, at + 8);
    const next = at + 12 + length;
    if (length > 0x7fffffff || next > bytes.length) return null;
    if (type === 'IEND') return next;
    at = next;
  }
  return null;
}

/** GIF: header, screen descriptor, colour table, then blocks up to the trailer 0x3B. */
function gifEnd(bytes: Buffer): number | null {
  const table = (packed: number) => (packed & 0x80 ? 3 * 2 ** ((packed & 7) + 1) : 0);
  const subBlocks = (from: number): number | null => {
    let at = from;
    while (at < bytes.length) {
      const size = bytes[at]!;
      at += 1 + size;
      if (size === 0) return at;
    }
    return null;
  };
  if (bytes.length < 13) return null;
  let at: number | null = 13 + table(bytes[10]!);
  while (at !== null && at < bytes.length) {
    const block: number = bytes[at]!;
    if (block === 0x3b) return at + 1;
    if (block === 0x21) at = subBlocks(at + 2);
    else if (block === 0x2c) {
      if (at + 10 > bytes.length) return null;
      at = subBlocks(at + 10 + table(bytes[at + 9]!) + 1);
    } else return null;
  }
  return null;
}

/** Throws when bytes follow the end of the image. Malformed or truncated files are left to the decoder. */
export function refuseTrailingData(type: SniffedImageType, bytes: Buffer): void {
  const end = type === 'png' ? pngEnd(bytes) : type === 'gif' ? gifEnd(bytes) : type === 'jpeg' ? jpegEnd(bytes) : type === 'webp' ? webpEnd(bytes) : null;
  if (end === null || end >= bytes.length) return;
  // a little padding is common (zero fill, a newline); a document, a script or an archive is not
  const rest = bytes.subarray(end);
  if (rest.length > 64 || !rest.every((b) => b === 0 || b === 0x0a || b === 0x0d || b === 0x20 || b === 0x09)) {
    throw refuse(`${rest.length} bytes after the end of the ${type.toUpperCase()} image`);
  }
}

/** WebP: the RIFF size field covers everything after its first 8 bytes (padded to even). */
function webpEnd(bytes: Buffer): number | null {
  if (bytes.length < 12) return null;
  const size = bytes.readUInt32LE(4) + 8;
  return size + (size % 2);
}
