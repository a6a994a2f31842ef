import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { OpenAPIHono } from '@hono/zod-openapi';
import type { AppDeps, AppEnv } from '../http/env';
import { completeDocument } from '../http/openapi';
import { newRouter } from '../http/router';
import { DOCS_CSS, docsPage, type OpenApiDocument } from './docs-page';

const ASSETS: Record<string, string> = {
  'swagger-ui.css': 'text/css; charset=utf-8',
  'swagger-ui-bundle.js': 'text/javascript; charset=utf-8',
};

const INIT = `window.addEventListener('load', function () { window.SwaggerUIBundle({ url: '/openapi.json', dom_id: '#swagger-ui' }); });`;
const DOCS_CSP =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'";

/** /openapi.json and a browsable /docs served from the installed swagger-ui-dist: no outside network. */
export function docsRoutes(app: OpenAPIHono<AppEnv>, deps: AppDeps) {
  const r = newRouter();
  const cache = new Map<string, Uint8Array>();
  let document: unknown = null;
  let page: string | null = null;
  const openApi = () =>
    (document ??= completeDocument(
      app.getOpenAPI31Document({
        openapi: '3.1.0',
        info: {
          title: 'certmark',
          version: '1',
          description:
            'Certification marks for medical-information ASP/SaaS: the registry, the mark, verification and misuse detection. ' +
            'The public contract (the URLs outsiders depend on) is docs/CONTRACT.md in the repository; the rules are docs/rules.ja.md.',
          // OpenAPI 3.1's SPDX identifier (the library's types know only 3.0's fields)
          license: { name: 'Proprietary: the certification body’s own service', identifier: 'LicenseRef-Proprietary' } as { name: string },
        },
        servers: [{ url: deps.config.publicBaseUrl }],
      }),
    ));
  r.get('/openapi.json', (c) => c.json(openApi()));
  // Readable without script: the operations listed server-side; Swagger UI replaces the list when it loads.
  r.get('/docs', (c) => c.html((page ??= docsPage(openApi() as OpenApiDocument)), 200, { 'Content-Security-Policy': DOCS_CSP }));
  r.get('/docs/docs.css', (c) => c.body(DOCS_CSS, 200, { 'Content-Type': 'text/css; charset=utf-8', 'Cache-Control': 'public, max-age=3600' }));
  r.get('/docs/init.js', (c) => c.body(INIT, 200, { 'Content-Type': 'text/javascript; charset=utf-8' }));
  // One static route per asset (a `:asset` parameter here would cost every request the faster router).
  for (const [name, type] of Object.entries(ASSETS)) {
    r.get(`/docs/${name}`, async (c) => {
      let bytes = cache.get(name);
      if (!bytes) {
        const dir = dirname(createRequire(import.meta.url).resolve('swagger-ui-dist/package.json'));
        bytes = new Uint8Array(await readFile(join(dir, name)));
        cache.set(name, bytes);
      }
      return c.body(bytes as Uint8Array<ArrayBuffer>, 200, { 'Content-Type': type, 'Cache-Control': 'public, max-age=86400' });
    });
  }
  return r;
}
