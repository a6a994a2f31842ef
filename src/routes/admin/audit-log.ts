import { createRoute, z } from '@hono/zod-openapi';
import { readAuditLog } from '../../domain/confidential';
import { newRouter } from '../../http/router';
import { jsonOk, problems, roleGuard, security, staffReader, TAG } from './shared';

const Entry = z
  .object({ id: z.number(), at: z.string(), staffTokenId: z.string(), action: z.string().openapi({ example: 'read vendor contact' }), subject: z.string() })
  .openapi('AuditEntry');

const Query = z.object({
  staffToken: z.string().max(100).optional().openapi({ description: 'only the reads of this staff token id' }),
  subject: z.string().max(300).optional().openapi({ description: 'only the reads of this subject (a service id, case id, …)' }),
  before: z.coerce.number().int().min(1).optional().openapi({ description: 'entries older than this id (the `next` of the previous page)' }),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});

/** Art. 20: the audit log of confidential reads, for auditors and admins. Reading it is itself audited. */
export function auditLogRoutes() {
  const r = newRouter();
  r.openapi(
    createRoute({
      method: 'get',
      path: '/audit-log',
      tags: [TAG],
      security,
      middleware: [roleGuard('auditor', 'admin')],
      summary: 'The audit log of confidential reads (Art. 20), newest first (auditors and admins; the read is audited too)',
      request: { query: Query },
      responses: {
        200: jsonOk(z.object({ entries: z.array(Entry), next: z.number().nullable() }), 'a page of entries'),
        400: problems[400],
        401: problems[401],
        403: problems[403],
      },
    }),
    async (c) => {
      const q = c.req.valid('query');
      const entries = await readAuditLog(staffReader(c), {
        staffTokenId: q.staffToken ?? null,
        subject: q.subject ?? null,
        before: q.before ?? null,
        limit: q.limit,
      });
      return c.json({ entries, next: entries.length === q.limit ? entries.at(-1)!.id : null }, 200);
    },
  );
  return r;
}
