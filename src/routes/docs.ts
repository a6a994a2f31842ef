import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { OpenAPIHono } from '@hono/zod-openapi';
import type { AppDeps, AppEnv } from '../http/env';
import { completeDocument } from '../http/openapi';
import { newRouter } from '../http/router';

const ASSETS: Record<string, string> = {
  'swagger-ui.css': 'text/css; charset=utf-8',
  'swagger-ui-bundle.js': 'text/javascript; charset=utf-8',
};

const PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>certmark API</title><link rel="stylesheet" href="/docs/swagger-ui.css"></head>
<body><div id="swagger-ui"><p>The API is described in <a href="/openapi.json">/openapi.json</a>. This page needs JavaScript to browse it.</p></div>
<script src="/docs/swagger-ui-bundle.js"></script><script src="/docs/init.js"></script></body></html>`;

const INIT = `window.addEventListener('load', function () { window.SwaggerUIBundle({ url: '/openapi.json', dom_id: '#swagger-ui' }); });`;
const DOCS_CSP =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'";

/** /openapi.json and a browsable /docs served from the installed swagger-ui-dist: no outside network. */
export function docsRoutes(app: OpenAPIHono<AppEnv>, deps: AppDeps) {
  const r = newRouter();
  const cache = new Map<string, Uint8Array>();
  let document: unknown = null;
  r.get('/openapi.json', (c) => {
    document ??= completeDocument(
      app.getOpenAPI31Document({
        openapi: '3.1.0',
        info: {
          title: 'certmark',
          version: '1',
          description: 'Certification marks for medical-information ASP/SaaS: the registry, the mark, verification and misuse detection.',
          // OpenAPI 3.1's SPDX identifier (the library's types know only 3.0's fields)
          license: { name: 'Proprietary: the certification body’s own service', identifier: 'LicenseRef-Proprietary' } as { name: string },
        },
        servers: [{ url: deps.config.publicBaseUrl }],
      }),
    );
    return c.json(document);
  });
  r.get('/docs', (c) => c.html(PAGE, 200, { 'Content-Security-Policy': DOCS_CSP }));
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
