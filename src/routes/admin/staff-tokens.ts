import { requestLogger } from '../../http/middleware';
import { createRoute, z } from '@hono/zod-openapi';
import { newRouter } from '../../http/router';
import { issueStaffToken, listStaffTokens, revokeStaffToken } from '../../access/staff-tokens';
import { IdParam, IssuedStaffToken, StaffTokenOut, StaffTokenRequest } from './schemas';
import { accessContext, jsonBody, jsonOk, problems, roleGuard, security, TAG } from './shared';

const admin = [roleGuard('admin')];
const TokenParam = IdParam('token', 'the staff token id (never the secret)');

/** Staff bearer tokens: issued (the secret shown once, stored hashed), listed and revoked, by admins only. */
export function staffTokenRoutes() {
  const r = newRouter();

  r.openapi(
    createRoute({
      method: 'get',
      path: '/staff-tokens',
      tags: [TAG],
      security,
      middleware: admin,
      summary: 'Every staff token (admin only)',
      responses: { 200: jsonOk(z.object({ tokens: z.array(StaffTokenOut) }), 'the tokens'), 401: problems[401], 403: problems[403] },
    }),
    async (c) => c.json({ tokens: await listStaffTokens(c.get('deps').database.db) }, 200),
  );

  r.openapi(
    createRoute({
      method: 'post',
      path: '/staff-tokens',
      tags: [TAG],
      security,
      middleware: admin,
      summary: 'Issue a staff token (admin only); the secret is in this answer only',
      request: jsonBody(StaffTokenRequest),
      responses: { 201: jsonOk(IssuedStaffToken, 'issued'), 400: problems[400], 401: problems[401], 403: problems[403], 422: problems[422] },
    }),
    async (c) => {
      const { name, role, delegate } = c.req.valid('json');
      const issued = (await issueStaffToken(accessContext(c), { name, role, delegate }))!; // a new secret never collides
      requestLogger(c).info({ staffTokenId: issued.id, role, by: c.get('staff').id }, 'staff token issued');
      return c.json(issued, 201);
    },
  );

  r.openapi(
    createRoute({
      method: 'delete',
      path: '/staff-tokens/{token}',
      tags: [TAG],
      security,
      middleware: admin,
      summary: 'Revoke a staff token (admin only)',
      request: { params: TokenParam },
      responses: { 204: { description: 'revoked' }, 401: problems[401], 403: problems[403], 404: problems[404], 409: problems[409] },
    }),
    async (c) => {
      const { token: id } = c.req.valid('param') as { token: string };
      await revokeStaffToken(accessContext(c), id);
      requestLogger(c).info({ staffTokenId: id, by: c.get('staff').id }, 'staff token revoked');
      return c.body(null, 204);
    },
  );

  return r;
}
