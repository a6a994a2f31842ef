/**
 * What staff do with a misuse case (DOMAIN.md, "Misuse detection"): close it as dismissed, with a reason, or act
 * on it: an investigation request (Art. 15), an improvement request (Art. 16), or a proposal to revoke under
 * Art. 17.1(3) (misuse of the mark against Art. 10.2–10.6). The proposal is recorded on the case; revoking
 * stays a separate act of an admin. Each is one transaction with the case locked.
 */
import { inTransaction, type Db } from '../db/database';
import { auditConfidentialRead, type StaffReader } from '../domain/confidential';
import { resolveService } from '../domain/lifecycle/staff-view';
import type { CalendarDate } from '../domain/calendar';
import type { LifecycleContext } from '../domain/lifecycle/context';
import { requestImprovement, requestInvestigation } from '../domain/lifecycle/oversight';
import { AppError, notFound } from '../errors';
import { closeCase, findCase, listCases, lockCase, type CaseFilter, type CaseRow, type CaseView } from '../repositories/cases';
import { findImage, sightingsOfCase, type SightingRow } from '../repositories/sightings';
import { recordOnChain } from '../repositories/records';

export type CaseAction =
  | { kind: 'investigation'; subject: string; dueOn: CalendarDate }
  /** `investigationId` names the investigation it follows (Art. 16.1); without it, one is opened for the case's finding. */
  | { kind: 'improvement'; content: string; dueOn: CalendarDate; publish: boolean; investigationId?: string }
  | { kind: 'revocation_proposal'; reason: string };

/** The article each action is taken under. */
export const ACTION_ARTICLES = { investigation: 'Art. 15.1', improvement: 'Art. 16.1', revocation_proposal: 'Art. 17.1(3)' } as const;

function requireOpen(c: CaseRow | undefined): CaseRow {
  if (!c) throw notFound('case');
  if (c.status !== 'open') throw new AppError('conflict', `the case is already ${c.status}`, { extra: { status: c.status } });
  return c;
}

export async function dismissCase(ctx: LifecycleContext, caseId: string, reason: string): Promise<void> {
  await inTransaction(ctx.db, async (tx) => {
    requireOpen(await lockCase(tx, caseId));
    const at = ctx.clock.now();
    await closeCase(tx, caseId, { status: 'dismissed', at, reason, action: null });
    await recordOnChain(tx, 'case', 'case.closed', caseId, ctx.actor, at);
  });
}

export async function actOnCase(ctx: LifecycleContext, caseId: string, action: CaseAction): Promise<Record<string, unknown>> {
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
    switch (action.kind) {
      case 'investigation': {
        // Art. 15.1: explanations or materials about the service's use of the mark (Art. 10)
        const r = await requestInvestigation(inTx, c.service_id, { subject: action.subject, dueOn: action.dueOn });
        recorded = { ...base, investigationId: r.id, dueOn: action.dueOn };
        break;
      }
      case 'improvement': {
        const investigationId =
          action.investigationId ??
          (await requestInvestigation(inTx, c.service_id, { subject: `標章の使用 (Art. 10): ${c.finding} on ${c.page_url}`, dueOn: action.dueOn })).id;
        const r = await requestImprovement(inTx, c.service_id, { investigationId, content: action.content, dueOn: action.dueOn, publish: action.publish });
        recorded = { ...base, improvementId: r.id, investigationId, dueOn: action.dueOn, published: action.publish };
        break;
      }
      case 'revocation_proposal':
        // Art. 17.1(3): a ground for revocation; the revocation itself is decided and recorded by an admin
        recorded = { ...base, ground: 3, reason: action.reason };
        break;
    }
    await closeCase(tx, caseId, { status: 'actioned', at, reason: null, action: recorded });
    await recordOnChain(tx, 'case', 'case.closed', caseId, ctx.actor, at);
    return recorded;
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

/** One case with its latest sightings. */
export async function caseForStaff(reader: StaffReader, caseId: string, sightingsShown: number): Promise<{ found: CaseView; sightings: SightingRow[] }> {
  const found = await findCase(reader.db, caseId);
  if (!found) throw new AppError('not_found', `no case ${caseId}`, { field: 'case' });
  await auditConfidentialRead(reader, caseId, ['case']);
  return { found, sightings: await sightingsOfCase(reader.db, found, sightingsShown) };
}

/** An image a crawler sent, as stored. */
export async function sightingImageForStaff(reader: StaffReader, sha256: string): Promise<Buffer> {
  const image = await findImage(reader.db, sha256);
  if (!image) throw new AppError('not_found', 'no such image', { field: 'sha256' });
  await auditConfidentialRead(reader, sha256, ['sighting image']);
  return image.bytes;
}

/** The case as it is after staff acted on it (the writer's own answer). */
export async function caseAfterAction(db: Db, caseId: string): Promise<CaseView> {
  const found = await findCase(db, caseId);
  if (!found) throw notFound('case');
  return found;
}
