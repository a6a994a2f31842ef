import type { Insertable, Selectable } from 'kysely';
import type { Db, Tx } from '../db/database';
import type { RevocationProposalTable } from '../db/schema';

/** Art. 17 with two admins (issue 14): revocations proposed, awaiting a second admin. Confidential (Art. 20). */
export type ProposalRow = Selectable<RevocationProposalTable>;
export type ProposalStatus = ProposalRow['status'];

/** A proposal with the number and name of the service it would revoke, for staff views. */
export type ProposalView = ProposalRow & { service_number: string | null; service_name_ja: string };

const withService = (db: Db) =>
  db
    .selectFrom('revocation_proposals')
    .innerJoin('services', 'services.id', 'revocation_proposals.service_id')
    .selectAll('revocation_proposals')
    .select(['services.number as service_number', 'services.name_ja as service_name_ja']);

export async function insertProposal(tx: Tx, row: Insertable<RevocationProposalTable>): Promise<void> {
  await tx.insertInto('revocation_proposals').values(row).execute();
}

/** Locks the proposal: two admins deciding at once are serialised. */
export async function lockProposal(tx: Tx, id: string): Promise<ProposalRow | undefined> {
  return tx.selectFrom('revocation_proposals').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
}

export async function pendingProposalOf(db: Db, serviceId: string): Promise<ProposalRow | undefined> {
  return db.selectFrom('revocation_proposals').selectAll().where('service_id', '=', serviceId).where('status', '=', 'pending').executeTakeFirst();
}

export async function pendingProposalOfCase(db: Db, caseId: string): Promise<ProposalRow | undefined> {
  return db.selectFrom('revocation_proposals').selectAll().where('case_id', '=', caseId).where('status', '=', 'pending').executeTakeFirst();
}

export async function decideProposal(
  tx: Tx,
  id: string,
  d: { status: Exclude<ProposalStatus, 'pending'>; by: string; at: Date; note: string | null; revocationEventId: number | null },
): Promise<void> {
  await tx
    .updateTable('revocation_proposals')
    .set({ status: d.status, decided_by: d.by, decided_at: d.at, decision_note: d.note, revocation_event_id: d.revocationEventId })
    .where('id', '=', id)
    .execute();
}

export async function findProposal(db: Db, id: string): Promise<ProposalView | undefined> {
  return withService(db).where('revocation_proposals.id', '=', id).executeTakeFirst();
}

/** Newest first; pending ones are what a second admin is asked to decide. */
export async function listProposals(
  db: Db,
  f: { status: ProposalStatus | null; serviceId: string | null; caseId?: string | null; limit: number },
): Promise<ProposalView[]> {
  let q = withService(db);
  if (f.status) q = q.where('revocation_proposals.status', '=', f.status);
  if (f.serviceId) q = q.where('revocation_proposals.service_id', '=', f.serviceId);
  if (f.caseId) q = q.where('revocation_proposals.case_id', '=', f.caseId);
  return q.orderBy('revocation_proposals.proposed_at', 'desc').orderBy('revocation_proposals.id', 'desc').limit(f.limit).execute();
}
