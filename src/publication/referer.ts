/**
 * Where the reader came from (Art. 10.2, 10.4): a mark must link to the verification page and may appear only
 * on the service's registered sites, so a reader arriving from another site is told whether that site is one.
 */
export type RefererVerdict = { kind: 'none' } | { kind: 'registered'; host: string } | { kind: 'unregistered'; host: string };

export function originOf(url: string): string | null {
  try {
    const u = new URL(url);
    if (u.protocol !== 'https:' && u.protocol !== 'http:') return null;
    return u.origin;
  } catch {
    return null;
  }
}

/**
 * The verdict on a Referer header. No header, a malformed one, a non-web scheme, or our own pages: no verdict.
 * The host shown is the parsed one (IDNs in punycode), never the raw header.
 */
export function refererVerdict(referer: string | undefined, ownOrigin: string, registered: readonly string[]): RefererVerdict {
  if (!referer || referer.length > 2048) return { kind: 'none' };
  const origin = originOf(referer);
  if (!origin || origin === ownOrigin) return { kind: 'none' };
  const host = new URL(origin).host;
  const ok = registered.some((r) => originOf(r) === origin);
  return ok ? { kind: 'registered', host } : { kind: 'unregistered', host };
}
