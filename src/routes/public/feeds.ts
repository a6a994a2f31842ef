import { createRoute, z } from '@hono/zod-openapi';
import { newRouter } from '../../http/router';
import { searchRegistry, STATUS_FILTERS } from '../../publication/registry';
import { registryAtom, serviceAtom } from '../../views/atom';
import { serviceCalendar } from '../../views/ical';
import { NumberParam } from './schemas';
import { serviceOr404 } from './verify';
import { registryCsv } from '../../views/csv';
import { pickLang } from '../../views/i18n';
import type { PublicContext } from './context';
import { LangQuery, publicProblem } from './html';
import { problemContent } from '../../http/openapi';

export const FEED_SIZE = 100;

const csvRoute = createRoute({
  method: 'get',
  path: '/registry.csv',
  tags: ['public'],
  summary: 'The registry as CSV (UTF-8 with BOM), filterable like /api/v1/services',
  request: { query: z.object({ q: z.string().max(200).optional(), status: z.enum(STATUS_FILTERS).optional() }) },
  responses: { 200: { description: 'CSV', content: { 'text/csv': { schema: z.string() } } }, 400: { description: 'invalid query', content: problemContent } },
});

const atomRoute = createRoute({
  method: 'get',
  path: '/registry.atom',
  tags: ['public'],
  summary: 'An Atom feed of status changes: certifications, renewals, extensions, expiries, revocations, terminations, lapses, published improvement requests',
  request: { query: z.object({ lang: LangQuery }) },
  responses: {
    200: { description: 'Atom', content: { 'application/atom+xml': { schema: z.string() } } },
    400: { description: 'invalid query', content: problemContent },
  },
});

const serviceAtomRoute = createRoute({
  method: 'get',
  path: '/verify/{number}/feed.atom',
  tags: ['public'],
  summary: "One service's public events as an Atom feed (certification, renewals, extensions, changes, improvement requests, the end): to watch a vendor",
  request: { params: NumberParam, query: z.object({ lang: LangQuery }) },
  responses: {
    200: { description: 'Atom', content: { 'application/atom+xml': { schema: z.string() } } },
    404: { description: 'unknown number', content: problemContent },
  },
});

const calendarRoute = createRoute({
  method: 'get',
  path: '/verify/{number}/calendar.ics',
  tags: ['public'],
  summary: "One service's validity period and renewal filing window (Art. 9.1, 12.1) as iCalendar (RFC 5545) all-day events",
  request: { params: NumberParam, query: z.object({ lang: LangQuery }) },
  responses: {
    200: { description: 'iCalendar', content: { 'text/calendar': { schema: z.string() } } },
    404: { description: 'unknown number', content: problemContent },
  },
});

export function feedRoutes(ctx: PublicContext) {
  const r = newRouter();
  r.onError(publicProblem);
  r.openapi(csvRoute, async (c) => {
    const query = c.req.valid('query');
    const snapshot = await ctx.publication.snapshot();
    const page = searchRegistry(snapshot, { q: query.q?.trim() || null, status: query.status ?? 'all', after: null, limit: Number.MAX_SAFE_INTEGER });
    return c.body(registryCsv(page.items, ctx.base), 200, {
      'Content-Type': 'text/csv; charset=utf-8; header=present',
      'Content-Disposition': 'attachment; filename="certmark-registry.csv"',
      'Cache-Control': 'no-cache',
      'Access-Control-Allow-Origin': '*',
    }) as never;
  });
  r.openapi(atomRoute, async (c) => {
    const lang = pickLang(c.req.valid('query').lang, c.req.header('accept-language'));
    const snapshot = await ctx.publication.snapshot();
    return c.body(registryAtom(snapshot.changes.slice(0, FEED_SIZE), ctx.base, lang, ctx.deps.clock.now()), 200, {
      'Content-Type': 'application/atom+xml; charset=utf-8',
      'Cache-Control': 'no-cache',
      'Access-Control-Allow-Origin': '*',
      Vary: 'Accept-Language',
    }) as never;
  });
  r.openapi(serviceAtomRoute, async (c) => {
    const s = await serviceOr404(ctx, c.req.valid('param').number);
    const lang = pickLang(c.req.valid('query').lang, c.req.header('accept-language'));
    return c.body(serviceAtom(s, ctx.base, lang, ctx.deps.clock.now()), 200, {
      'Content-Type': 'application/atom+xml; charset=utf-8',
      'Cache-Control': 'no-cache',
      'Access-Control-Allow-Origin': '*',
      Vary: 'Accept-Language',
    }) as never;
  });
  r.openapi(calendarRoute, async (c) => {
    const s = await serviceOr404(ctx, c.req.valid('param').number);
    const lang = pickLang(c.req.valid('query').lang, c.req.header('accept-language'));
    return c.body(serviceCalendar(s, ctx.base, lang, ctx.deps.clock.now()), 200, {
      'Content-Type': 'text/calendar; charset=utf-8',
      'Content-Disposition': `attachment; filename="${s.number}.ics"`,
      'Cache-Control': 'no-cache',
      'Access-Control-Allow-Origin': '*',
      Vary: 'Accept-Language',
    }) as never;
  });
  return r;
}
