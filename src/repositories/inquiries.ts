import type { Db, Tx } from '../db/database';
import type { InquiryTable } from '../db/schema';
import type { Insertable, Selectable, Updateable } from 'kysely';

/** Art. 18: the inquiry desk. Every row is confidential to staff (Art. 20). */
export type InquiryRow = Selectable<InquiryTable>;

export async function insertInquiry(db: Db, row: Insertable<InquiryTable>): Promise<void> {
  await db.insertInto('inquiries').values(row).execute();
}

export interface InquirySummary {
  id: string;
  received_at: Date;
  status: InquiryRow['status'];
  service_number: string | null;
}

/** Newest first, keyset-paged by (received_at, id). The summary carries no personal data and no text. */
export async function listInquiries(
  db: Db,
  options: { limit: number; before: { receivedAt: Date; id: string } | null; status: InquiryRow['status'] | null },
): Promise<InquirySummary[]> {
  let q = db.selectFrom('inquiries').select(['id', 'received_at', 'status', 'service_number']);
  if (options.status) q = q.where('status', '=', options.status);
  const before = options.before;
  if (before) {
    q = q.where((eb) => eb.or([eb('received_at', '<', before.receivedAt), eb.and([eb('received_at', '=', before.receivedAt), eb('id', '<', before.id)])]));
  }
  const rows = await q.orderBy('received_at', 'desc').orderBy('id', 'desc').limit(options.limit).execute();
  return rows.map((r) => ({ ...r, received_at: new Date(r.received_at) }));
}

export async function findInquiry(db: Db, id: string): Promise<InquiryRow | undefined> {
  return db.selectFrom('inquiries').selectAll().where('id', '=', id).executeTakeFirst();
}

/** Locks the inquiry: two staff answering at once are serialised. */
export async function lockInquiry(tx: Tx, id: string): Promise<InquiryRow | undefined> {
  return tx.selectFrom('inquiries').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
}

export async function updateInquiry(tx: Tx, id: string, set: Updateable<InquiryTable>): Promise<void> {
  await tx.updateTable('inquiries').set(set).where('id', '=', id).execute();
}
