import { createRoute, z } from '@hono/zod-openapi';
import { NUMBER_PATTERN } from '../../domain/lifecycle/application';
import { AppError } from '../../errors';
import { newRouter } from '../../http/router';
import type { PublicService } from '../../publication/public-service';
import { originOf, refererVerdict, type RefererVerdict } from '../../publication/referer';
import { pickLang, type Lang } from '../../views/i18n';
import { renderPage } from '../../views/layout';
import { VerifyPage } from '../../views/verify-page';
import { CheckedAt, RefererNotice } from '../../views/verify-parts';
import type { PublicContext } from './context';
import { LangQuery, htmlError } from './html';
import { memo, slottedPages } from './page-cache';
import { NumberParam } from './schemas';
import { qrPath } from '../../urls';

const verifyRoute = createRoute({
  method: 'get',
  path: '/verify/{number}',
  tags: ['public'],
  summary: 'The verification page (Art. 10.4): HTML, Japanese by default, English with ?lang=en or Accept-Language: en',
  request: { params: NumberParam, query: z.object({ lang: LangQuery }) },
  responses: {
    200: { description: 'the page', content: { 'text/html': { schema: z.string() } } },
    404: { description: 'unknown number, or a service never certified', content: { 'text/html': { schema: z.string() } } },
  },
});

const qrRoute = createRoute({
  method: 'get',
  path: '/verify/{number}/qr.svg',
  tags: ['public'],
  summary: 'The QR code of the verification page moved to /qr/{number}.svg (one QR code, one quiet zone)',
  request: { params: NumberParam },
  responses: {
    301: { description: 'to /qr/{number}.svg' },
    404: { description: 'unknown number', content: { 'text/html': { schema: z.string() } } },
  },
});

/** The service for a number, or a 404 that says nothing of what was asked. */
export async function serviceOr404(ctx: PublicContext, number: string): Promise<PublicService> {
  const s = NUMBER_PATTERN.test(number) ? await ctx.publication.service(number) : null;
  if (!s) throw new AppError('not_found', 'no certified service has this number');
  return s;
}

export function verifyRoutes(ctx: PublicContext) {
  const r = newRouter();
  r.onError(htmlError);
  const pages = slottedPages(async (s, lang, slots) => {
    const markSvg = s.markServed ? ctx.officialMark(lang) : null;
    return renderPage(<VerifyPage service={s} lang={lang} slots={slots} markSvg={markSvg} base={ctx.base} />);
  });

  // The check time, to the second: the same fragment for every request within it.
  const checkedAt = memo(8, (key) => {
    const [lang, seconds] = key.split('|') as [Lang, string];
    return String(<CheckedAt at={new Date(Number(seconds) * 1000)} lang={lang} />);
  });

  // The Referer notice: few distinct sites per service in practice; bounded all the same.
  const notices = new WeakMap<PublicService, (key: string) => string>();
  const refererNotice = (s: PublicService, lang: Lang, verdict: RefererVerdict) => {
    let forService = notices.get(s);
    if (!forService) {
      forService = memo(64, (key) => {
        const [l, kind, host] = key.split('|') as [Lang, 'registered' | 'unregistered', string];
        return String(<RefererNotice verdict={{ kind, host }} service={s} lang={l} />);
      });
      notices.set(s, forService);
    }
    return verdict.kind === 'none' ? '' : forService(`${lang}|${verdict.kind}|${verdict.host}`);
  };

  r.openapi(verifyRoute, async (c) => {
    const { number } = c.req.valid('param');
    const s = await serviceOr404(ctx, number);
    const lang = pickLang(c.req.valid('query').lang, c.req.header('accept-language'));
    // Our own pages (by the configured base or by the host the request came to) are not "another site".
    const own = originOf(c.req.url);
    const referer = c.req.header('referer');
    const verdict = referer && originOf(referer) === own ? { kind: 'none' as const } : refererVerdict(referer, ctx.baseOrigin, s.origins);
    const now = ctx.deps.clock.now();
    const html = await pages(s, lang, {
      checkedAt: checkedAt(`${lang}|${Math.floor(now.getTime() / 1000)}`),
      referer: verdict.kind === 'none' ? '' : refererNotice(s, lang, verdict),
    });
    return c.body(html as Uint8Array<ArrayBuffer>, 200, {
      'Content-Type': 'text/html; charset=utf-8',
      Link: `<${ctx.base}/api/v1/services/${s.number}>; rel="alternate"; type="application/json"`,
      'Cache-Control': 'no-cache',
      Vary: 'Accept-Language, Referer',
      'Content-Language': lang,
    }) as never;
  });

  r.openapi(qrRoute, async (c) => {
    const s = await serviceOr404(ctx, c.req.valid('param').number);
    return c.redirect(qrPath(s.number), 301) as never;
  });
  return r;
}
