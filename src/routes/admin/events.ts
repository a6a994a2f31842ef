import { createRoute, z } from '@hono/zod-openapi';
import { resolveService, staffServiceEvents } from '../../domain/lifecycle/staff-view';
import { newRouter } from '../../http/router';
import { checkRegister } from '../../domain/register-check';
import { ChainReport, EventOut, ServiceParam } from './schemas';
import { jsonOk, problems, security, TAG } from './shared';

/** The append-only, hash-chained events: a service's history, and the chain check. */
export function eventRoutes() {
  const r = newRouter();

  r.openapi(
    createRoute({
      method: 'get',
      path: '/services/{service}/events',
      tags: [TAG],
      security,
      summary: 'A service’s events in order (payloads may be confidential: the read is audited, Art. 20)',
      request: { params: ServiceParam },
      responses: { 200: jsonOk(z.object({ events: z.array(EventOut) }), 'the events'), 401: problems[401], 404: problems[404] },
    }),
    async (c) => {
      const deps = c.get('deps');
      const service = await resolveService(deps.database.db, c.req.valid('param').service);
      return c.json({ events: await staffServiceEvents(deps.database.db, deps.clock, c.get('staff').id, service) }, 200);
    },
  );

  r.openapi(
    createRoute({
      method: 'get',
      path: '/events/verify',
      tags: [TAG],
      security,
      summary: 'Recompute the event hash chain and every record’s fingerprint; names the first bad event and the records that no longer match',
      responses: { 200: jsonOk(ChainReport, 'the result (ok false names the first bad event)'), 401: problems[401] },
    }),
    async (c) => {
      return c.json(await checkRegister(c.get('deps').database.db), 200);
    },
  );

  return r;
}
