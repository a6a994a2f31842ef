import { createRoute, z } from '@hono/zod-openapi';
import { AppError } from '../../errors';
import { newRouter } from '../../http/router';
import { findInquiry, listInquiries } from '../../repositories/inquiries';
import { audit } from '../../repositories/staff';
import { cursorInstant } from '../admin/schemas';
import { problemContent } from '../../http/openapi';

const Status = z.enum(['new', 'answered', 'closed']);

const Summary = z.object({ id: z.string(), receivedAt: z.string(), status: Status, serviceNumber: z.string().nullable() }).openapi('InquirySummary');
const Full = z
  .object({ id: z.string(), receivedAt: z.string(), status: Status, name: z.string(), email: z.string(), organisation: z.string().nullable(), serviceNumber: z.string().nullable(), subject: z.string(), body: z.string() })
  .openapi('InquiryForStaff');

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
    const rows = await listInquiries(c.get('deps').database.db, { limit: limit + 1, before: q.cursor ? decode(q.cursor) : null, status: q.status ?? null });
    const page = rows.slice(0, limit);
    const last = page.at(-1);
    const next = rows.length > limit && last ? Buffer.from(`${last.received_at.toISOString()}|${last.id}`).toString('base64url') : null;
    return c.json({ items: page.map((i) => ({ id: i.id, receivedAt: i.received_at.toISOString(), status: i.status, serviceNumber: i.service_number })), next }, 200);
  });
  r.openapi(oneRoute, async (c) => {
    const { id } = c.req.valid('param');
    const { database, clock } = c.get('deps');
    const row = await findInquiry(database.db, id);
    if (!row) throw new AppError('not_found', 'inquiry not found');
    // Art. 20: every staff read of confidential material is audited.
    await audit(database.db, { staffId: c.get('staff').id, at: clock.now(), action: 'inquiry.read', subject: id });
    return c.json(
      { id: row.id, receivedAt: new Date(row.received_at).toISOString(), status: row.status, name: row.name, email: row.email, organisation: row.organisation, serviceNumber: row.service_number, subject: row.subject, body: row.body },
      200,
    );
  });
  return r;
}
