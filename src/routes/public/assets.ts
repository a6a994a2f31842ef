import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { newRouter } from '../../http/router';

/** The public pages' one stylesheet (the CSP allows no inline style). */
export const SITE_CSS = fileURLToPath(new URL('../../../assets/site.css', import.meta.url));

export function assetRoutes(file: string = SITE_CSS) {
  const r = newRouter();
  let css: Promise<{ body: string; etag: string }> | null = null;
  const load = async () => {
    const body = await readFile(file, 'utf8');
    return { body, etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 22)}"` };
  };
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
