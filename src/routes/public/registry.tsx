import { createRoute, z } from '@hono/zod-openapi';
import { AppError } from '../../errors';
import { newRouter } from '../../http/router';
import { decodeCursor, registrySections, searchRegistry, STATUS_FILTERS } from '../../publication/registry';
import { pickLang } from '../../views/i18n';
import { RegistryPageView } from '../../views/registry-page';
import type { PublicContext } from './context';
import { LangQuery, htmlError, htmlPage } from './html';

export const PAGE_SIZE = 50;

const registryRoute = createRoute({
  method: 'get',
  path: '/registry',
  tags: ['public'],
  summary: 'The public registry as HTML (Arts. 11, 16.2, 17.3, 19.2): search, status filters and the published sections',
  request: {
    query: z.object({
      q: z.string().max(200).optional(),
      status: z.enum(STATUS_FILTERS).optional(),
      after: z.string().max(64).optional(),
      lang: LangQuery,
    }),
  },
  responses: {
    200: { description: 'the page', content: { 'text/html': { schema: z.string() } } },
    400: { description: 'invalid query', content: { 'text/html': { schema: z.string() } } },
  },
});

/** The cursor a page was asked for, or a 400 that does not repeat it. */
export function cursorOf(value: string | undefined): string | null {
  if (value === undefined || value === '') return null;
  const number = decodeCursor(value);
  if (!number) throw new AppError('invalid', 'the page cursor is not valid', { field: 'cursor' });
  return number;
}

export function registryRoutes(ctx: PublicContext) {
  const r = newRouter();
  r.onError(htmlError);
  r.openapi(registryRoute, async (c) => {
    const query = c.req.valid('query');
    const lang = pickLang(query.lang, c.req.header('accept-language'));
    const q = query.q?.trim() || null;
    const status = query.status ?? 'in_force';
    const after = cursorOf(query.after);
    const [snapshot, bodies] = await Promise.all([ctx.publication.snapshot(), ctx.publication.delegates()]);
    const page = searchRegistry(snapshot, { q, status, after, limit: PAGE_SIZE });
    const view = (
      <RegistryPageView
        lang={lang}
        q={q}
        status={status}
        page={page}
        paged={after !== null}
        sections={registrySections(snapshot)}
        delegates={bodies}
        certifier={ctx.deps.config.certifier}
      />
    );
    return htmlPage(c, view, 200, { 'Cache-Control': 'no-cache', Vary: 'Accept-Language', 'Content-Language': lang }) as never;
  });
  return r;
}
