import { randomUUID } from 'node:crypto';
import type { Clock } from '../../clock';
import { inTransaction, type Db, type Tx } from '../../db/database';
import type { ServiceRow } from '../../db/schema';
import { AppError, notFound } from '../../errors';
import { appendEvents, serviceEvents } from '../../repositories/events';
import { lockService } from '../../repositories/services';
import { isEnteredDate, jstDate, type CalendarDate } from '../calendar';
import type { LifecycleEvent, NewLifecycleEvent } from './events';
import type { NoticeSettings } from '../../notices/compose';
import { queueNotices } from '../../notices/outbox';
import { foldEvents, statusOf, type ServiceState, type Status } from './state';

/** What every lifecycle operation needs: the database, the clock and who is acting. */
export interface LifecycleContext {
  db: Db;
  clock: Clock;
  actor: string;
  newId?: () => string;
  /** Aborted when the request's deadline passed: the transaction then rolls back instead of committing. */
  signal?: AbortSignal;
  /** Who signs written notices and where they link; without it (domain tests) no notice is written. */
  notices?: NoticeSettings;
}

export const newId = (ctx: LifecycleContext) => (ctx.newId ?? randomUUID)();

export interface ServiceView {
  tx: Tx;
  service: ServiceRow;
  events: LifecycleEvent[];
  state: ServiceState;
  status: Status | null;
  now: Date;
  today: CalendarDate;
}

export interface Decision<T> {
  events: NewLifecycleEvent[];
  /** Writes projection rows that need the new events' ids; runs in the same transaction. */
  project?: (tx: Tx, written: LifecycleEvent[]) => Promise<T>;
}

/**
 * Runs one operation on one service as one transaction: lock the service, fold its events, let `decide`
 * check the rules and name the events, append them to the chain, then project. Any error rolls all back.
 */
export async function onService<T = void>(
  ctx: LifecycleContext,
  serviceId: string,
  decide: (view: ServiceView) => Promise<Decision<T>> | Decision<T>,
): Promise<{ result: T | undefined; events: LifecycleEvent[] }> {
  return inTransaction(ctx.db, async (tx) => {
    const service = await lockService(tx, serviceId);
    if (!service) throw notFound('service');
    const now = ctx.clock.now();
    const events = await serviceEvents(tx, serviceId);
    const state = foldEvents(events);
    const view: ServiceView = { tx, service, events, state, status: statusOf(state, now), now, today: jstDate(now) };
    const decision = await decide(view);
    const written = await appendEvents(tx, serviceId, ctx.actor, now, decision.events);
    const result = decision.project ? await decision.project(tx, written) : undefined;
    if (ctx.notices) await queueNotices(tx, serviceId, written, ctx.notices, now); // the outbox: same transaction
    ctx.signal?.throwIfAborted(); // answered 503 already: commit nothing
    return { result, events: written };
  });
}

/**
 * A day staff enter for when a filing arrived or an event took effect (issue 12: received and effective dates):
 * today when absent; never after today, never before the day of the service's last event. `what` names it.
 */
export function enteredDay(view: ServiceView, day: CalendarDate | null | undefined, field: string, what: string): CalendarDate {
  if (day === null || day === undefined) return view.today;
  if (!isEnteredDate(day)) throw new AppError('invalid', `${what} must be a date (YYYY-MM-DD) from 2000-01-01 to 2199-12-31`, { field });
  if (day > view.today) throw new AppError('invalid', `${what} cannot be in the future (today is ${view.today} JST)`, { field });
  const last = view.events.at(-1);
  const floor = last ? jstDate(last.at) : null;
  if (floor !== null && day < floor) {
    throw new AppError('invalid', `${what} cannot precede the service's last recorded event (${floor})`, { field, extra: { earliest: floor } });
  }
  return day;
}

/** Refuses an operation the rules do not allow in the service's current status. */
export function requireStatus(view: ServiceView, allowed: readonly (Status | null)[], article: string, what: string): void {
  if (!allowed.includes(view.status)) {
    throw new AppError('forbidden_transition', `${what} is not possible while the service is ${view.status ?? 'not yet applied'}`, {
      article,
      extra: { status: view.status ?? 'none', allowed: allowed.map((s) => s ?? 'none') },
    });
  }
}
