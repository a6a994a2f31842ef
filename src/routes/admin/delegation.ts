import { createRoute, z } from '@hono/zod-openapi';
import { endDelegation, listDelegates, nameDelegate } from '../../access/delegates';
import { assignService, endAssignment, listAssignments } from '../../access/scope';
import { newRouter } from '../../http/router';
import { AssignmentOut, AssignmentRequest, DelegateEndRequest, DelegateOut, DelegateRequest } from './access-schemas';
import { IdParam, ServiceParam } from './schemas';
import { accessContext, jsonBody, jsonOk, problems, roleGuard, security, TAG } from './shared';

const admin = [roleGuard('admin')];
const DelegateParam = IdParam('delegate', 'the delegated body’s id');
const TokenParam = IdParam('token', 'the staff token id (never the secret)');

/**
 * Art. 19: delegated bodies (named, published, ended) and Arts. 7, 19: the services each delegate or committee
 * token is assigned to. Admins only; every write is on the chain.
 */
export function delegationRoutes() {
  const r = newRouter();

  r.openapi(
    createRoute({
      method: 'get',
      path: '/delegates',
      tags: [TAG],
      security,
      summary: 'Art. 19.2: the delegated bodies, as published',
      responses: { 200: jsonOk(z.object({ delegates: z.array(DelegateOut) }), 'the delegated bodies'), 401: problems[401], 403: problems[403] },
    }),
    async (c) => c.json({ delegates: await listDelegates(c.get('deps').database.db) }, 200),
  );

  r.openapi(
    createRoute({
      method: 'post',
      path: '/delegates',
      tags: [TAG],
      security,
      middleware: admin,
      summary: 'Art. 19.1, 19.2: delegate work to a body; its name is published from then on (admin only)',
      request: jsonBody(DelegateRequest),
      responses: { 201: jsonOk(DelegateOut, 'named'), 400: problems[400], 401: problems[401], 403: problems[403] },
    }),
    async (c) => c.json(await nameDelegate(accessContext(c), c.req.valid('json')), 201),
  );

  r.openapi(
    createRoute({
      method: 'post',
      path: '/delegates/{delegate}/end',
      tags: [TAG],
      security,
      middleware: admin,
      summary: 'Art. 19: end a delegation; its delegate tokens are revoked at once (admin only)',
      request: { params: DelegateParam, ...jsonBody(DelegateEndRequest) },
      responses: { 200: jsonOk(DelegateOut, 'ended'), 400: problems[400], 401: problems[401], 403: problems[403], 404: problems[404], 409: problems[409] },
    }),
    async (c) => {
      const { delegate } = c.req.valid('param') as { delegate: string };
      return c.json(await endDelegation(accessContext(c), delegate, c.req.valid('json').endedOn), 200);
    },
  );

  r.openapi(
    createRoute({
      method: 'get',
      path: '/staff-tokens/{token}/assignments',
      tags: [TAG],
      security,
      middleware: admin,
      summary: 'Arts. 7, 19: the services a delegate or committee token is (and was) assigned to (admin only)',
      request: { params: TokenParam },
      responses: {
        200: jsonOk(z.object({ assignments: z.array(AssignmentOut) }), 'the assignments'),
        401: problems[401],
        403: problems[403],
        404: problems[404],
        422: problems[422],
      },
    }),
    async (c) => {
      const { token } = c.req.valid('param') as { token: string };
      return c.json({ assignments: await listAssignments(c.get('deps').database.db, token) }, 200);
    },
  );

  r.openapi(
    createRoute({
      method: 'post',
      path: '/staff-tokens/{token}/assignments',
      tags: [TAG],
      security,
      middleware: admin,
      summary: 'Arts. 7, 19: assign a service to a delegate or committee token (admin only)',
      request: { params: TokenParam, ...jsonBody(AssignmentRequest) },
      responses: {
        201: jsonOk(AssignmentOut, 'assigned'),
        400: problems[400],
        401: problems[401],
        403: problems[403],
        404: problems[404],
        409: problems[409],
        422: problems[422],
      },
    }),
    async (c) => {
      const { token } = c.req.valid('param') as { token: string };
      return c.json(await assignService(accessContext(c), token, c.req.valid('json').service), 201);
    },
  );

  r.openapi(
    createRoute({
      method: 'delete',
      path: '/staff-tokens/{token}/assignments/{service}',
      tags: [TAG],
      security,
      middleware: admin,
      summary: 'Arts. 7, 19: end a token’s assignment of a service (admin only)',
      request: { params: TokenParam.extend(ServiceParam.shape) },
      responses: { 204: { description: 'ended' }, 401: problems[401], 403: problems[403], 404: problems[404], 422: problems[422] },
    }),
    async (c) => {
      const { token, service } = c.req.valid('param') as { token: string; service: string };
      await endAssignment(accessContext(c), token, service);
      return c.body(null, 204);
    },
  );

  return r;
}
