import { createRoute } from '@hono/zod-openapi';
import { newRouter } from '../../http/router';
import { serviceJson, serviceSummaryJson } from '../../publication/json';
import type { PublicService } from '../../publication/public-service';
import { searchRegistry } from '../../publication/registry';
import type { RegistrySnapshot } from '../../publication/snapshot';
import type { PublicContext } from './context';
import { publicProblem } from './html';
import { cursorOf } from './registry';
import { problemContent } from '../../http/openapi';
import { NumberParam, PublicServiceSchema, RegistryPageSchema, RegistryQuerySchema } from './schemas';
import { serviceOr404 } from './verify';
import { verifyUrl } from '../../urls';
import { LRUCache } from 'lru-cache';

const listRoute = createRoute({
  method: 'get',
  path: '/api/v1/services',
  tags: ['public'],
  summary: 'The public registry (Art. 11): filter by status and free text, paged by certification number',
  request: { query: RegistryQuerySchema },
  responses: {
    200: { description: 'a page of the registry', content: { 'application/json': { schema: RegistryPageSchema } } },
    400: { description: 'invalid query', content: problemContent },
  },
});

const oneRoute = createRoute({
  method: 'get',
  path: '/api/v1/services/{number}',
  tags: ['public'],
  summary: "The verification page's facts as JSON (docs/CONTRACT.md)",
  request: { params: NumberParam },
  responses: {
    200: { description: 'the service', content: { 'application/json': { schema: PublicServiceSchema } } },
    404: { description: 'unknown number, or never certified', content: problemContent },
  },
});

/** Anyone may read the public registry from a script on any site. */
const PUBLIC_JSON = { 'Access-Control-Allow-Origin': '*', 'Cache-Control': 'no-cache' };

/** `{…facts, "checkedAt": "…"}`: the facts serialised once per snapshot, the check time added per request. */
function withCheckedAt(json: string, now: Date): Buffer {
  return Buffer.from(`${json.slice(0, -1)},"checkedAt":"${now.toISOString()}"}`);
}

export function servicesApiRoutes(ctx: PublicContext) {
  const r = newRouter();
  r.onError(publicProblem);
  // Serialised answers, per snapshot (a new snapshot drops them) and per query; bounded.
  const lists = new WeakMap<RegistrySnapshot, LRUCache<string, { json: string; next: string | null }>>();
  const ones = new WeakMap<PublicService, string>();

  r.openapi(listRoute, async (c) => {
    const query = c.req.valid('query');
    const status = query.status ?? 'all';
    const limit = query.limit ?? 50;
    const q = query.q?.trim() || null;
    const after = cursorOf(query.cursor);
    const snapshot = await ctx.publication.snapshot();
    let cache = lists.get(snapshot);
    if (!cache) lists.set(snapshot, (cache = new LRUCache({ max: 256 })));
    const key = JSON.stringify([q, status, after, limit]);
    let answer = cache.get(key);
    if (!answer) {
      const page = searchRegistry(snapshot, { q, status, after, limit });
      answer = { json: JSON.stringify({ items: page.items.map((s) => serviceSummaryJson(s, ctx.base)), total: page.total, next: page.next }), next: page.next };
      cache.set(key, answer);
    }
    if (answer.next) {
      const next = new URLSearchParams({ ...(q ? { q } : {}), status, limit: String(limit), cursor: answer.next });
      c.header('Link', `<${ctx.base}/api/v1/services?${next}>; rel="next"`);
    }
    return c.body(withCheckedAt(answer.json, ctx.deps.clock.now()) as Uint8Array<ArrayBuffer>, 200, {
      'Content-Type': 'application/json',
      ...PUBLIC_JSON,
    }) as never;
  });

  r.openapi(oneRoute, async (c) => {
    const s = await serviceOr404(ctx, c.req.valid('param').number);
    let json = ones.get(s);
    if (json === undefined) {
      const { checkedAt: _, ...facts } = serviceJson(s, ctx.base, new Date(0));
      json = JSON.stringify(facts);
      ones.set(s, json);
    }
    return c.body(withCheckedAt(json, ctx.deps.clock.now()) as Uint8Array<ArrayBuffer>, 200, {
      'Content-Type': 'application/json',
      Link: `<${verifyUrl(ctx.base, s.number)}>; rel="alternate"; type="text/html"`,
      ...PUBLIC_JSON,
    }) as never;
  });
  return r;
}
