/**
 * Requests vendors filed that the rules do not allow as they stand (a renewal outside the Art. 12.1 window), as
 * staff receive them (issue 15): listed in the console, accepted with a reason (the domain's renewal, with that
 * reason as the override and the day the request arrived as the day received) or declined. Either way the vendor
 * is told by a notice and sees the outcome in the portal. And the filings vendors made, as the vendor sees them.
 */
import { inTransaction } from '../db/database';
import type { Db } from '../db/database';
import type { VendorRequestRow } from '../db/schema-vendor';
import type { LifecycleContext } from '../domain/lifecycle/context';
import type { LifecycleEvent } from '../domain/lifecycle/events';
import { fileRenewal } from '../domain/lifecycle/renewal';
import { AppError, invalid } from '../errors';
import { acknowledge, REQUEST_DECIDED_NOTICE } from './filings';
import type { NoticeSettings } from '../notices/compose';

export interface VendorRequestView {
  id: string;
  serviceId: string;
  serviceNumber: string | null;
  serviceName: string;
  kind: 'renewal';
  userName: string;
  statement: string;
  usedMarkCorrectly: boolean;
  receivedOn: string;
  receivedAt: Date;
  status: 'pending' | 'accepted' | 'declined';
  decidedBy: string | null;
  decidedAt: Date | null;
  reason: string | null;
}

const parsed = (v: unknown) => (typeof v === 'string' ? JSON.parse(v) : v) as { selfDeclaration: { usedMarkCorrectly: boolean; statement: string } };

function query(db: Db) {
  return db
    .selectFrom('vendor_requests as r')
    .innerJoin('services as s', 's.id', 'r.service_id')
    .innerJoin('vendor_users as u', 'u.id', 'r.user_id')
    .selectAll('r')
    .select(['s.number as service_number', 's.name_ja as service_name', 'u.name as user_name']);
}

type Joined = VendorRequestRow & { service_number: string | null; service_name: string; user_name: string };

const view = (r: Joined): VendorRequestView => {
  const p = parsed(r.payload);
  return {
    id: r.id,
    serviceId: r.service_id,
    serviceNumber: r.service_number,
    serviceName: r.service_name,
    kind: r.kind,
    userName: r.user_name,
    statement: p.selfDeclaration.statement,
    usedMarkCorrectly: p.selfDeclaration.usedMarkCorrectly,
    receivedOn: r.received_on,
    receivedAt: new Date(r.received_at),
    status: r.status,
    decidedBy: r.decided_by,
    decidedAt: r.decided_at ? new Date(r.decided_at) : null,
    reason: r.decision_reason,
  };
};

/** Requests for staff: pending first, then the latest decided; within a scope (Arts. 7, 19) when given. */
export async function vendorRequestList(db: Db, scope: ReadonlySet<string> | null): Promise<VendorRequestView[]> {
  const rows = (await query(db).orderBy('r.received_at', 'desc').limit(500).execute()) as Joined[];
  return rows
    .filter((r) => !scope || scope.has(r.service_id))
    .map(view)
    .sort((a, b) => Number(b.status === 'pending') - Number(a.status === 'pending'));
}

/** One request (staff: after the scope check on its service). */
export async function vendorRequest(db: Db, id: string): Promise<VendorRequestView> {
  const r = (await query(db).where('r.id', '=', id.slice(0, 100)).executeTakeFirst()) as Joined | undefined;
  if (!r) throw new AppError('not_found', 'no such request');
  return view(r);
}

/** A service's requests, as its vendor sees them. */
export async function requestsOfService(db: Db, serviceId: string): Promise<VendorRequestView[]> {
  return ((await query(db).where('r.service_id', '=', serviceId).orderBy('r.received_at', 'desc').execute()) as Joined[]).map(view);
}

/** The filings vendors made on a service (the events with a `vendor:` actor), newest first. */
export function vendorFilingsOf(events: readonly LifecycleEvent[]) {
  return events
    .filter((e) => e.actor.startsWith('vendor:'))
    .map((e) => ({ id: e.id, type: e.type, at: e.at }))
    .reverse();
}

/**
 * Staff decide a pending request, with a reason. Accepting files the renewal (actor: the staff member; the request's
 * day as the day received; the reason as the Art. 12.1 override); the domain's refusals propagate and nothing is
 * kept. The vendor is told either way.
 */
export async function decideVendorRequest(
  ctx: LifecycleContext & { notices: NoticeSettings },
  requestId: string,
  decision: { accept: boolean; reason: string },
): Promise<VendorRequestView> {
  const reason = decision.reason.trim();
  if (!reason) throw invalid('reason', 'a decision needs its reason');
  if (reason.length > 2000) throw invalid('reason', 'must be at most 2000 characters');
  return inTransaction(ctx.db, async (tx) => {
    const r = await tx.selectFrom('vendor_requests').selectAll().where('id', '=', requestId).forUpdate().executeTakeFirst();
    if (!r) throw new AppError('not_found', 'no such request');
    if (r.status !== 'pending') throw new AppError('conflict', `the request has already been ${r.status}`);
    const now = ctx.clock.now();
    let eventId: number | null = null;
    if (decision.accept) {
      const p = parsed(r.payload);
      const done = await fileRenewal({ ...ctx, db: tx }, r.service_id, {
        selfDeclaration: p.selfDeclaration,
        overrideReason: reason,
        receivedOn: r.received_on,
      });
      eventId = done.events[0]!.id;
    }
    await tx
      .updateTable('vendor_requests')
      .set({ status: decision.accept ? 'accepted' : 'declined', decided_by: ctx.actor, decided_at: now, decision_reason: reason, event_id: eventId })
      .where('id', '=', requestId)
      .execute();
    const service = await tx.selectFrom('services').select('name_ja').where('id', '=', r.service_id).executeTakeFirstOrThrow();
    const outcome = decision.accept ? '受理しました' : '受理しないこととしました';
    await acknowledge(
      tx,
      ctx.notices,
      r.service_id,
      {
        cause: `vendor-request-decided:${requestId}`,
        kind: REQUEST_DECIDED_NOTICE,
        subject: `更新申請（第12条第1項）の受理について（${service.name_ja}）`,
        lines: [`${r.received_on} に受け付けた「${service.name_ja}」の更新申請を${outcome}。`, `理由: ${reason}`, `受付番号: ${requestId}`],
      },
      now,
    );
    return vendorRequest(tx, requestId);
  });
}
