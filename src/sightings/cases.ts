/**
 * What staff do with a misuse case (DOMAIN.md, "Misuse detection"; issue 14). A case is a review item, and each
 * action on it is an event in its history naming the events it caused: dismiss it with a reason (closes it), or
 * act: an investigation request (Art. 15), an improvement request (Art. 16), or a revocation proposal under
 * Art. 17.1(3) (misuse of the mark against Art. 10.2–10.6), which a second admin approves or rejects
 * (revocation-proposals.ts). The case stays open while a request is outstanding and may be escalated later; a
 * sighting after the request's due date reopens it for review (repositories/sightings.ts). Each action is one
 * transaction with the case locked.
 */
import { inTransaction, type Db } from '../db/database';
import { auditConfidentialRead, type StaffReader } from '../domain/confidential';
import { resolveService } from '../domain/lifecycle/staff-view';
import { addDays, startOfJstDay, type CalendarDate } from '../domain/calendar';
import { newId, type LifecycleContext } from '../domain/lifecycle/context';
import type { NoticeDelivery } from '../domain/lifecycle/events';
import { requestImprovement, requestInvestigation } from '../domain/lifecycle/oversight';
import { proposeRevocation, revocationProposals, type ProposalOut } from '../domain/lifecycle/revocation-proposals';
import { AppError, notFound } from '../errors';
import {
  caseActions,
  findCase,
  listCases,
  lockCase,
  recordCaseAction,
  type CaseActionRow,
  type CaseFilter,
  type CaseRow,
  type CaseView,
} from '../repositories/cases';
import { findImage, sightingsOfCase, type SightingRow } from '../repositories/sightings';
import { storedImage, type StoredImage } from './images';

export type CaseAction =
  | { kind: 'investigation'; subject: string; dueOn: CalendarDate }
  /** `investigationId` names the investigation it follows (Art. 16.1); without it, one is opened for the case's finding. */
  | { kind: 'improvement'; content: string; dueOn: CalendarDate; publish: boolean; investigationId?: string | undefined }
  /** The written notice (Art. 17.2) to be sent when the revocation is approved, as `POST …/revocation` takes it. */
  | { kind: 'revocation_proposal'; reason: string; notice?: string | null | undefined; noticeSentBy?: NoticeDelivery | undefined };

/** The article each action is taken under. */
export const ACTION_ARTICLES = { investigation: 'Art. 15.1', improvement: 'Art. 16.1', revocation_proposal: 'Art. 17.1(3)' } as const;

/** What an action on a case answers: the action in the case's history and the ids of the events it caused. */
export interface CaseActionDone {
  actionId: string;
  eventIds: number[];
  recorded: Record<string, unknown>;
}

function requireOpen(c: CaseRow | undefined): CaseRow {
  if (!c) throw notFound('case');
  if (c.status !== 'open') throw new AppError('conflict', `the case is already ${c.status}`, { extra: { status: c.status } });
  if (c.awaiting === 'revocation') {
    throw new AppError('conflict', 'a revocation proposed on this case awaits a second admin: approve, reject or withdraw it first', {
      article: 'Art. 17.1',
      extra: { awaiting: 'revocation' },
    });
  }
  return c;
}

/** The instant a request's due day (JST) ends: a sighting from then on reopens the case. */
const endOfDueDay = (dueOn: CalendarDate) => startOfJstDay(addDays(dueOn, 1));

/** Closes the case as dismissed, with the reason. A dismissed case counts later sightings but does not reopen. */
export async function dismissCase(ctx: LifecycleContext, caseId: string, reason: string): Promise<CaseActionDone> {
  return inTransaction(ctx.db, async (tx) => {
    requireOpen(await lockCase(tx, caseId));
    const at = ctx.clock.now();
    const recorded = { kind: 'dismissed', by: ctx.actor, at: at.toISOString(), reason };
    const done = await recordCaseAction(tx, {
      id: newId(ctx),
      caseId,
      kind: 'dismissed',
      details: recorded,
      eventIds: [],
      actor: ctx.actor,
      at,
      change: { status: 'dismissed', reason, action: null },
    });
    ctx.signal?.throwIfAborted();
    return { ...done, recorded };
  });
}

/**
 * Acts on an open case. The case stays open and waits: for the request's due date (Art. 15, 16), or for the
 * second admin's decision on the revocation proposed (Art. 17.1(3)). A case waiting for a request may be
 * escalated (another request, or a revocation proposal).
 */
