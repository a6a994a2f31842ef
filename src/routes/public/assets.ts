import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { newRouter } from '../../http/router';
import { CERTIFIER_LOGO_PATH } from '../../views/layout';

const ICON =
  '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 16 16"><rect width="16" height="16" rx="3" fill="#1b1f24"/><rect x="4" y="4" width="8" height="2" fill="#fff"/><rect x="4" y="8" width="8" height="2" fill="#fff"/></svg>';

/** The public pages' one stylesheet (assets/site.css: the CSP allows no inline style) and the page icon. */
export function assetRoutes(siteCss: string, logoFile: string | null = null) {
  const r = newRouter();
  const etag = `"${createHash('sha256').update(siteCss).digest('base64url').slice(0, 22)}"`;
  // A plain tile, deliberately nothing like the mark: a page icon must never pass for it.
  r.get('/assets/icon.svg', (c) => c.body(ICON, 200, { 'Content-Type': 'image/svg+xml; charset=utf-8', 'Cache-Control': 'public, max-age=86400' }));
  r.get('/assets/site.css', (c) => {
    const headers = { 'Content-Type': 'text/css; charset=utf-8', 'Cache-Control': 'public, max-age=3600', ETag: etag };
    if (c.req.header('if-none-match') === etag) return c.body(null, 304, headers);
    return c.body(siteCss, 200, headers);
  });
  // The certifier's logo, when configured: read on first use (createApp does no I/O), then kept.
  let logo: Promise<Uint8Array | null> | null = null;
  r.get(CERTIFIER_LOGO_PATH, async (c) => {
    if (!logoFile) return c.body(null, 404);
    logo ??= readFile(logoFile).then(
      (b) => new Uint8Array(b),
      () => null,
    );
    const bytes = await logo;
    if (!bytes) return c.body(null, 404);
    const type = logoFile.toLowerCase().endsWith('.svg') ? 'image/svg+xml' : 'image/png';
    return c.body(bytes as Uint8Array<ArrayBuffer>, 200, {
      'Content-Type': type,
      'Cache-Control': 'public, max-age=3600',
      'Content-Security-Policy': "default-src 'none'; style-src 'unsafe-inline'; sandbox",
    });
  });
  return r;
}
