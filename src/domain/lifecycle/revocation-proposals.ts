/**
 * Art. 17 with four eyes (issue 14, CERTMARK_REVOCATION_APPROVALS = 2): one admin proposes a revocation (ground,
 * reason, the letter to be sent), another approves it, and the approval revokes in the same transaction; or
 * another admin rejects it, or the proposer withdraws it. Each step is an event on the chain. A proposal made from
 * a misuse case is linked to it: the case waits for the decision, is closed as actioned when the service is
 * revoked, and goes back to review when the proposal is rejected or withdrawn.
 */
import { inTransaction, type Db, type Tx } from '../../db/database';
import { AppError, notFound } from '../../errors';
import { recordCaseAction } from '../../repositories/cases';
import { serviceEvents } from '../../repositories/events';
import { recordOnChain } from '../../repositories/records';
import {
  decideProposal,
  findProposal,
  insertProposal,
  listProposals,
  lockProposal,
  pendingProposalOf,
  type ProposalStatus,
  type ProposalView,
} from '../../repositories/revocation-proposals';
import { lockService } from '../../repositories/services';
import { checkRevocation, REVOCABLE, revoke, type RevocationInput } from './closure';
import { newId, requireStatus, type LifecycleContext, type ServiceView } from './context';
import type { LifecycleEvent } from './events';
import { foldEvents, statusOf } from './state';
import { jstDate } from '../calendar';
import { auditConfidentialRead, type StaffReader } from '../confidential';

/** How many admins a revocation needs (config `revocationApprovals`). */
export type Approvals = 1 | 2;

export interface ProposalOut {
  id: string;
  serviceId: string;
  serviceNumber: string | null;
  serviceNameJa: string;
  caseId: string | null;
  ground: number;
  article: string;
  reason: string;
  /** The text of the written notice (Art. 17.2) to be sent, as the proposer wrote it. */
  notice: string | null;
  noticeSentBy: string;
  proposedBy: string;
  proposedAt: string;
  status: ProposalStatus;
  decidedBy: string | null;
  decidedAt: string | null;
  decisionNote: string | null;
  /** The `service.revoked` event of an approved proposal. */
  revocationEventId: number | null;
}

const iso = (d: Date | string | null) => (d === null ? null : new Date(d).toISOString());

export function proposalOut(p: ProposalView): ProposalOut {
  return {
    id: p.id,
    serviceId: p.service_id,
    serviceNumber: p.service_number,
    serviceNameJa: p.service_name_ja,
    caseId: p.case_id,
    ground: p.ground,
    article: `Art. 17.1(${p.ground})`,
    reason: p.reason,
    notice: p.notice,
    noticeSentBy: p.notice_sent_by,
    proposedBy: p.proposed_by,
    proposedAt: iso(p.proposed_at)!,
    status: p.status,
    decidedBy: p.decided_by,
    decidedAt: iso(p.decided_at),
    decisionNote: p.decision_note,
    revocationEventId: p.revocation_event_id,
  };
}

async function proposalNow(db: Db, id: string): Promise<ProposalOut> {
  const p = await findProposal(db, id);
  if (!p) throw notFound('revocation proposal');
  return proposalOut(p);
}

/** The service locked, with its status now: a proposal is made only where a revocation could be. */
async function lockedServiceView(tx: Tx, ctx: LifecycleContext, serviceId: string): Promise<ServiceView> {
  const service = await lockService(tx, serviceId);
  if (!service) throw notFound('service');
  const now = ctx.clock.now();
  const events = await serviceEvents(tx, serviceId);
  const state = foldEvents(events);
  return { tx, service, events, state, status: statusOf(state, now), now, today: jstDate(now) };
}

/**
 * Art. 17.1: one admin proposes a revocation. Checked as the revocation itself would be (ground, reason, the
 * notice of Art. 17.2, the service's status); one pending proposal per service. Returns the proposal and the
 * ids of the events it caused.
 */
