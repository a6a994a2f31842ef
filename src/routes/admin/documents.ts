import { createRoute, z } from '@hono/zod-openapi';
import { DOCUMENT_PURPOSES, documentForStaff, documentsOfService, fileDocument } from '../../documents/filing';
import { resolveService } from '../../domain/lifecycle/staff-view';
import { AppError } from '../../errors';
import { newRouter } from '../../http/router';
import { ServiceParam } from './schemas';
import { jsonBody, jsonOk, lifecycleContext, problems, security, staffReader, TAG } from './shared';

const DocumentRequest = z
  .object({
    name: z.string().min(1).max(400).openapi({ example: '申請書.pdf' }),
    purpose: z.enum(DOCUMENT_PURPOSES),
    content: z.string().min(1).max(4_300_000).openapi({ description: 'the PDF, base64 (at most 3 MiB of PDF)' }),
  })
  .openapi('DocumentRequest');

const DocumentOut = z
  .object({
    id: z.string(),
    sha256: z.string(),
    name: z.string(),
    purpose: z.enum(DOCUMENT_PURPOSES),
    size: z.number().int(),
    filedBy: z.string(),
    filedAt: z.string(),
  })
  .openapi('FiledDocument');

const DocumentParam = ServiceParam.extend({
  sha256: z
    .string()
    .regex(/^[0-9a-f]{64}$/)
    .openapi({ param: { name: 'sha256', in: 'path' }, description: 'the document’s SHA-256 (hex)' }),
});

/** Art. 4 and later filings: the documents filed for a service (PDF, stored once by hash; reads audited, Art. 20). */
export function documentRoutes() {
  const r = newRouter();

  r.openapi(
    createRoute({
      method: 'post',
      path: '/services/{service}/documents',
      tags: [TAG],
      security,
      summary: 'Art. 4: file a document (PDF) for the service: the application’s forms, or one that goes with a later filing',
      request: { params: ServiceParam, ...jsonBody(DocumentRequest) },
      responses: { 201: jsonOk(DocumentOut, 'filed'), ...problems },
    }),
    async (c) => {
      const input = c.req.valid('json');
      const bytes = Buffer.from(input.content, 'base64');
      // base64 that does not round-trip is not base64: a clear 400, not a PDF check on garbage
      if (bytes.toString('base64').replace(/=+$/, '') !== input.content.replace(/\s+/g, '').replace(/=+$/, ''))
        throw new AppError('invalid', 'content must be the PDF in base64', { field: 'content' });
      const service = await resolveService(c.get('deps').database.db, c.req.valid('param').service);
      return c.json(await fileDocument(lifecycleContext(c), service.id, { name: input.name, purpose: input.purpose, bytes }), 201);
    },
  );

  r.openapi(
    createRoute({
      method: 'get',
      path: '/services/{service}/documents',
      tags: [TAG],
      security,
      summary: 'The documents filed for the service, newest first',
      request: { params: ServiceParam },
      responses: { 200: jsonOk(z.object({ documents: z.array(DocumentOut) }), 'the documents'), 401: problems[401], 403: problems[403], 404: problems[404] },
    }),
    async (c) => {
      const service = await resolveService(c.get('deps').database.db, c.req.valid('param').service);
      return c.json({ documents: await documentsOfService(staffReader(c), service.id) }, 200);
    },
  );

  r.openapi(
    createRoute({
      method: 'get',
      path: '/services/{service}/documents/{sha256}',
      tags: [TAG],
      security,
      summary: 'A filed document, as filed (confidential: the read is audited, Art. 20)',
      request: { params: DocumentParam },
      responses: {
        200: { content: { 'application/pdf': { schema: z.string().openapi({ format: 'binary' }) } }, description: 'the PDF' },
        401: problems[401],
        403: problems[403],
        404: problems[404],
      },
    }),
    async (c) => {
      const { service: ref, sha256 } = c.req.valid('param');
      const service = await resolveService(c.get('deps').database.db, ref);
      const d = await documentForStaff(staffReader(c), service.id, sha256);
      return c.body(new Uint8Array(d.bytes), 200, {
        'Content-Type': d.contentType,
        'Content-Disposition': 'attachment',
        'Cache-Control': 'private, no-store',
        'X-Content-Type-Options': 'nosniff',
      });
    },
  );

  return r;
}
