import { requestLogger } from '../../http/middleware';
import { createRoute, z } from '@hono/zod-openapi';
import { newRouter } from '../../http/router';
import { listCrawlerKeys, makeCrawlerKey, revokeCrawlerKey } from '../../access/crawler-keys';
import { IdParam } from './schemas';
import { accessContext, jsonBody, jsonOk, problems, roleGuard, security, TAG } from './shared';

const admin = [roleGuard('admin')];
const KeyParam = IdParam('key', 'the crawler key id (never the key itself)');

const CrawlerKeyOut = z.object({ id: z.string(), name: z.string(), createdAt: z.string(), revokedAt: z.string().nullable() }).openapi('CrawlerKey');
const IssuedCrawlerKey = CrawlerKeyOut.extend({ key: z.string().openapi({ description: 'shown once; stored only as a hash' }) }).openapi('IssuedCrawlerKey');
const NewCrawlerKey = z.object({ name: z.string().trim().min(1, 'must not be empty').max(100, 'must be at most 100 characters') }).openapi('NewCrawlerKey');

/** Crawler keys (CONTRACT.md, "For crawlers"): made (the key shown once, stored hashed), listed and revoked by admins. */
export function crawlerKeyRoutes() {
  const r = newRouter();

  r.openapi(
    createRoute({
      method: 'get',
      path: '/crawler-keys',
      tags: [TAG],
      security,
      middleware: admin,
      summary: 'Every crawler key (admin only)',
      responses: { 200: jsonOk(z.object({ keys: z.array(CrawlerKeyOut) }), 'the keys'), 401: problems[401], 403: problems[403] },
    }),
    async (c) => c.json({ keys: await listCrawlerKeys(c.get('deps').database.db) }, 200),
  );

  r.openapi(
    createRoute({
      method: 'post',
      path: '/crawler-keys',
      tags: [TAG],
      security,
      middleware: admin,
      summary: 'Make a crawler key (admin only); the key is in this answer only',
      request: jsonBody(NewCrawlerKey),
      responses: { 201: jsonOk(IssuedCrawlerKey, 'made'), 400: problems[400], 401: problems[401], 403: problems[403] },
    }),
    async (c) => {
      const made = await makeCrawlerKey(accessContext(c), { name: c.req.valid('json').name });
      requestLogger(c).info({ crawlerKeyId: made.id, by: c.get('staff').id }, 'crawler key made');
      return c.json(made, 201);
    },
  );

  r.openapi(
    createRoute({
      method: 'post',
      path: '/crawler-keys/{key}/revoke',
      tags: [TAG],
      security,
      middleware: admin,
      summary: 'Revoke a crawler key (admin only): its sightings are refused from now on',
      request: { params: KeyParam },
      responses: { 200: jsonOk(CrawlerKeyOut, 'revoked'), 401: problems[401], 403: problems[403], 404: problems[404] },
    }),
    async (c) => {
      const { key: id } = c.req.valid('param') as { key: string };
      const revoked = await revokeCrawlerKey(accessContext(c), id);
      requestLogger(c).info({ crawlerKeyId: id, by: c.get('staff').id }, 'crawler key revoked');
      return c.json(revoked, 200);
    },
  );

  return r;
}