export async function proposeRevocation(
  ctx: LifecycleContext,
  serviceId: string,
  input: RevocationInput & { caseId?: string | null },
): Promise<{ proposal: ProposalOut; eventIds: number[] }> {
  const { notice, noticeSentBy } = checkRevocation(input);
  const id = newId(ctx);
  const eventIds = await inTransaction(ctx.db, async (tx) => {
    const v = await lockedServiceView(tx, ctx, serviceId);
    requireStatus(v, [...REVOCABLE], 'Art. 17.1', 'a revocation');
    const pending = await pendingProposalOf(tx, serviceId);
    if (pending) {
      throw new AppError('conflict', `a revocation of this service is already proposed (${pending.id}); approve, reject or withdraw it first`, {
        article: 'Art. 17.1',
        extra: { proposal: pending.id },
      });
    }
    await insertProposal(tx, {
      id,
      service_id: serviceId,
      case_id: input.caseId ?? null,
      ground: input.ground,
      reason: input.reason,
      notice,
      notice_sent_by: noticeSentBy,
      proposed_by: ctx.actor,
      proposed_at: v.now,
      status: 'pending',
      decided_by: null,
      decided_at: null,
      decision_note: null,
      revocation_event_id: null,
    });
    const eventId = await recordOnChain(tx, 'revocation_proposal', 'revocation.proposed', id, ctx.actor, v.now);
    ctx.signal?.throwIfAborted();
    return [eventId];
  });
  return { proposal: await proposalNow(ctx.db, id), eventIds };
}

async function lockPending(tx: Tx, proposalId: string) {
  const p = await lockProposal(tx, proposalId);
  if (!p) throw new AppError('not_found', `no revocation proposal ${proposalId}`, { field: 'proposal' });
  if (p.status !== 'pending') {
    throw new AppError('conflict', `the revocation proposal is already ${p.status}`, { article: 'Art. 17.1', extra: { status: p.status } });
  }
  return p;
}

/**
 * Art. 17.1 with four eyes: a second admin approves, and the service is revoked in the same transaction (the
 * mark stops at once, Art. 10.8). With `approvals` 2 the proposer cannot approve their own proposal.
 */
export async function approveRevocation(
  ctx: LifecycleContext,
  proposalId: string,
  opts: { approvals: Approvals; note?: string | null },
): Promise<{ proposal: ProposalOut; events: LifecycleEvent[]; eventIds: number[] }> {
  const done = await inTransaction(ctx.db, async (tx) => {
    const p = await lockPending(tx, proposalId);
    // Art. 17 (four eyes): the admin who proposed a revocation is not the one who approves it
    if (opts.approvals === 2 && p.proposed_by === ctx.actor) {
      throw new AppError('forbidden', 'the admin who proposed this revocation cannot approve it: another admin must (CERTMARK_REVOCATION_APPROVALS=2)', {
        article: 'Art. 17.1',
        extra: { proposedBy: p.proposed_by },
      });
    }
    const inTx: LifecycleContext = { ...ctx, db: tx };
    const r = await revoke(inTx, p.service_id, {
      ground: p.ground as RevocationInput['ground'],
      reason: p.reason,
      notice: p.notice,
      noticeSentBy: p.notice_sent_by,
      proposalId: p.id,
      caseId: p.case_id,
    });
    const revoked = r.events[0]!;
    const at = revoked.at;
    await decideProposal(tx, p.id, { status: 'approved', by: ctx.actor, at, note: opts.note ?? null, revocationEventId: revoked.id });
    const approval = await recordOnChain(tx, 'revocation_proposal', 'revocation.approved', p.id, ctx.actor, at);
    const eventIds = [...r.events.map((e) => e.id), approval];
    if (p.case_id) {
      const action = await recordCaseAction(tx, {
        id: newId(ctx),
        caseId: p.case_id,
        kind: 'revocation_approved',
        details: { proposalId: p.id, ground: p.ground, article: `Art. 17.1(${p.ground})`, revocationEventId: revoked.id },
        eventIds,
        actor: ctx.actor,
        at,
        change: { status: 'actioned', reason: null, action: { kind: 'revocation', proposalId: p.id, revocationEventId: revoked.id } },
      });
      eventIds.splice(0, eventIds.length, ...action.eventIds);
    }
    ctx.signal?.throwIfAborted();
    return { events: r.events, eventIds };
  });
  return { proposal: await proposalNow(ctx.db, proposalId), ...done };
}

/** A second admin rejects the proposal, with the reason; the proposer withdraws instead. */
export async function rejectRevocation(ctx: LifecycleContext, proposalId: string, note: string): Promise<{ proposal: ProposalOut; eventIds: number[] }> {
  if (!note.trim()) throw new AppError('invalid', 'a rejection needs its reason', { field: 'reason' });
  return endProposal(ctx, proposalId, 'rejected', note);
}

