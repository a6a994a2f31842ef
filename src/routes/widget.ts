import { createRoute, z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import type { WidgetBundle } from '../../widget/build';
import type { AppEnv } from '../http/env';
import { newRouter } from '../http/router';
import { badgeImageUrl, verifyUrl } from '../urls';

/** The badge script, served to every site (CONTRACT.md: `GET /widget.js`). */
export function widgetRoutes(bundle: WidgetBundle) {
  const r = newRouter();
  const etag = `"${bundle.hash}"`;
  const serve = (c: Context<AppEnv>, cacheControl: string) => {
    const headers = {
      'Content-Type': 'text/javascript; charset=utf-8',
      'Cache-Control': cacheControl,
      ETag: etag,
      // Vendors' pages load it from their own origins, with or without crossorigin="anonymous" (SRI).
      'Access-Control-Allow-Origin': '*',
      'Cross-Origin-Resource-Policy': 'cross-origin',
    };
    if (c.req.header('If-None-Match') === etag) return c.body(null, 304, headers);
    return c.body(bundle.code, 200, headers);
  };

  r.openAPIRegistry.registerPath(
    createRoute({
      method: 'get',
      path: '/widget.js',
      tags: ['badge'],
      summary: 'The badge script that defines <certmark-badge> (cached 5 minutes; the hashed URL never changes)',
      responses: {
        200: { description: 'the script', content: { 'text/javascript': { schema: z.string() } } },
        304: { description: 'not modified' },
      },
    }),
  );
  // Short: a fixed script reaches every page within minutes.
  r.get('/widget.js', (c) => serve(c, 'public, max-age=300'));
  // A static path (another version's hash falls to the 404 problem): a pattern here would cost every request
  // the faster router (Hono's RegExpRouter refuses a custom pattern at the root).
  r.get(`/widget.${bundle.hash}.js`, (c) => serve(c, 'public, max-age=31536000, immutable'));
  return r;
}

const escapeAttr = (s: string) => s.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);

export interface SnippetInput {
  /** `{base}`: the public origin (config.publicBaseUrl). */
  base: string;
  token: string;
  number: string;
  bundle: Pick<WidgetBundle, 'hash' | 'integrity'>;
}

/**
 * The embed snippet (CONTRACT.md) for the token-issue CLI and the admin API: the content-hashed script with its
 * Subresource Integrity, the badge, and for pages without JavaScript the self-dating badge image linking to the
 * verification page (Art. 10.4).
 */
export function embedSnippet({ base, token, number, bundle }: SnippetInput): string {
  const b = base.replace(/\/+$/, '');
  return [
    `<script src="${escapeAttr(`${b}/widget.${bundle.hash}.js`)}" integrity="${escapeAttr(bundle.integrity)}" crossorigin="anonymous" async></script>`,
    `<certmark-badge token="${escapeAttr(token)}"></certmark-badge>`,
    `<noscript><a href="${escapeAttr(verifyUrl(b, number))}"><img src="${escapeAttr(badgeImageUrl(b, token))}" alt="${escapeAttr(`認定 ${number} / Certification ${number}`)}"></a></noscript>`,
  ].join('\n');
}
