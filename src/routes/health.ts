import { createRoute, z } from '@hono/zod-openapi';
import { requestLogger } from '../http/middleware';
import { sql } from 'kysely';
import { AppError } from '../errors';
import { newRouter } from '../http/router';

const Health = z.object({ status: z.literal('ok') }).openapi('Health');

export function healthRoutes() {
  const r = newRouter();
  r.openapi(
    createRoute({
      method: 'get',
      path: '/healthz',
      tags: ['operations'],
      summary: 'The process is up',
      responses: { 200: { description: 'up', content: { 'application/json': { schema: Health } } } },
    }),
    (c) => c.json({ status: 'ok' as const }, 200),
  );
  r.openapi(
    createRoute({
      method: 'get',
      path: '/readyz',
      tags: ['operations'],
      summary: 'The database answers',
      responses: { 200: { description: 'ready', content: { 'application/json': { schema: Health } } }, 503: { description: 'not ready' } },
    }),
    async (c) => {
      try {
        await sql`select 1`.execute(c.get('deps').database.db);
      } catch (err) {
        requestLogger(c).warn({ err }, 'readiness check failed');
        throw new AppError('unavailable', 'the database does not answer');
      }
      return c.json({ status: 'ok' as const }, 200);
    },
  );
  return r;
}
