/**
 * Who may reach which service (Arts. 7, 19, 20). `admin`, `reviewer` and `auditor` work on every service. A
 * `delegate` (Art. 19) works on the services assigned to it only; a `committee` member (Art. 7) reads the
 * applications assigned to it and records an opinion. For these two the staff API is closed by default: a
 * route opens only when it is listed below, and only on an assigned service, case or image.
 */
import { inTransaction, type Db } from '../db/database';
import type { StaffRole } from '../http/env';
import { NUMBER_PATTERN } from '../domain/lifecycle/application';
import { AppError } from '../errors';
import { findCase } from '../repositories/cases';
import { recordOnChain, recordsOnChain } from '../repositories/records';
import { findService, findServiceByNumber } from '../repositories/services';
import { imageSeenOnServices } from '../repositories/sightings';
import * as staff from '../repositories/staff';
import type { AccessContext } from './context';
import { randomUUID } from 'node:crypto';

export const SCOPED_ROLES = ['delegate', 'committee'] as const;
export type ScopedRole = (typeof SCOPED_ROLES)[number];

export const isScoped = (role: StaffRole): role is ScopedRole => (SCOPED_ROLES as readonly string[]).includes(role);

/** The services a token may reach: every one (`null`), or the ids assigned to it. */
export type ServiceScope = ReadonlySet<string> | null;

export async function scopeOf(db: Db, token: { id: string; role: StaffRole }): Promise<ServiceScope> {
  return isScoped(token.role) ? new Set(await staff.assignedServiceIds(db, token.id)) : null;
}

/** What a route's path names, which must be in the scope: a service, a case, a sighting image, or a list the route filters. */
type Target = 'service' | 'case' | 'image' | 'list';

interface ScopedRoute {
  methods: readonly string[];
  /** Matched against the path below /api/v1/admin; group 1 is the id the target names. */
  path: RegExp;
  target: Target;
}

const READS = ['GET', 'HEAD'];
const ANY = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'];

/** The only routes a scoped role reaches. Role guards on the routes (revocation: admin) still apply. */
const SCOPED_ROUTES: Record<ScopedRole, readonly ScopedRoute[]> = {
  // Art. 19: the delegated work on the assigned services, their misuse cases and the images behind them.
  delegate: [
    { methods: READS, path: /^\/services$/, target: 'list' },
    { methods: ANY, path: /^\/services\/([^/]+)(?:\/.*)?$/, target: 'service' },
    { methods: READS, path: /^\/cases$/, target: 'list' },
    { methods: ANY, path: /^\/cases\/([^/]+)(?:\/.*)?$/, target: 'case' },
    { methods: READS, path: /^\/sighting-images\/([^/]+)$/, target: 'image' },
  ],
  // Art. 7: read the assigned applications and give an opinion on them.
  committee: [
    { methods: READS, path: /^\/services$/, target: 'list' },
    { methods: READS, path: /^\/services\/([^/]+)(?:\/(?:status|events))?$/, target: 'service' },
    { methods: ['POST'], path: /^\/services\/([^/]+)\/opinions$/, target: 'service' },
  ],
};

const outOfScope = (role: ScopedRole, what: string) =>
  new AppError(
    'forbidden',
    role === 'delegate'
      ? `a delegate works only on the services assigned to it (Art. 19): ${what} is not one of them`
      : `a committee member reads only the applications assigned to it (Art. 7): ${what} is not one of them`,
    { article: role === 'delegate' ? 'Art. 19' : 'Art. 7' },
  );

/**
 * Refuses a request of a scoped role that is not listed, or that names a service, case or image outside its
 * scope. `path` is below /api/v1/admin. Unknown ids are refused the same way, so a scoped role cannot probe
 * which services, cases or images exist.
 */
