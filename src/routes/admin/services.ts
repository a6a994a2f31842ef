import { createRoute, z } from '@hono/zod-openapi';
import { registerService } from '../../domain/lifecycle/application';
import { resolveService, staffServiceList, staffServiceView, staffStatusAt } from '../../domain/lifecycle/staff-view';
import { newRouter } from '../../http/router';
import { Created, Instant, NewService, ServiceParam, ServiceSummary, ServiceView, Status, StatusReport } from './schemas';
import { jsonBody, jsonOk, lifecycleContext, problems, security, TAG } from './shared';

const ListQuery = z.object({
  status: Status.optional().openapi({ param: { name: 'status', in: 'query' } }),
  q: z
    .string()
    .max(200)
    .optional()
    .openapi({ param: { name: 'q', in: 'query' }, description: 'text in the number, names or vendor' }),
});

const AtQuery = z.object({
  at: Instant.optional().openapi({ param: { name: 'at', in: 'query' }, description: 'the instant (RFC 3339); now when absent' }),
});

/** Services (認定サービス): the registry as staff see it. Status is always derived from the events. */
export function serviceRoutes() {
  const r = newRouter();

  r.openapi(
    createRoute({
      method: 'get',
      path: '/services',
      tags: [TAG],
      security,
      summary: 'Every service with its status now',
      request: { query: ListQuery },
      responses: { 200: jsonOk(z.object({ services: z.array(ServiceSummary) }), 'the services'), 400: problems[400], 401: problems[401] },
    }),
    async (c) => {
      const { status, q } = c.req.valid('query');
      const deps = c.get('deps');
      return c.json({ services: await staffServiceList(deps.database.db, deps.clock.now(), { status, q, scope: c.get('staff').scope }) }, 200);
    },
  );

  r.openapi(
    createRoute({
      method: 'post',
      path: '/services',
      tags: [TAG],
      security,
      summary: 'Register a service of a vendor (before its application)',
      request: jsonBody(NewService),
      responses: { 201: jsonOk(Created, 'registered'), 400: problems[400], 401: problems[401], 403: problems[403], 404: problems[404] },
    }),
    async (c) => {
      const input = c.req.valid('json');
      const { id } = await registerService(lifecycleContext(c), input);
      return c.json({ id }, 201);
    },
  );

  r.openapi(
    createRoute({
      method: 'get',
      path: '/services/{service}',
      tags: [TAG],
      security,
      summary:
        'A service in full: status, periods, disclosure items incl. withheld, versions, origins, oversight, events (confidential reads audited, Art. 20)',
      request: { params: ServiceParam },
      responses: { 200: jsonOk(ServiceView, 'the staff view'), 401: problems[401], 404: problems[404] },
    }),
    async (c) => {
      const deps = c.get('deps');
      const service = await resolveService(deps.database.db, c.req.valid('param').service);
      return c.json(await staffServiceView(deps.database.db, deps.clock, c.get('staff').id, service), 200);
    },
  );

  r.openapi(
    createRoute({
      method: 'get',
      path: '/services/{service}/status',
      tags: [TAG],
      security,
      summary: 'The service’s status at an instant (statusAt)',
      request: { params: ServiceParam, query: AtQuery },
      responses: { 200: jsonOk(StatusReport, 'the status'), 400: problems[400], 401: problems[401], 404: problems[404] },
    }),
    async (c) => {
      const deps = c.get('deps');
      const service = await resolveService(deps.database.db, c.req.valid('param').service);
      const at = c.req.valid('query').at;
      return c.json(await staffStatusAt(deps.database.db, service, at ? new Date(at) : deps.clock.now()), 200);
    },
  );

  return r;
}
