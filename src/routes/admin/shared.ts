import type { z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { createMiddleware } from 'hono/factory';
import { noticeSettingsOf } from '../../notices/compose';
import type { StaffReader } from '../../domain/confidential';
import type { LifecycleContext } from '../../domain/lifecycle/context';
import type { LifecycleEvent } from '../../domain/lifecycle/events';
import { eventOut, serviceStatusNow } from '../../domain/lifecycle/staff-view';
import type { AppEnv, StaffRole } from '../../http/env';
import { requireRole } from '../../http/staff-auth';
import { errorResponses } from '../../http/openapi';
import type { Db } from '../../db/database';

/** Small helpers every staff sub-app shares: request bodies, responses, the lifecycle context. */

export const TAG = 'staff';

export function jsonBody<T extends z.ZodType>(schema: T) {
  return { body: { content: { 'application/json': { schema } }, required: true } } as const;
}

export function jsonOk<T extends z.ZodType>(schema: T, description: string) {
  return { content: { 'application/json': { schema } }, description };
}

/** The error answers every staff route may give, for the OpenAPI document. */
export const problems = errorResponses(400, [401, 'no valid staff bearer token'], 403, [404, 'unknown service or other id'], 409, [
  422,
  'names something the register does not hold for it',
]);

/** Checks the role before the body is validated: a reviewer's revocation is refused whatever it says. */
export const roleGuard = (...roles: StaffRole[]) =>
  createMiddleware<AppEnv>(async (c, next) => {
    requireRole(c, ...roles);
    await next();
  });

export const security = [{ staffToken: [] as string[] }];

/** Who acts, on what database and clock: every event records the staff token's id as the actor. */
export function lifecycleContext(c: Context<AppEnv>): LifecycleContext {
  const deps = c.get('deps');
  return {
    db: deps.database.db,
    clock: deps.clock,
    actor: `staff:${c.get('staff').id}`,
    signal: c.get('signal'),
    notices: noticeSettingsOf(deps.config, deps.mark),
  };
}

/** Who reads confidential material (Art. 20: every such read is audited below the routes). */
export function staffReader(c: Context<AppEnv>): StaffReader {
  const deps = c.get('deps');
  return { db: deps.database.db, clock: deps.clock, staffId: c.get('staff').id };
}

/** Records beside the lifecycle (staff tokens, crawler keys) are written with the same context. */
export const accessContext = lifecycleContext;

/** The answer of every lifecycle operation: the service's status after it and the events it wrote. */
export async function operationResult(c: Context<AppEnv>, db: Db, serviceId: string, written: LifecycleEvent[], result: unknown) {
  return {
    service: await serviceStatusNow(db, c.get('deps').clock, serviceId),
    events: written.map(eventOut),
    result: result && typeof result === 'object' ? (result as Record<string, unknown>) : null,
  };
}
