import { createRoute, z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { NUMBER_PATTERN } from '../../domain/lifecycle/application';
import { AppError } from '../../errors';
import type { AppEnv } from '../../http/env';
import { newRouter } from '../../http/router';
import { receiveInquiry } from '../../publication/inquiries';
import { pickLang } from '../../views/i18n';
import { INQUIRY_FIELDS, INQUIRY_LIMITS, InquiryPage, InquiryReceivedPage, type InquiryField, type InquiryValues } from '../../views/inquiry-page';
import { messages } from '../../views/i18n';
import { inquiryReference, REFERENCE_PATTERN } from '../../publication/inquiries';
import type { PublicContext } from './context';
import { LangQuery, htmlError, htmlPage, publicProblem } from './html';
import { rateLimiter, type RateLimit } from '../../http/rate-limit';
import { problemContent } from '../../http/openapi';
import { noticeSettingsOf } from '../../notices/compose';

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

const Receipt = z
  .object({
    id: z.string(),
    reference: z.string().openapi({ description: 'the reference number the reader quotes', example: '20261202-3FA9C1' }),
    receivedAt: z.string(),
    replyWithinBusinessDays: z.number().int(),
    message: z.string(),
  })
  .openapi('InquiryReceipt');

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
    303: { description: 'received (form): see the confirmation page, which shows the reference number' },
    400: {
      description:
        'invalid input: JSON callers get problem+json naming fields, never values; a form post gets the form again with the errors beside their fields',
      content: problemContent,
    },
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
  request: { query: z.object({ service: z.string().max(64).optional(), topic: z.enum(['misuse', 'counterfeit']).optional(), lang: LangQuery }) },
  responses: { 200: { description: 'the form', content: { 'text/html': { schema: z.string() } } } },
});

const receivedRoute = createRoute({
  method: 'get',
  path: '/inquiry/received',
  tags: ['public'],
  summary: 'The confirmation after the form was sent',
  request: { query: z.object({ ref: z.string().max(40).optional(), lang: LangQuery }) },
  responses: { 200: { description: 'the confirmation', content: { 'text/html': { schema: z.string() } } } },
});

const isForm = (c: Context<AppEnv>) => /^application\/x-www-form-urlencoded|^multipart\/form-data/i.test(c.req.header('content-type') ?? '');

/** The fields of the form that a refused post names (the first ten issues of the schema). */
function fieldsAtFault(err: Error): InquiryField[] {
  if (!(err instanceof AppError) || err.kind !== 'invalid') return [];
  const named = [err.field, ...((err.extra?.issues as { field: string }[] | undefined) ?? []).map((i) => i.field)];
  return INQUIRY_FIELDS.filter((f) => named.includes(f));
}

/** What the reader sent in their own post, as strings cut to the form's limits, to put back into the controls; and its language. */
async function sentForm(c: Context<AppEnv>): Promise<{ values: InquiryValues; lang: 'ja' | 'en' | undefined }> {
  const body = await c.req.parseBody().catch(() => ({}) as Record<string, unknown>);
  const limits: Record<InquiryField, number> = { ...INQUIRY_LIMITS, serviceNumber: 12 };
  const values: InquiryValues = {};
  for (const f of INQUIRY_FIELDS) {
    const v = body[f];
    if (typeof v === 'string') values[f] = v.replace(/\u0000/g, '').slice(0, limits[f]);
  }
  return { values, lang: body.lang === 'ja' || body.lang === 'en' ? body.lang : undefined };
}

/**
 * Form posts the schema refuses get the form again, the errors beside their fields and the reader's own input
 * back in the controls (escaped, never in the page's text), so nothing needs script or a "go back". Other
 * errors: an HTML page for forms, a problem for JSON callers.
 */
async function inquiryError(err: Error, c: Context<AppEnv>, ctx: PublicContext) {
  if (!isForm(c)) return publicProblem(err, c);
  const fields = fieldsAtFault(err);
  if (!fields.length) return htmlError(err, c);
  const { values, lang: sentLang } = await sentForm(c);
  const q = c.req.query('lang');
  const lang = pickLang(sentLang ?? (q === 'ja' || q === 'en' ? q : undefined), c.req.header('accept-language'));
  const page = <InquiryPage lang={lang} values={values} topic={null} errors={fields} certifier={ctx.deps.config.certifier} />;
  return htmlPage(c, page, 400, { 'Cache-Control': 'no-store' });
}

export function inquiryRoutes(ctx: PublicContext) {
  const pages = newRouter();
  pages.onError(htmlError);
  pages.openapi(formRoute, async (c) => {
    const q = c.req.valid('query');
    const lang = pickLang(q.lang, c.req.header('accept-language'));
    // Prefilled only with what we can vouch for: a well-formed number and a fixed subject.
    const serviceNumber = q.service && NUMBER_PATTERN.test(q.service) ? q.service : undefined;
    const m = messages(lang);
    const subject = q.topic === 'misuse' ? m.misuseSubject : q.topic === 'counterfeit' ? m.counterfeitSubject : undefined;
    const page = <InquiryPage lang={lang} values={{ serviceNumber, subject }} topic={q.topic ?? null} certifier={ctx.deps.config.certifier} />;
    return htmlPage(c, page, 200, { 'Cache-Control': 'no-cache' }) as never;
  });
  pages.openapi(receivedRoute, async (c) => {
    const q = c.req.valid('query');
    const lang = pickLang(q.lang, c.req.header('accept-language'));
    // Only a reference of our own form is shown (the URL is the reader's; it cannot carry words onto the page).
    const reference = q.ref && REFERENCE_PATTERN.test(q.ref) ? q.ref : null;
    return htmlPage(c, <InquiryReceivedPage lang={lang} reference={reference} certifier={ctx.deps.config.certifier} />, 200, {
      'Cache-Control': 'no-store',
    }) as never;
  });

  const api = newRouter();
  api.onError((err, c) => inquiryError(err, c, ctx));
  const limit = rateLimiter(INQUIRY_RATE, 'too many inquiries from this client; try again later');
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
    const receipt = await receiveInquiry(
      ctx.deps.database.db,
      ctx.deps.clock,
      { ...input, serviceNumber: input.serviceNumber || null },
      noticeSettingsOf(ctx.deps.config, ctx.deps.mark),
    );
    if (form) {
      const lang = pickLang(input.lang ?? c.req.valid('query').lang, c.req.header('accept-language'));
      return c.redirect(`/inquiry/received?ref=${inquiryReference(receipt)}&lang=${lang}`, 303) as never;
    }
    const days = ctx.deps.config.certifier.inquiryReplyDays;
    return c.json(
      {
        id: receipt.id,
        reference: inquiryReference(receipt),
        receivedAt: receipt.receivedAt.toISOString(),
        replyWithinBusinessDays: days,
        message: `Your inquiry has been received; staff usually reply by email within ${days} business days.`,
      },
      201,
    );
  });
  return { pages, api };
}
