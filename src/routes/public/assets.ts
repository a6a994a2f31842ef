import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { newRouter } from '../../http/router';

/** The public pages' one stylesheet (the CSP allows no inline style). */
export const SITE_CSS = fileURLToPath(new URL('../../../assets/site.css', import.meta.url));

const ICON = '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 16 16"><rect width="16" height="16" rx="3" fill="#1b1f24"/><rect x="4" y="4" width="8" height="2" fill="#fff"/><rect x="4" y="8" width="8" height="2" fill="#fff"/></svg>';

export function assetRoutes(file: string = SITE_CSS) {
  const r = newRouter();
  let css: Promise<{ body: string; etag: string }> | null = null;
  const load = async () => {
    const body = await readFile(file, 'utf8');
    return { body, etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 22)}"` };
  };
  // A plain tile, deliberately nothing like the mark: a page icon must never pass for it.
  r.get('/assets/icon.svg', (c) => c.body(ICON, 200, { 'Content-Type': 'image/svg+xml; charset=utf-8', 'Cache-Control': 'public, max-age=86400' }));
  r.get('/assets/site.css', async (c) => {
    const loading = (css ??= load());
    loading.catch(() => {
      css = null;
    });
    const { body, etag } = await loading;
    const headers = { 'Content-Type': 'text/css; charset=utf-8', 'Cache-Control': 'public, max-age=3600', ETag: etag };
    if (c.req.header('if-none-match') === etag) return c.body(null, 304, headers);
    return c.body(body, 200, headers);
  });
  return r;
}