export async function checkScope(db: Db, role: StaffRole, scope: ServiceScope, method: string, path: string): Promise<void> {
  if (!isScoped(role) || scope === null) return;
  const route = SCOPED_ROUTES[role].find((r) => r.methods.includes(method) && r.path.test(path));
  if (!route) throw outOfScope(role, `${method} ${path}`);
  if (route.target === 'list') return;
  const raw = route.path.exec(path)![1]!;
  let id: string;
  try {
    id = decodeURIComponent(raw);
  } catch {
    throw outOfScope(role, `${route.target} ${raw}`); // a malformed escape names nothing in scope
  }
  if (!(await inScope(db, scope, route.target, id))) throw outOfScope(role, `${route.target} ${id}`);
}

async function inScope(db: Db, scope: ReadonlySet<string>, target: Exclude<Target, 'list'>, id: string): Promise<boolean> {
  switch (target) {
    case 'service': {
      const row = NUMBER_PATTERN.test(id) ? await findServiceByNumber(db, id) : await findService(db, id);
      return row !== undefined && scope.has(row.id);
    }
    case 'case': {
      const c = await findCase(db, id);
      return c !== undefined && c.service_id !== null && scope.has(c.service_id);
    }
    case 'image':
      return imageSeenOnServices(db, id, [...scope]);
  }
}

// --- Assignments (admins): which services a delegate or committee token reaches.

export interface AssignmentView {
  id: string;
  service: string;
  assignedAt: string;
  endedAt: string | null;
}

const assignmentView = (a: staff.StaffAssignmentRow): AssignmentView => ({
  id: a.id,
  service: a.service_id,
  assignedAt: new Date(a.assigned_at).toISOString(),
  endedAt: a.ended_at ? new Date(a.ended_at).toISOString() : null,
});

async function scopedToken(db: Db, tokenId: string) {
  const token = await staff.findLiveStaffToken(db, tokenId);
  if (!token) throw new AppError('not_found', `no active staff token ${tokenId}`, { field: 'token' });
  if (!isScoped(token.role)) {
    throw new AppError('unprocessable', `a ${token.role} token works on every service; only delegate and committee tokens are assigned services`, {
      field: 'token',
    });
  }
  return token;
}

async function serviceIdOf(db: Db, idOrNumber: string): Promise<string> {
  const row = NUMBER_PATTERN.test(idOrNumber) ? await findServiceByNumber(db, idOrNumber) : await findService(db, idOrNumber);
  if (!row) throw new AppError('not_found', `no service ${idOrNumber}`, { field: 'service' });
  return row.id;
}

/** Assigns a service to a delegate or committee token; on the chain. */
export async function assignService(ctx: AccessContext, tokenId: string, service: string): Promise<AssignmentView> {
  await scopedToken(ctx.db, tokenId);
  const serviceId = await serviceIdOf(ctx.db, service);
  const id = randomUUID();
  const at = ctx.clock.now();
  await inTransaction(ctx.db, async (tx) => {
    if (!(await staff.insertAssignment(tx, { id, staffTokenId: tokenId, serviceId, at }))) {
      throw new AppError('conflict', `the service ${service} is assigned to this token already`, { field: 'service' });
    }
    await recordOnChain(tx, 'staff_assignment', 'staff_assignment.made', id, ctx.actor, at);
  });
  return { id, service: serviceId, assignedAt: at.toISOString(), endedAt: null };
}

/** Ends a token's assignment of a service; on the chain. */
export async function endAssignment(ctx: AccessContext, tokenId: string, service: string): Promise<void> {
  await scopedToken(ctx.db, tokenId);
  const serviceId = await serviceIdOf(ctx.db, service);
  const at = ctx.clock.now();
  await inTransaction(ctx.db, async (tx) => {
    const ended = await staff.endAssignments(tx, tokenId, serviceId, at);
    if (ended.length === 0) throw new AppError('not_found', `the service ${service} is not assigned to this token`, { field: 'service' });
    await recordsOnChain(tx, 'staff_assignment', 'staff_assignment.ended', ended, ctx.actor, at);
  });
}

export async function listAssignments(db: Db, tokenId: string): Promise<AssignmentView[]> {
  await scopedToken(db, tokenId);
  return (await staff.assignmentsOf(db, tokenId)).map(assignmentView);
}
