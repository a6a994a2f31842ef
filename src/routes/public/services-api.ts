import { createRoute, z } from '@hono/zod-openapi';
import { newRouter } from '../../http/router';
import { serviceJson, serviceSummaryJson } from '../../publication/json';
import { encodeCursor, searchRegistry } from '../../publication/registry';
import type { PublicContext } from './context';
import { cursorOf } from './registry';
import { NumberParam, PublicServiceSchema, RegistryPageSchema, RegistryQuerySchema, problemContent } from './schemas';
import { serviceOr404 } from './verify';

const listRoute = createRoute({
  method: 'get',
  path: '/api/v1/services',
  tags: ['public'],
  summary: 'The public registry (Art. 11): filter by status and free text, paged by certification number',
  request: { query: RegistryQuerySchema },
  responses: { 200: { description: 'a page of the registry', content: { 'application/json': { schema: RegistryPageSchema } } }, 400: { description: 'invalid query', content: problemContent } },
});

const oneRoute = createRoute({
  method: 'get',
  path: '/api/v1/services/{number}',
  tags: ['public'],
  summary: "The verification page's facts as JSON (CONTRACT.md)",
  request: { params: NumberParam },
  responses: { 200: { description: 'the service', content: { 'application/json': { schema: PublicServiceSchema } } }, 404: { description: 'unknown number, or never certified', content: problemContent } },
});

/** Anyone may read the public registry from a script on any site. */
const PUBLIC_JSON = { 'Access-Control-Allow-Origin': '*', 'Cache-Control': 'no-cache' };

export function servicesApiRoutes(ctx: PublicContext) {
  const r = newRouter();
  r.openapi(listRoute, async (c) => {
    const query = c.req.valid('query');
    const status = query.status ?? 'all';
    const limit = query.limit ?? 50;
    const q = query.q?.trim() || null;
    const page = searchRegistry(await ctx.publication.snapshot(), { q, status, after: cursorOf(query.cursor), limit });
    if (page.next) {
      const next = new URLSearchParams({ ...(q ? { q } : {}), status, limit: String(limit), cursor: page.next });
      c.header('Link', `<${ctx.base}/api/v1/services?${next}>; rel="next"`);
    }
    for (const [k, v] of Object.entries(PUBLIC_JSON)) c.header(k, v);
    return c.json({ items: page.items.map((s) => serviceSummaryJson(s, ctx.base)), total: page.total, next: page.next, checkedAt: ctx.deps.clock.now().toISOString() }, 200);
  });

  r.openapi(oneRoute, async (c) => {
    const s = await serviceOr404(ctx, c.req.valid('param').number);
    c.header('Link', `<${ctx.base}/verify/${s.number}>; rel="alternate"; type="text/html"`);
    for (const [k, v] of Object.entries(PUBLIC_JSON)) c.header(k, v);
    return c.json(serviceJson(s, ctx.base, ctx.deps.clock.now()), 200);
  });
  return r;
}

export { encodeCursor };
