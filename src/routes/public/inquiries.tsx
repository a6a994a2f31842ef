import { createRoute, z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { NUMBER_PATTERN } from '../../domain/lifecycle/application';
import { AppError } from '../../errors';
import type { AppEnv } from '../../http/env';
import { newRouter } from '../../http/router';
import { receiveInquiry } from '../../publication/inquiries';
import { pickLang } from '../../views/i18n';
import { INQUIRY_LIMITS, InquiryPage, InquiryReceivedPage } from '../../views/inquiry-page';
import type { PublicContext } from './context';
import { LangQuery, htmlError, htmlPage, publicProblem } from './html';
import { rateLimiter, type RateLimit } from './rate-limit';
import { problemContent } from '../../http/openapi';

/** Art. 18: five inquiries per client in ten minutes is plenty for a person and little for a script. */
export const INQUIRY_RATE: RateLimit = { max: 5, windowMs: 10 * 60_000 };
const BODY_LIMIT = 32 * 1024;

const noNul = /^[^\u0000]*$/;
const required = (max: number) => z.string().trim().min(1).max(max).regex(noNul);
const optional = (max: number) => z.string().trim().max(max).regex(noNul).nullable().optional();

export const InquiryBody = z
  .object({
    name: required(INQUIRY_LIMITS.name),
    email: z.email().max(INQUIRY_LIMITS.email),
    organisation: optional(INQUIRY_LIMITS.organisation),
    serviceNumber: z
      .union([z.literal(''), z.string().regex(NUMBER_PATTERN)])
      .nullable()
      .optional()
      .openapi({ example: 'MD-0042-2411' }),
    subject: required(INQUIRY_LIMITS.subject),
    body: required(INQUIRY_LIMITS.body),
    lang: LangQuery,
  })
  .openapi('Inquiry');

const Receipt = z.object({ id: z.string(), receivedAt: z.string(), message: z.string() }).openapi('InquiryReceipt');

const postRoute = createRoute({
  method: 'post',
  path: '/api/v1/inquiries',
  tags: ['public'],
  summary: 'The inquiry desk (Art. 18): JSON or an HTML form post; rate-limited per client',
  request: {
    query: z.object({ lang: LangQuery }),
    body: { content: { 'application/json': { schema: InquiryBody }, 'application/x-www-form-urlencoded': { schema: InquiryBody } } },
  },
  responses: {
    201: { description: 'received (JSON)', content: { 'application/json': { schema: Receipt } } },
    303: { description: 'received (form): see the confirmation page' },
    400: { description: 'invalid input (the answer names fields, never values)', content: problemContent },
    413: { description: 'too large', content: problemContent },
    415: { description: 'neither JSON nor a form', content: problemContent },
    429: { description: 'too many inquiries from this client', content: problemContent },
  },
});

const formRoute = createRoute({
  method: 'get',
  path: '/inquiry',
  tags: ['public'],
  summary: 'The inquiry form (HTML)',
  request: { query: z.object({ service: z.string().max(64).optional(), topic: z.enum(['misuse']).optional(), lang: LangQuery }) },
  responses: { 200: { description: 'the form', content: { 'text/html': { schema: z.string() } } } },
});

const receivedRoute = createRoute({
  method: 'get',
  path: '/inquiry/received',
  tags: ['public'],
  summary: 'The confirmation after the form was sent',
  request: { query: z.object({ lang: LangQuery }) },
  responses: { 200: { description: 'the confirmation', content: { 'text/html': { schema: z.string() } } } },
});

const isForm = (c: Context<AppEnv>) => /^application\/x-www-form-urlencoded|^multipart\/form-data/i.test(c.req.header('content-type') ?? '');

/** Form posts get an HTML page; JSON callers a problem. Neither ever repeats what was sent. */
function inquiryError(err: Error, c: Context<AppEnv>) {
  return isForm(c) ? htmlError(err, c) : publicProblem(err, c);
}

export function inquiryRoutes(ctx: PublicContext) {
  const pages = newRouter();
  pages.onError(htmlError);
  pages.openapi(formRoute, async (c) => {
    const q = c.req.valid('query');
    const lang = pickLang(q.lang, c.req.header('accept-language'));
    // Prefilled only with what we can vouch for: a well-formed number and a fixed subject.
    const serviceNumber = q.service && NUMBER_PATTERN.test(q.service) ? q.service : null;
    return htmlPage(c, <InquiryPage lang={lang} serviceNumber={serviceNumber} misuse={q.topic === 'misuse'} />, 200, { 'Cache-Control': 'no-cache' }) as never;
  });
  pages.openapi(receivedRoute, async (c) => {
    const lang = pickLang(c.req.valid('query').lang, c.req.header('accept-language'));
    return htmlPage(c, <InquiryReceivedPage lang={lang} />, 200, { 'Cache-Control': 'no-store' }) as never;
  });

  const api = newRouter();
  api.onError(inquiryError);
  const limit = rateLimiter(ctx.deps.clock, INQUIRY_RATE);
  const size = bodyLimit({
    maxSize: BODY_LIMIT,
    onError: () => {
      throw new AppError('too_large', 'the inquiry is too large');
    },
  });
  api.on('POST', '/api/v1/inquiries', limit, size);
  api.openapi(postRoute, async (c) => {
    const form = isForm(c);
    const input = form ? c.req.valid('form') : c.req.valid('json');
    if (!input || !('name' in input)) throw new AppError('unsupported_media_type', 'send the inquiry as JSON or as a form');
    const receipt = await receiveInquiry(ctx.deps.database.db, ctx.deps.clock, { ...input, serviceNumber: input.serviceNumber || null });
    if (form) {
      const lang = pickLang(input.lang ?? c.req.valid('query').lang, c.req.header('accept-language'));
      return c.redirect(`/inquiry/received?lang=${lang}`, 303) as never;
    }
    return c.json({ id: receipt.id, receivedAt: receipt.receivedAt.toISOString(), message: 'Your inquiry has been received; staff will reply by email.' }, 201);
  });
  return { pages, api };
}
