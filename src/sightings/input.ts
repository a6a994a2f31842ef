/**
 * What a crawler reports (CONTRACT.md, "For crawlers"), checked before anything is stored. certmark never
 * fetches any URL it is sent: the URLs here are only parsed and compared.
 */
import { createHash } from 'node:crypto';
import { canonicalJson } from '../domain/canonical-json';
import { AppError, invalid } from '../errors';

export const MAX_URL_LENGTH = 2048;
export const MAX_TOKEN_FIELD_LENGTH = 8192;
/** Crawler clocks drift; a sighting later than this past certmark's clock is refused. */
export const MAX_FUTURE_SKEW_MS = 5 * 60 * 1000;
/** No mark existed before certmark; older sightings are typing errors. */
export const EARLIEST_SEEN_AT = new Date('2000-01-01T00:00:00Z');

const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(\.\d{1,9})?([Zz]|[+-]\d{2}:\d{2})$/;
const SHA256_HEX = /^[0-9a-f]{64}$/;
const CONTROL = /[\u0000-\u001f\u007f]/;

export interface SightingInput {
  /** The page, as an absolute http(s) URL without its fragment. */
  pageUrl: string;
  pageOrigin: string;
  seenAt: Date;
  /** New bytes, or the SHA-256 of bytes sent before (DOMAIN.md: "or a reference to bytes already sent"). */
  image: { bytes: Buffer; sha256: string } | { bytes: null; sha256: string };
  linkHref: string | null;
  token: string | null;
}

export interface SightingFields {
  pageUrl: string;
  seenAt: string;
  image?: File | undefined;
  imageSha256?: string | undefined;
  linkHref?: string | undefined;
  token?: string | undefined;
}

export function parsePageUrl(raw: string): { pageUrl: string; pageOrigin: string } {
  if (raw.length > MAX_URL_LENGTH) throw invalid('pageUrl', `pageUrl is longer than ${MAX_URL_LENGTH} characters`);
  if (CONTROL.test(raw)) throw invalid('pageUrl', 'pageUrl contains control characters');
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw invalid('pageUrl', 'pageUrl is not an absolute URL');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw invalid('pageUrl', 'pageUrl must be an http or https URL');
  if (url.username || url.password) throw invalid('pageUrl', 'pageUrl must not carry credentials');
  url.hash = '';
  return { pageUrl: url.href, pageOrigin: url.origin };
}

/** RFC 3339 with an offset; not before 2000, not later than the clock allows. */
export function parseSeenAt(raw: string, now: Date): Date {
  const m = RFC3339.exec(raw);
  if (!m) throw invalid('seenAt', 'seenAt must be an RFC 3339 date-time with an offset (2026-04-01T09:00:00Z)');
  const [, y, mo, d, h, mi, s] = m.map(Number) as number[];
  const day = new Date(Date.UTC(y!, mo! - 1, d!));
  if (mo! < 1 || mo! > 12 || day.getUTCDate() !== d || h! > 23 || mi! > 59 || s! > 59) throw invalid('seenAt', 'seenAt is not a valid date-time');
  const at = new Date(raw.replace(/[Tt]/, 'T').replace(/z$/, 'Z'));
  if (Number.isNaN(at.getTime())) throw invalid('seenAt', 'seenAt is not a valid date-time');
  if (at.getTime() < EARLIEST_SEEN_AT.getTime()) throw invalid('seenAt', 'seenAt is before 2000');
  if (at.getTime() > now.getTime() + MAX_FUTURE_SKEW_MS) throw invalid('seenAt', 'seenAt is in the future');
  return at;
}

function optionalText(field: string, raw: string | undefined, max: number): string | null {
  if (raw === undefined || raw === '') return null;
  if (raw.length > max) throw invalid(field, `${field} is longer than ${max} characters`);
  if (CONTROL.test(raw)) throw invalid(field, `${field} contains control characters`);
  return raw.trim() === '' ? null : raw.trim();
}

/** Checks the form fields; the image bytes are read here, their content is judged later (decode.ts). */
export async function sightingInput(fields: SightingFields, now: Date, maxImageBytes: number): Promise<SightingInput> {
  const page = parsePageUrl(fields.pageUrl);
  const seenAt = parseSeenAt(fields.seenAt, now);
  const linkHref = optionalText('linkHref', fields.linkHref, MAX_URL_LENGTH);
  const token = optionalText('token', fields.token, MAX_TOKEN_FIELD_LENGTH);
  const reference = fields.imageSha256?.trim().toLowerCase() || null;
  if (fields.image !== undefined && reference !== null) throw invalid('image', 'send either image or imageSha256, not both');
  let image: SightingInput['image'];
  if (fields.image !== undefined) {
    // The declared type and file name are ignored: the bytes say what they are.
    if (fields.image.size > maxImageBytes) throw new AppError('too_large', `the image is larger than ${maxImageBytes} bytes`, { field: 'image' });
    const bytes = Buffer.from(await fields.image.arrayBuffer());
    if (bytes.length === 0) throw invalid('image', 'the image is empty');
    image = { bytes, sha256: createHash('sha256').update(bytes).digest('hex') };
  } else if (reference !== null) {
    if (!SHA256_HEX.test(reference)) throw invalid('imageSha256', 'imageSha256 must be 64 hexadecimal digits');
    image = { bytes: null, sha256: reference };
  } else {
    throw invalid('image', 'image is required (or imageSha256, naming bytes sent before)');
  }
  return { ...page, seenAt, image, linkHref, token };
}

/**
 * The request's fingerprint for Idempotency-Key: the fields in canonical form and the image by its hash, so the
 * same sighting sent again (whatever the multipart boundary or field order) is recognised as the same request.
 */
export function requestHash(input: SightingInput): string {
  return createHash('sha256')
    .update(
      canonicalJson({
        pageUrl: input.pageUrl,
        seenAt: input.seenAt.toISOString(),
        imageSha256: input.image.sha256,
        linkHref: input.linkHref,
        token: input.token,
      }),
    )
    .digest('hex');
}
