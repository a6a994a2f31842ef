import { createRoute, z } from '@hono/zod-openapi';
import { resolveService } from '../../domain/lifecycle/staff-view';
import { noticeForStaff, noticesWithStatus, resendNotice, serviceNotices } from '../../notices/staff';
import { newRouter } from '../../http/router';
import { IdParam, ServiceParam } from './schemas';
import { jsonBody, jsonOk, lifecycleContext, problems, roleGuard, security, staffReader, TAG } from './shared';

const NoticeOut = z
  .object({
    id: z.string(),
    kind: z.string().openapi({ example: 'decision' }),
    serviceId: z.string().nullable(),
    eventId: z.number().nullable(),
    recipients: z.array(z.string()),
    language: z.enum(['ja', 'en']),
    subject: z.string(),
    attachments: z.array(z.object({ name: z.string(), contentType: z.string(), sha256: z.string(), size: z.number() })),
    messageId: z.string(),
    createdAt: z.string(),
    status: z.enum(['pending', 'sent', 'dead']),
    attempts: z.number(),
    nextAttemptAt: z.string().nullable(),
    lastError: z.string().nullable(),
    sentAt: z.string().nullable(),
  })
  .openapi('Notice');

const StatusQuery = z.object({
  status: z.enum(['pending', 'sent', 'dead']).default('dead').openapi({ description: 'dead letters unless told' }),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});

const ResendRequest = z
  .object({
    recipients: z
      .array(z.email('must be an e-mail address').max(254))
      .min(1)
      .max(10)
      .nullable()
      .default(null)
      .openapi({ description: 'send to these instead (the vendor’s addresses were wrong or missing)' }),
  })
  .openapi('NoticeResend');

const NoticeParam = IdParam('notice', 'the notice id');

/** Written notices (DOMAIN.md, "Notices the body sends"): per service, the dead letters, one in full, a resend. */
export function noticeRoutes() {
  const r = newRouter();

  r.openapi(
    createRoute({
      method: 'get',
      path: '/services/{service}/notices',
      tags: [TAG],
      security,
      summary: 'The written notices of a service, oldest first, with their delivery (recipients are confidential: audited, Art. 20)',
      request: { params: ServiceParam },
      responses: { 200: jsonOk(z.object({ notices: z.array(NoticeOut) }), 'the notices'), 401: problems[401], 403: problems[403], 404: problems[404] },
    }),
    async (c) => {
      const service = await resolveService(c.get('deps').database.db, c.req.valid('param').service);
      return c.json({ notices: await serviceNotices(staffReader(c), service.id) }, 200);
    },
  );

  r.openapi(
    createRoute({
      method: 'get',
      path: '/notices',
      tags: [TAG],
      security,
      summary: 'Notices by delivery status, newest first: the dead letters unless told (audited, Art. 20)',
      request: { query: StatusQuery },
      responses: { 200: jsonOk(z.object({ notices: z.array(NoticeOut) }), 'the notices'), 400: problems[400], 401: problems[401], 403: problems[403] },
    }),
    async (c) => {
      const q = c.req.valid('query');
      return c.json({ notices: await noticesWithStatus(staffReader(c), q.status, q.limit) }, 200);
    },
  );

  r.openapi(
    createRoute({
      method: 'get',
      path: '/notices/{notice}',
      tags: [TAG],
      security,
      summary: 'One notice in full, its text included (audited, Art. 20)',
      request: { params: NoticeParam },
      responses: { 200: jsonOk(NoticeOut.extend({ body: z.string() }), 'the notice'), 401: problems[401], 403: problems[403], 404: problems[404] },
    }),
    async (c) => {
      const { notice } = c.req.valid('param') as { notice: string };
      return c.json(await noticeForStaff(staffReader(c), notice), 200);
    },
  );

  r.openapi(
    createRoute({
      method: 'post',
      path: '/notices/{notice}/resend',
      tags: [TAG],
      security,
      middleware: [roleGuard('admin', 'reviewer')],
      summary: 'Send a dead letter again, now, optionally to other recipients',
      request: { params: NoticeParam, ...jsonBody(ResendRequest) },
      responses: {
        200: jsonOk(NoticeOut, 'queued again'),
        400: problems[400],
        401: problems[401],
        403: problems[403],
        404: problems[404],
        409: problems[409],
      },
    }),
    async (c) => {
      const { notice } = c.req.valid('param') as { notice: string };
      return c.json(await resendNotice(lifecycleContext(c), notice, c.req.valid('json').recipients), 200);
    },
  );

  return r;
}
