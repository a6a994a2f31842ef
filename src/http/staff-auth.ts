import { createMiddleware } from 'hono/factory';
import { AppError } from '../errors';
import { checkScope } from '../access/scope';
import { authenticateStaff } from '../access/staff-tokens';
import type { AppEnv, StaffRole } from './env';

const READ = new Set(['GET', 'HEAD', 'OPTIONS']);
const PREFIX = '/api/v1/admin';

/**
 * Bearer staff tokens. `auditor` reads only; `reviewer` runs the lifecycle; `admin` also revokes and manages
 * tokens and keys. `delegate` (Art. 19) and `committee` (Art. 7) reach only the routes and services their scope
 * opens (src/access/scope.ts). Routes that need more than the method implies call `requireRole`.
 */
export const staffAuth = createMiddleware<AppEnv>(async (c, next) => {
  const header = c.req.header('authorization') ?? '';
  const m = /^Bearer\s+(\S{16,512})$/i.exec(header);
  if (!m) throw new AppError('unauthenticated', 'a staff bearer token is required');
  const db = c.get('deps').database.db;
  const staff = await authenticateStaff(db, m[1]!);
  if (!staff) throw new AppError('unauthenticated', 'the bearer token is not valid');
  if (!READ.has(c.req.method) && staff.role === 'auditor') throw new AppError('forbidden', 'auditors have read-only access');
  const path = c.req.path.startsWith(PREFIX) ? c.req.path.slice(PREFIX.length) : c.req.path;
  await checkScope(db, staff.role, staff.scope, c.req.method, path);
  c.set('staff', staff);
  await next();
});

export function requireRole(c: { get(key: 'staff'): { role: StaffRole } }, ...roles: StaffRole[]) {
  if (!roles.includes(c.get('staff').role)) throw new AppError('forbidden', `this needs the role ${roles.join(' or ')}`);
}
