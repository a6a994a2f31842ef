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
import { LangQuery, htmlError, htmlPage } from './html';
import { UnknownNumberPage } from '../../views/unknown-number-page';
import { memo, slottedPages } from './page-cache';
import { NumberParam } from './schemas';
import { qrPath, serviceFeedPath } from '../../urls';
import { insertLogSection } from '../../views/log-section';

const verifyRoute = createRoute({
  method: 'get',
  path: '/verify/{number}',
  tags: ['public'],
  summary: 'The verification page (Art. 10.4): HTML, Japanese by default, English with ?lang=en or Accept-Language: en',
  // Any path segment: a malformed number of any length gets the unknown-number page too (issue 18).
  request: {
    params: z.object({
      number: z
        .string()
        .min(1)
        .max(1000)
        .openapi({ param: { name: 'number', in: 'path' }, example: 'MD-0042-2411', description: 'the certification number' }),
    }),
    query: z.object({ lang: LangQuery }),
  },
  responses: {
    200: { description: 'the page', content: { 'text/html': { schema: z.string() } } },
    404: {
      description: 'unknown or malformed number, or a service never certified: the page says a mark pointing here may be counterfeit and how to report it',
      content: { 'text/html': { schema: z.string() } },
    },
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
    return renderPage(<VerifyPage service={s} lang={lang} slots={slots} markSvg={markSvg} base={ctx.base} certifier={ctx.deps.config.certifier} />);
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
    const lang = pickLang(c.req.valid('query').lang, c.req.header('accept-language'));
    const s = NUMBER_PATTERN.test(number) ? await ctx.publication.service(number) : null;
    if (!s) {
      // The page a counterfeit mark leads to: 404, saying so and how to report it (issue 18).
      const page = <UnknownNumberPage lang={lang} number={NUMBER_PATTERN.test(number) ? number : null} certifier={ctx.deps.config.certifier} />;
      return htmlPage(c, page, 404, { 'Cache-Control': 'no-cache', Vary: 'Accept-Language', 'Content-Language': lang }) as never;
    }
    // Our own pages (by the configured base or by the host the request came to) are not "another site".
    const own = originOf(c.req.url);
    const referer = c.req.header('referer');
    const verdict = referer && originOf(referer) === own ? { kind: 'none' as const } : refererVerdict(referer, ctx.baseOrigin, s.origins);
    const now = ctx.deps.clock.now();
    const html = await pages(s, lang, {
      checkedAt: checkedAt(`${lang}|${Math.floor(now.getTime() / 1000)}`),
      referer: verdict.kind === 'none' ? '' : refererNotice(s, lang, verdict),
    });
    // Each public event's log index, per request: the log follows the registry by a few seconds (issue 16).
    const withLog = ctx.deps.log ? insertLogSection(html, s.history, await ctx.deps.log.publicIndex(s.number), lang) : html;
    return c.body(withLog as Uint8Array<ArrayBuffer>, 200, {
      'Content-Type': 'text/html; charset=utf-8',
      Link: `<${ctx.base}/api/v1/services/${s.number}>; rel="alternate"; type="application/json", <${ctx.base}${serviceFeedPath(s.number)}${lang === 'en' ? '?lang=en' : ''}>; rel="alternate"; type="application/atom+xml"`,
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
