import { randomUUID } from 'node:crypto';
import { requestLogger } from '../../http/middleware';
import { createRoute, z } from '@hono/zod-openapi';
import { AppError } from '../../errors';
import { newRouter } from '../../http/router';
import { insertStaffToken, listStaffTokens, newSecret, revokeStaffToken } from '../../repositories/staff';
import { IdParam, IssuedStaffToken, StaffTokenOut, StaffTokenRequest } from './schemas';
import { jsonBody, jsonOk, problems, roleGuard, security, TAG } from './shared';

const admin = [roleGuard('admin')];
const TokenParam = IdParam('token', 'the staff token id (never the secret)');

const tokenOut = (t: { id: string; name: string; role: 'admin' | 'reviewer' | 'auditor'; created_at: Date; revoked_at: Date | null }) => ({
  id: t.id,
  name: t.name,
  role: t.role,
  createdAt: t.created_at.toISOString(),
  revokedAt: t.revoked_at?.toISOString() ?? null,
});

/** Staff bearer tokens: issued (the secret shown once, stored hashed), listed and revoked, by admins only. */
export function staffTokenRoutes() {
  const r = newRouter();

  r.openapi(
    createRoute({ method: 'get', path: '/staff-tokens', tags: [TAG], security, middleware: admin, summary: 'Every staff token (admin only)', responses: { 200: jsonOk(z.object({ tokens: z.array(StaffTokenOut) }), 'the tokens'), 401: problems[401], 403: problems[403] } }),
    async (c) => c.json({ tokens: (await listStaffTokens(c.get('deps').database.db)).map(tokenOut) }, 200),
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
      responses: { 201: jsonOk(IssuedStaffToken, 'issued'), 400: problems[400], 401: problems[401], 403: problems[403] },
    }),
    async (c) => {
      const { name, role } = c.req.valid('json');
      const deps = c.get('deps');
      const id = randomUUID();
      const token = newSecret('cmstf');
      const at = deps.clock.now();
      await insertStaffToken(deps.database.db, { id, name, role, token, at });
      requestLogger(c).info({ staffTokenId: id, role, by: c.get('staff').id }, 'staff token issued');
      return c.json({ ...tokenOut({ id, name, role, created_at: at, revoked_at: null }), token }, 201);
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
      const deps = c.get('deps');
      if (id === c.get('staff').id) throw new AppError('conflict', 'a token cannot revoke itself; use another admin token', { field: 'token' });
      if (!(await revokeStaffToken(deps.database.db, id, deps.clock.now()))) {
        throw new AppError('not_found', `no active staff token ${id}`, { field: 'token' });
      }
      requestLogger(c).info({ staffTokenId: id, by: c.get('staff').id }, 'staff token revoked');
      return c.body(null, 204);
    },
  );

  return r;
}