export async function actOnCase(ctx: LifecycleContext, caseId: string, action: CaseAction): Promise<CaseActionDone> {
  return inTransaction(ctx.db, async (tx) => {
    const c = requireOpen(await lockCase(tx, caseId));
    if (c.service_id === null) {
      throw new AppError('forbidden_transition', 'the case names no certified service: there is no vendor to act against; dismiss it or refer it elsewhere', {
        article: ACTION_ARTICLES[action.kind],
      });
    }
    const inTx: LifecycleContext = { ...ctx, db: tx };
    const at = ctx.clock.now();
    const base = { kind: action.kind, article: ACTION_ARTICLES[action.kind], by: ctx.actor, at: at.toISOString(), finding: c.finding, pageUrl: c.page_url };
    let recorded: Record<string, unknown>;
    let eventIds: number[];
    let awaiting: { awaiting: 'investigation' | 'improvement' | 'revocation'; awaitingUntil: Date | null };
    switch (action.kind) {
      case 'investigation': {
        // Art. 15.1: explanations or materials about the service's use of the mark (Art. 10)
        const r = await requestInvestigation(inTx, c.service_id, { subject: action.subject, dueOn: action.dueOn });
        recorded = { ...base, investigationId: r.id, dueOn: action.dueOn };
        eventIds = r.events.map((e) => e.id);
        awaiting = { awaiting: 'investigation', awaitingUntil: endOfDueDay(action.dueOn) };
        break;
      }
      case 'improvement': {
        eventIds = [];
        let investigationId = action.investigationId;
        if (!investigationId) {
          const opened = await requestInvestigation(inTx, c.service_id, {
            subject: `標章の使用 (Art. 10): ${c.finding} on ${c.page_url}`,
            dueOn: action.dueOn,
          });
          investigationId = opened.id;
          eventIds.push(...opened.events.map((e) => e.id));
        }
        // Art. 16.1: the improvement request follows the investigation
        const r = await requestImprovement(inTx, c.service_id, { investigationId, content: action.content, dueOn: action.dueOn, publish: action.publish });
        eventIds.push(...r.events.map((e) => e.id));
        recorded = { ...base, improvementId: r.id, investigationId, dueOn: action.dueOn, published: action.publish };
        awaiting = { awaiting: 'improvement', awaitingUntil: endOfDueDay(action.dueOn) };
        break;
      }
      case 'revocation_proposal': {
        // Art. 17.1(3): a ground for revocation; a second admin decides (revocation-proposals.ts)
        const r = await proposeRevocation(inTx, c.service_id, {
          ground: 3,
          reason: action.reason,
          notice: action.notice ?? null,
          ...(action.noticeSentBy ? { noticeSentBy: action.noticeSentBy } : {}),
          caseId,
        });
        recorded = { ...base, ground: 3, reason: action.reason, proposalId: r.proposal.id };
        eventIds = r.eventIds;
        awaiting = { awaiting: 'revocation', awaitingUntil: null };
        break;
      }
    }
    const done = await recordCaseAction(tx, {
      id: newId(ctx),
      caseId,
      kind: action.kind,
      details: recorded,
      eventIds,
      actor: ctx.actor,
      at,
      change: { ...awaiting, action: recorded },
    });
    ctx.signal?.throwIfAborted();
    return { ...done, recorded };
  });
}

export type { CaseView, SightingRow };

// --- Staff reads. A case is confidential (Art. 20): every read of one, of the list and of an image is audited.

/** Cases, last seen first; `query` (the request's filter as given) is what the audit entry names. */
export async function casesForStaff(
  reader: StaffReader,
  filter: Omit<CaseFilter, 'serviceId' | 'serviceIds'> & { service: string | null; scope: ReadonlySet<string> | null },
  query: string,
): Promise<CaseView[]> {
  const serviceId = filter.service ? await caseListService(reader, filter.service, filter.scope) : null;
  const rows = await listCases(reader.db, { ...filter, serviceId, serviceIds: filter.scope ? [...filter.scope] : null });
  await auditConfidentialRead(reader, query || '-', ['case list']);
  return rows;
}

/** The service a case list is filtered by; a scoped role (Art. 19) names one of its own, or is refused as for any other. */
async function caseListService(reader: StaffReader, service: string, scope: ReadonlySet<string> | null): Promise<string> {
  if (!scope) return (await resolveService(reader.db, service)).id;
  const id = await resolveService(reader.db, service).then(
    (s) => s.id,
    () => null,
  );
  if (id === null || !scope.has(id))
    throw new AppError('forbidden', `a delegate works only on the services assigned to it (Art. 19): ${service} is not one of them`, { article: 'Art. 19' });
  return id;
}

/** One case with its latest sightings, its history (each action with the events it caused) and its revocation proposals. */
export async function caseForStaff(
  reader: StaffReader,
  caseId: string,
  sightingsShown: number,
): Promise<{ found: CaseView; sightings: SightingRow[]; history: CaseActionRow[]; proposals: ProposalOut[] }> {
  const found = await findCase(reader.db, caseId);
  if (!found) throw new AppError('not_found', `no case ${caseId}`, { field: 'case' });
  await auditConfidentialRead(reader, caseId, ['case']);
  return {
    found,
    sightings: await sightingsOfCase(reader.db, found, sightingsShown),
    history: await caseActions(reader.db, caseId),
    proposals: await revocationProposals(reader.db, { status: null, serviceId: null, caseId, limit: 20 }),
  };
}

/** An image a crawler sent, as stored. */
export async function sightingImageForStaff(reader: StaffReader, sha256: string): Promise<StoredImage> {
  const image = await findImage(reader.db, sha256);
  if (!image) throw new AppError('not_found', 'no such image', { field: 'sha256' });
  await auditConfidentialRead(reader, sha256, ['sighting image']);
  return storedImage(image.bytes);
}

/** The case as it is after staff acted on it, with its history (the writer's own answer). */
export async function caseAfterAction(db: Db, caseId: string): Promise<{ found: CaseView; history: CaseActionRow[] }> {
  const found = await findCase(db, caseId);
  if (!found) throw notFound('case');
  return { found, history: await caseActions(db, caseId) };
}

export type { CaseActionRow };
