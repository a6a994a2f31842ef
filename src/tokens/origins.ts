/**
 * Web origins (RFC 6454) where a token's badge may appear (Art. 10.2), and the origin a request comes from.
 */

/** An http(s) origin as the browser serialises it (`https://example.jp`, default port dropped), or null. */
export function normalizeOrigin(input: string): string | null {
  if (input.length > 255 || !/^https?:\/\//i.test(input)) return null;
  let url: URL;
  try {
    url = new URL(input);
  } catch {
    return null;
  }
  if (url.username || url.password || url.search || url.hash || (url.pathname !== '/' && url.pathname !== '')) return null;
  if (!url.hostname || /[\s]/.test(input)) return null;
  return url.origin;
}

/**
 * Where the request says it comes from: `Origin`, else the origin of `Referer`.
 * `undefined`: neither was sent (a direct request, or a page whose referrer policy sends nothing): allowed.
 * `null`: an opaque origin (`Origin: null`, sandboxed frames, `data:` pages) or an unreadable header: not allowed.
 */
export function requestOrigin(origin: string | undefined, referer: string | undefined): string | null | undefined {
  if (origin !== undefined) {
    if (origin === 'null' || origin === '') return null;
    return normalizeOrigin(origin);
  }
  if (referer !== undefined && referer !== '') {
    if (referer.length > 4096) return null;
    try {
      const url = new URL(referer);
      return url.protocol === 'https:' || url.protocol === 'http:' ? url.origin : null;
    } catch {
      return null;
    }
  }
  return undefined;
}

/** Art. 10.2: the mark is served only on the token's origins; a request naming no origin is allowed. */
export function originAllowed(allowed: ReadonlySet<string>, origin: string | undefined, referer: string | undefined): boolean {
  if (origin !== undefined && allowed.has(origin)) return true; // the common cases, without parsing:
  if (origin === undefined && referer !== undefined && refererStartsWithAllowed(allowed, referer)) return true;
  const from = requestOrigin(origin, referer);
  if (from === undefined) return true;
  return from !== null && allowed.has(from);
}

/**
 * `Referer: {an allowed origin}/…`: the origin up to the first slash after the scheme is, byte for byte, a
 * normalised origin of the token, so the URL parser would give the same one.
 */
function refererStartsWithAllowed(allowed: ReadonlySet<string>, referer: string): boolean {
  const slash = referer.indexOf('/', 8); // after "https://"
  return slash > 0 && allowed.has(referer.slice(0, slash));
}
