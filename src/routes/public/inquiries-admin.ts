import { createRoute, z } from '@hono/zod-openapi';
import { AppError } from '../../errors';
import { newRouter } from '../../http/router';
import { answerInquiry, closeInquiry, inquiryForStaff, inquirySummaries } from '../../publication/inquiries';
import { cursorInstant, optionalText, text } from '../admin/schemas';
import { lifecycleContext, roleGuard, staffReader } from '../admin/shared';
import { errorResponses, problemContent } from '../../http/openapi';

const Status = z.enum(['new', 'answered', 'closed']);

const Summary = z
  .object({ id: z.string(), reference: z.string(), receivedAt: z.string(), status: Status, serviceNumber: z.string().nullable() })
  .openapi('InquirySummary');
const Full = z
  .object({
    id: z.string(),
    reference: z.string(),
    receivedAt: z.string(),
    status: Status,
    name: z.string(),
    email: z.string(),
    organisation: z.string().nullable(),
    serviceNumber: z.string().nullable(),
    subject: z.string(),
    body: z.string(),
    answer: z.string().nullable().openapi({ description: 'Art. 18: the answer given, as staff recorded it' }),
    answeredBy: z.string().nullable(),
    answeredAt: z.string().nullable(),
    closedBy: z.string().nullable(),
    closedAt: z.string().nullable(),
    closeNote: z.string().nullable(),
  })
  .openapi('InquiryForStaff');
const Stepped = z.object({ inquiry: Full, eventIds: z.array(z.number().int()) }).openapi('InquiryStep');
const IdParam = z.object({ id: z.uuid().openapi({ param: { name: 'id', in: 'path' } }) });
const writers = [roleGuard('admin', 'reviewer')];

const answerRoute = createRoute({
  method: 'post',
  path: '/{id}/answer',
  tags: ['staff: inquiries'],
  summary: 'Art. 18: record the answer given to the inquirer (who, when, text): new → answered',
  security: [{ staffToken: [] }],
  middleware: writers,
  request: {
    params: IdParam,
    body: { content: { 'application/json': { schema: z.object({ answer: text(20000) }).openapi('InquiryAnswer') } }, required: true },
  },
  responses: {
    200: { description: 'answered', content: { 'application/json': { schema: Stepped } } },
    ...errorResponses(400, 401, 403, 404, 409),
  },
});

const closeRoute = createRoute({
  method: 'post',
  path: '/{id}/closing',
  tags: ['staff: inquiries'],
  summary: 'Art. 18: close the inquiry: answered, or unanswered with the reason (`note`)',
  security: [{ staffToken: [] }],
  middleware: writers,
  request: {
    params: IdParam,
    body: { content: { 'application/json': { schema: z.object({ note: optionalText(2000) }).openapi('InquiryClosing') } }, required: true },
  },
  responses: {
    200: { description: 'closed', content: { 'application/json': { schema: Stepped } } },
    ...errorResponses(400, 401, 403, 404, 409),
  },
});

const listRoute = createRoute({
  method: 'get',
  path: '/',
  tags: ['staff: inquiries'],
  summary: 'Inquiries received at the desk (Art. 18), newest first; summaries without personal data',
  security: [{ staffToken: [] }],
  request: {
    query: z.object({
      status: Status.optional(),
      limit: z.coerce.number().int().min(1).max(200).optional(),
      cursor: z.string().max(200).optional().openapi({ description: 'the `next` of the previous page' }),
    }),
  },
  responses: {
    200: { description: 'a page', content: { 'application/json': { schema: z.object({ items: z.array(Summary), next: z.string().nullable() }) } } },
    400: { description: 'invalid query', content: problemContent },
    401: { description: 'no staff token', content: problemContent },
  },
});

const oneRoute = createRoute({
  method: 'get',
  path: '/{id}',
  tags: ['staff: inquiries'],
  summary: 'One inquiry in full: a confidential read, audited (Art. 20)',
  security: [{ staffToken: [] }],
  request: { params: z.object({ id: z.uuid().openapi({ param: { name: 'id', in: 'path' } }) }) },
  responses: {
    200: { description: 'the inquiry', content: { 'application/json': { schema: Full } } },
    404: { description: 'unknown id', content: problemContent },
  },
});

function decode(cursor: string): { receivedAt: Date; id: string } {
  const [at, id] = Buffer.from(cursor, 'base64url').toString('utf8').split('|');
  const receivedAt = cursorInstant(at);
  if (!id || !/^[0-9a-f-]{36}$/.test(id) || !receivedAt) throw new AppError('invalid', 'the cursor is not valid', { field: 'cursor' });
  return { receivedAt, id };
}

/** Mounted under /api/v1/admin/inquiries, behind the staff auth middleware. */
export function inquiryAdminRoutes() {
  const r = newRouter();
  r.openapi(listRoute, async (c) => {
    const q = c.req.valid('query');
    const limit = q.limit ?? 50;
    const { page, more } = await inquirySummaries(c.get('deps').database.db, { limit, before: q.cursor ? decode(q.cursor) : null, status: q.status ?? null });
    const last = page.at(-1);
    const next = more && last ? Buffer.from(`${last.receivedAt}|${last.id}`).toString('base64url') : null;
    return c.json({ items: page, next }, 200);
  });
  r.openapi(oneRoute, async (c) => {
    return c.json(await inquiryForStaff(staffReader(c), c.req.valid('param').id), 200);
  });
  r.openapi(answerRoute, async (c) => c.json(await answerInquiry(lifecycleContext(c), c.req.valid('param').id, c.req.valid('json').answer), 200));
  r.openapi(closeRoute, async (c) => c.json(await closeInquiry(lifecycleContext(c), c.req.valid('param').id, c.req.valid('json').note), 200));
  return r;
}
