/**
 * JPEG's container: marker segments (ITU T.81 B.1), each SOS followed by entropy-coded data that runs to the next
 * marker, up to EOI. Walked without decoding, to find where the image ends (polyglots) and to take out the segments
 * that carry metadata rather than the image.
 */

export interface JpegSegment {
  marker: number;
  /** Where the segment starts (its 0xFF) and ends (after its entropy-coded data, for SOS). */
  start: number;
  end: number;
}

/** The segments after SOI, EOI last; null when the bytes do not walk as JPEG up to an EOI. */
export function jpegSegments(bytes: Buffer): JpegSegment[] | null {
  const out: JpegSegment[] = [];
  let at = 2;
  while (at + 1 < bytes.length) {
    if (bytes[at] !== 0xff) return null;
    const start = at;
    while (bytes[at + 1] === 0xff) at++; // fill bytes
    const marker = bytes[at + 1];
    if (marker === undefined) return null;
    if (marker === 0xd9) {
      out.push({ marker, start, end: at + 2 });
      return out;
    }
    if ((marker >= 0xd0 && marker <= 0xd7) || marker === 0x01) {
      at += 2;
      out.push({ marker, start, end: at });
      continue;
    }
    if (at + 4 > bytes.length) return null;
    at += 2 + bytes.readUInt16BE(at + 2);
    if (marker === 0xda) {
      // entropy-coded data, up to the next 0xFF that is neither a stuffed byte (0xFF00) nor a restart marker (0xFFD0-D7)
      for (;;) {
        const ff = bytes.indexOf(0xff, at);
        if (ff === -1 || ff + 1 >= bytes.length) {
          at = bytes.length;
          break;
        }
        const next = bytes[ff + 1]!;
        at = ff;
        if (next !== 0x00 && !(next >= 0xd0 && next <= 0xd7)) break;
        at = ff + 2;
      }
    }
    if (at > bytes.length) return null;
    out.push({ marker, start, end: at });
  }
  return null;
}

/** Where the image ends (after EOI); null when it does not walk as JPEG. */
export function jpegEnd(bytes: Buffer): number | null {
  const segments = jpegSegments(bytes);
  return segments === null ? null : segments[segments.length - 1]!.end;
}

/** APP0 (JFIF) and APP14 (Adobe: how the components are coded) are needed to read the colours; other APPn and COM are metadata. */
const METADATA = (marker: number) => marker === 0xfe || (marker >= 0xe1 && marker <= 0xef && marker !== 0xee);

/** The same JPEG without its metadata segments (EXIF, XMP, ICC, Photoshop, comments), up to its EOI; null when it does not walk. */
export function withoutMetadata(bytes: Buffer): Buffer | null {
  const segments = jpegSegments(bytes);
  if (segments === null) return null;
  return Buffer.concat([bytes.subarray(0, 2), ...segments.filter((s) => !METADATA(s.marker)).map((s) => bytes.subarray(s.start, s.end))]);
}