/** The proposer takes the proposal back. */
export async function withdrawRevocation(
  ctx: LifecycleContext,
  proposalId: string,
  note: string | null,
): Promise<{ proposal: ProposalOut; eventIds: number[] }> {
  return endProposal(ctx, proposalId, 'withdrawn', note);
}

async function endProposal(ctx: LifecycleContext, proposalId: string, status: 'rejected' | 'withdrawn', note: string | null) {
  const eventIds = await inTransaction(ctx.db, async (tx) => {
    const p = await lockPending(tx, proposalId);
    const own = p.proposed_by === ctx.actor;
    if (status === 'rejected' && own) {
      throw new AppError('forbidden', 'the proposer does not reject their own proposal: withdraw it instead', { article: 'Art. 17.1' });
    }
    if (status === 'withdrawn' && !own) {
      throw new AppError('forbidden', 'only the admin who proposed a revocation withdraws it; another admin rejects it', { article: 'Art. 17.1' });
    }
    const at = ctx.clock.now();
    await decideProposal(tx, p.id, { status, by: ctx.actor, at, note, revocationEventId: null });
    const ids = [await recordOnChain(tx, 'revocation_proposal', status === 'rejected' ? 'revocation.rejected' : 'revocation.withdrawn', p.id, ctx.actor, at)];
    if (p.case_id) {
      // the case goes back to review: it waits for nothing now
      const action = await recordCaseAction(tx, {
        id: newId(ctx),
        caseId: p.case_id,
        kind: status === 'rejected' ? 'revocation_rejected' : 'revocation_withdrawn',
        details: { proposalId: p.id, note },
        eventIds: ids,
        actor: ctx.actor,
        at,
        change: { awaiting: null, awaitingUntil: null },
      });
      ctx.signal?.throwIfAborted();
      return action.eventIds;
    }
    ctx.signal?.throwIfAborted();
    return ids;
  });
  return { proposal: await proposalNow(ctx.db, proposalId), eventIds };
}

/**
 * `certmark revoke` and `POST …/revocation`: with one approval the service is revoked at once; with two, a
 * proposal is made for another admin to approve.
 */
export async function revokeOrPropose(
  ctx: LifecycleContext,
  serviceId: string,
  input: RevocationInput,
  approvals: Approvals,
): Promise<{ kind: 'revoked'; events: LifecycleEvent[] } | { kind: 'proposed'; proposal: ProposalOut; eventIds: number[] }> {
  if (approvals === 1) return { kind: 'revoked', events: (await revoke(ctx, serviceId, input)).events };
  return { kind: 'proposed', ...(await proposeRevocation(ctx, serviceId, input)) };
}

/**
 * Proposals for a staff reader, newest first: confidential until they revoke (Art. 20), so the read is audited;
 * `query` (the request's filter as given) is what the audit entry names.
 */
export async function revocationProposalsForStaff(
  reader: StaffReader,
  f: { status: ProposalStatus | null; serviceId: string | null; limit: number },
  query: string,
): Promise<ProposalOut[]> {
  const out = await revocationProposals(reader.db, f);
  await auditConfidentialRead(reader, query || '-', ['revocation proposal list']);
  return out;
}

/** One proposal with the letter to be sent, for a staff reader (audited, Art. 20). */
export async function revocationProposalForStaff(reader: StaffReader, id: string): Promise<ProposalOut> {
  const out = await revocationProposal(reader.db, id);
  await auditConfidentialRead(reader, id, ['revocation proposal']);
  return out;
}

/** Proposals, newest first, unaudited: for the writers' own answers and for views that audit the read themselves. */
export async function revocationProposals(
  db: Db,
  f: { status: ProposalStatus | null; serviceId: string | null; caseId?: string | null; limit: number },
): Promise<ProposalOut[]> {
  return (await listProposals(db, f)).map(proposalOut);
}

export async function revocationProposal(db: Db, id: string): Promise<ProposalOut> {
  const p = await findProposal(db, id);
  if (!p) throw new AppError('not_found', `no revocation proposal ${id}`, { field: 'proposal' });
  return proposalOut(p);
}
