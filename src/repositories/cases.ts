import { createHash } from 'node:crypto';
import { sql, type Selectable } from 'kysely';
import type { Db, Tx } from '../db/database';
import type { CaseActionTable, MisuseCaseTable } from '../db/schema';
import { canonicalJson } from '../domain/canonical-json';
import { recordOnChain } from './records';

/** A misuse case: confidential to staff (Art. 20). */
export type CaseRow = Selectable<MisuseCaseTable>;
export type CaseStatus = CaseRow['status'];
/** A case with the number of the service it names, for staff views. */
export type CaseView = CaseRow & { service_number: string | null };

/** One case per service, page and finding (DOMAIN.md: the same finding on the same page is one case). */
export function caseKey(serviceId: string | null, pageUrl: string, finding: string): string {
  return createHash('sha256')
    .update(canonicalJson([serviceId ?? '-', pageUrl, finding]))
    .digest('hex');
}

/** The sightings of one case in one batch (group commit): the case opens with them, or counts them. */
export interface FindingTally {
  id: string;
  serviceId: string | null;
  pageUrl: string;
  pageOrigin: string;
  finding: string;
  count: number;
  firstSeenAt: Date;
  lastSeenAt: Date;
  lastSightingId: string;
}

export interface CaseFilter {
  status: CaseStatus | null;
  /** Open cases that wait for a request or a decision (true), or that need a person now (false); null: either. */
  awaiting?: boolean | null;
  finding: string | null;
  serviceId: string | null;
  /** Only cases of these services (a delegate's, Art. 19); null: every case. */
  serviceIds?: readonly string[] | null;
  limit: number;
  /** Keyset: cases last seen before this one (newest first). */
  before: { lastSeenAt: Date; id: string } | null;
}

const withNumber = (db: Db) =>
  db
    .selectFrom('misuse_cases')
    .leftJoin('services', 'services.id', 'misuse_cases.service_id')
    .selectAll('misuse_cases')
    .select('services.number as service_number');

export async function listCases(db: Db, f: CaseFilter): Promise<CaseView[]> {
  let q = withNumber(db);
  if (f.status) q = q.where('misuse_cases.status', '=', f.status);
  if (f.awaiting === true) q = q.where('misuse_cases.status', '=', 'open').where('misuse_cases.awaiting', 'is not', null);
  if (f.awaiting === false) q = q.where('misuse_cases.status', '=', 'open').where('misuse_cases.awaiting', 'is', null);
  if (f.finding) q = q.where('misuse_cases.finding', '=', f.finding);
  if (f.serviceId) q = q.where('misuse_cases.service_id', '=', f.serviceId);
  if (f.serviceIds) q = f.serviceIds.length ? q.where('misuse_cases.service_id', 'in', [...f.serviceIds]) : q.where(sql<boolean>`false`);
  const before = f.before;
  if (before) {
    q = q.where((eb) =>
      eb.or([
        eb('misuse_cases.last_seen_at', '<', before.lastSeenAt),
        eb.and([eb('misuse_cases.last_seen_at', '=', before.lastSeenAt), eb('misuse_cases.id', '<', before.id)]),
      ]),
    );
  }
  return q.orderBy('misuse_cases.last_seen_at', 'desc').orderBy('misuse_cases.id', 'desc').limit(f.limit).execute();
}

export async function findCase(db: Db, id: string): Promise<CaseView | undefined> {
  return withNumber(db).where('misuse_cases.id', '=', id).executeTakeFirst();
}

/** Locks the case for the transaction: two staff closing or acting at once are serialised. */
export async function lockCase(tx: Tx, id: string): Promise<CaseRow | undefined> {
  return tx.selectFrom('misuse_cases').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
}

export type CaseActionRow = Selectable<CaseActionTable>;
export type CaseActionKind = CaseActionRow['kind'];
export type CaseAwaiting = CaseRow['awaiting'];

/** What an action changes on the case: what it waits for now, or its closing. */
export type CaseChange =
  | { awaiting: CaseAwaiting; awaitingUntil: Date | null; action?: Record<string, unknown> }
  | { status: Exclude<CaseStatus, 'open'>; reason: string | null; action: Record<string, unknown> | null };

/**
 * One action on a case (issue 14): the case changed as the action says, that change on the chain, and the
 * action in the case's history with every event it caused, on the chain too. Returns the action's id and the
 * ids of the events it caused (`eventIds` given, then the case's own event).
 */
export async function recordCaseAction(
  tx: Tx,
  a: {
    caseId: string;
    kind: CaseActionKind;
    details: Record<string, unknown>;
    eventIds: readonly number[];
    actor: string;
    at: Date;
    change: CaseChange | null;
    id: string;
  },
): Promise<{ actionId: string; eventIds: number[] }> {
  const eventIds = [...a.eventIds];
  if (a.change) {
    if ('status' in a.change) {
      await closeCase(tx, a.caseId, { ...a.change, at: a.at });
      eventIds.push(await recordOnChain(tx, 'case', 'case.closed', a.caseId, a.actor, a.at));
    } else {
      await tx
        .updateTable('misuse_cases')
        .set({
          awaiting: a.change.awaiting,
          awaiting_until: a.change.awaitingUntil,
          ...(a.change.action ? { action: JSON.stringify(a.change.action) as never } : {}),
        })
        .where('id', '=', a.caseId)
        .execute();
      eventIds.push(await recordOnChain(tx, 'case', a.kind === 'reopened' ? 'case.reopened' : 'case.updated', a.caseId, a.actor, a.at));
    }
  }
  await tx
    .insertInto('case_actions')
    .values({
      id: a.id,
      case_id: a.caseId,
      at: a.at,
      actor: a.actor,
      kind: a.kind,
      details: JSON.stringify(a.details) as never,
      event_ids: JSON.stringify(eventIds) as never,
    })
    .execute();
  await recordOnChain(tx, 'case_action', 'case_action.recorded', a.id, a.actor, a.at);
  return { actionId: a.id, eventIds };
}

/** A case's history, oldest first. */
export async function caseActions(db: Db, caseId: string): Promise<CaseActionRow[]> {
  return db.selectFrom('case_actions').selectAll().where('case_id', '=', caseId).orderBy('seq').execute();
}

export async function closeCase(
  tx: Tx,
  id: string,
  c: { status: Exclude<CaseStatus, 'open'>; at: Date; reason: string | null; action: Record<string, unknown> | null },
): Promise<void> {
  await tx
    .updateTable('misuse_cases')
    .set({
      status: c.status,
      closed_at: c.at,
      close_reason: c.reason,
      action: c.action === null ? null : (JSON.stringify(c.action) as never),
      awaiting: null,
      awaiting_until: null,
    })
    .where('id', '=', id)
    .execute();
}
