import { randomUUID } from 'node:crypto';
import { requestLogger } from '../../http/middleware';
import { createRoute, z } from '@hono/zod-openapi';
import { AppError } from '../../errors';
import { newRouter } from '../../http/router';
import { findCrawlerKey, insertCrawlerKey, listCrawlerKeys, revokeCrawlerKey, type CrawlerKeySummary } from '../../repositories/crawler-keys';
import { newSecret } from '../../repositories/staff';
import { IdParam } from './schemas';
import { jsonBody, jsonOk, problems, roleGuard, security, TAG } from './shared';

const admin = [roleGuard('admin')];
const KeyParam = IdParam('key', 'the crawler key id (never the key itself)');

const CrawlerKeyOut = z
  .object({ id: z.string(), name: z.string(), createdAt: z.string(), revokedAt: z.string().nullable() })
  .openapi('CrawlerKey');
const IssuedCrawlerKey = CrawlerKeyOut.extend({ key: z.string().openapi({ description: 'shown once; stored only as a hash' }) }).openapi('IssuedCrawlerKey');
const NewCrawlerKey = z.object({ name: z.string().trim().min(1, 'must not be empty').max(100, 'must be at most 100 characters') }).openapi('NewCrawlerKey');

const keyOut = (k: CrawlerKeySummary) => ({ id: k.id, name: k.name, createdAt: new Date(k.created_at).toISOString(), revokedAt: k.revoked_at ? new Date(k.revoked_at).toISOString() : null });

/** Crawler keys (CONTRACT.md, "For crawlers"): made (the key shown once, stored hashed), listed and revoked by admins. */
export function crawlerKeyRoutes() {
  const r = newRouter();

  r.openapi(
    createRoute({ method: 'get', path: '/crawler-keys', tags: [TAG], security, middleware: admin, summary: 'Every crawler key (admin only)', responses: { 200: jsonOk(z.object({ keys: z.array(CrawlerKeyOut) }), 'the keys'), 401: problems[401], 403: problems[403] } }),
    async (c) => c.json({ keys: (await listCrawlerKeys(c.get('deps').database.db)).map(keyOut) }, 200),
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
      const { name } = c.req.valid('json');
      const deps = c.get('deps');
      const id = randomUUID();
      const key = newSecret('cmcrl');
      const at = deps.clock.now();
      await insertCrawlerKey(deps.database.db, { id, name, key, at });
      requestLogger(c).info({ crawlerKeyId: id, by: c.get('staff').id }, 'crawler key made');
      return c.json({ ...keyOut({ id, name, created_at: at, revoked_at: null }), key }, 201);
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
      const deps = c.get('deps');
      if (!(await revokeCrawlerKey(deps.database.db, id, deps.clock.now()))) throw new AppError('not_found', `no live crawler key ${id}`, { field: 'key' });
      requestLogger(c).info({ crawlerKeyId: id, by: c.get('staff').id }, 'crawler key revoked');
      return c.json(keyOut((await findCrawlerKey(deps.database.db, id))!), 200);
    },
  );

  return r;
}
