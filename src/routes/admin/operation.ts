import { createRoute, type z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import type { LifecycleContext } from '../../domain/lifecycle/context';
import type { LifecycleEvent } from '../../domain/lifecycle/events';
import { resolveService } from '../../domain/lifecycle/staff-view';
import { inTransaction } from '../../db/database';
import type { AppEnv, StaffRole } from '../../http/env';
import type { newRouter } from '../../http/router';
import { OperationResult, ServiceParam } from './schemas';
import { jsonBody, jsonOk, lifecycleContext, operationResult, problems, roleGuard, security, TAG } from './shared';

type Router = ReturnType<typeof newRouter>;

export interface OperationSpec<S extends z.ZodType> {
  /** Below /services/{service}/, e.g. `renewals` or `emergencies/{emergency}/reports`. */
  path: string;
  summary: string;
  body: S | null;
  /** 201 when the operation files something new (an application, a renewal, a request). */
  status?: 200 | 201;
  /** Roles beyond what the method implies (auditors never write): revocation is the admin's. */
  roles?: StaffRole[];
  /** Further path parameters besides {service}. */
  params?: z.ZodObject;
}

type Run<S extends z.ZodType> = (
  ctx: LifecycleContext,
  serviceId: string,
  input: z.output<S>,
  c: Context<AppEnv>,
) => Promise<{ result?: unknown; events: LifecycleEvent[] }>;

/**
 * One lifecycle operation as a POST on a service: resolve the service (id or number), check the role, run the
 * domain command (one transaction), answer the service's status after it and the events written.
 */
export function operation<S extends z.ZodType>(r: Router, spec: OperationSpec<S>, run: Run<S>) {
  const params = spec.params ? ServiceParam.extend(spec.params.shape) : ServiceParam;
  const status = spec.status ?? 200;
  const route = createRoute({
    method: 'post',
    path: `/services/{service}/${spec.path}`,
    tags: [TAG],
    security,
    summary: spec.summary,
    ...(spec.roles ? { middleware: [roleGuard(...spec.roles)] } : {}),
    request: { params, ...(spec.body ? jsonBody(spec.body) : {}) },
    responses: { [status]: jsonOk(OperationResult, 'done: the service’s status after the operation and the events it wrote'), ...problems },
  });
  r.openapi(route, (async (c: Context<AppEnv>) => {
    const input = (spec.body ? (c.req.valid as (t: 'json') => unknown)('json') : undefined) as z.output<S>;
    // The operation and its answer are one transaction: an answer that fails (5xx) leaves nothing committed.
    const answer = await inTransaction(c.get('deps').database.db, async (tx) => {
      const ctx = { ...lifecycleContext(c), db: tx };
      const service = await resolveService(tx, (c.req.valid as (t: 'param') => { service: string })('param').service);
      const done = await run(ctx, service.id, input, c);
      const out = await operationResult(c, tx, service.id, done.events, done.result);
      ctx.signal?.throwIfAborted();
      return out;
    });
    return c.json(answer, status);
  }) as never);
}

/** The path parameters of a route, for sub-resource ids (emergency, investigation, improvement). */
export function param(c: Context<AppEnv>, name: string): string {
  return (c.req.valid as (t: 'param') => Record<string, string>)('param')[name]!;
}
