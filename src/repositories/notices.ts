import { sql, type Insertable, type Selectable } from 'kysely';
import type { Db, Tx } from '../db/database';
import type { NoticeAttachment, NoticeTable } from '../db/schema';

/** The outbox of written notices (src/notices/): written with their event, claimed and delivered after commit. */

export type NoticeRow = Selectable<NoticeTable>;

/** Writes notices; one whose cause is written already is left as it is (the same event never notifies twice). */
export async function insertNotices(tx: Tx, rows: Insertable<NoticeTable>[]): Promise<void> {
  if (rows.length === 0) return;
  await tx
    .insertInto('notices')
    .values(rows)
    .onConflict((oc) => oc.column('cause').doNothing())
    .execute();
}

/**
 * Claims due notices for one delivery attempt: each is leased until `leaseUntil` (another process skips it, and
 * takes it up again only if this one died before recording the outcome) and its attempts counted.
 */
export async function claimDueNotices(db: Db, now: Date, leaseUntil: Date, limit: number): Promise<NoticeRow[]> {
  return db
    .updateTable('notices')
    .set({ next_attempt_at: leaseUntil, attempts: sql`attempts + 1` })
    .where('id', 'in', (eb) =>
      eb
        .selectFrom('notices')
        .select('id')
        .where('status', '=', 'pending')
        .where('next_attempt_at', '<=', now)
        .orderBy('next_attempt_at')
        .limit(limit)
        .forUpdate()
        .skipLocked(),
    )
    .returningAll()
    .execute();
}

export async function markNoticeSent(db: Db, id: string, at: Date): Promise<void> {
  await db.updateTable('notices').set({ status: 'sent', sent_at: at, last_error: null }).where('id', '=', id).execute();
}

/** A failed attempt: retried at `retryAt`, or a dead letter when that is null. */
export async function markNoticeFailed(db: Db, id: string, error: string, retryAt: Date | null): Promise<void> {
  await db
    .updateTable('notices')
    .set(retryAt ? { last_error: error, next_attempt_at: retryAt } : { last_error: error, status: 'dead' })
    .where('id', '=', id)
    .execute();
}

export async function noticesOfService(db: Db, serviceId: string): Promise<NoticeRow[]> {
  return db.selectFrom('notices').selectAll().where('service_id', '=', serviceId).orderBy('created_at').orderBy('id').execute();
}

export async function noticesByStatus(db: Db, status: NoticeRow['status'], limit: number): Promise<NoticeRow[]> {
  return db.selectFrom('notices').selectAll().where('status', '=', status).orderBy('created_at', 'desc').orderBy('id').limit(limit).execute();
}

export async function findNotice(db: Db, id: string): Promise<NoticeRow | undefined> {
  return db.selectFrom('notices').selectAll().where('id', '=', id).executeTakeFirst();
}

/** A dead letter goes back in the queue, due now, with its attempts counted afresh; false when it is not dead. */
export async function requeueDeadNotice(db: Db, id: string, now: Date, recipients: string[] | null): Promise<boolean> {
  const r = await db
    .updateTable('notices')
    .set({ status: 'pending', attempts: 0, next_attempt_at: now, last_error: null, ...(recipients ? { recipients: JSON.stringify(recipients) } : {}) })
    .where('id', '=', id)
    .where('status', '=', 'dead')
    .executeTakeFirst();
  return Number(r.numUpdatedRows) > 0;
}

export async function noticeFiles(db: Db, sha256s: readonly string[]) {
  if (sha256s.length === 0) return [];
  return db
    .selectFrom('notice_files')
    .selectAll()
    .where('sha256', 'in', [...sha256s])
    .execute();
}

/** What a notice about a service needs to know of it and its vendor (the addresses are confidential). */
export async function noticeRecipientOf(db: Db, serviceId: string) {
  return recipients(db).where('services.id', '=', serviceId).executeTakeFirst();
}

/** Stores an attachment once by its SHA-256. */
export async function insertNoticeFile(tx: Tx, f: { sha256: string; contentType: string; bytes: Buffer }): Promise<void> {
  await tx
    .insertInto('notice_files')
    .values({ sha256: f.sha256, content_type: f.contentType, bytes: f.bytes })
    .onConflict((oc) => oc.column('sha256').doNothing())
    .execute();
}

/** The attachment made at the first attempt joins the notice's list. */
export async function settlePendingAttachment(db: Db, id: string, attachments: NoticeAttachment[]): Promise<void> {
  await db
    .updateTable('notices')
    .set({ attachments: JSON.stringify(attachments), pending_attachment: null })
    .where('id', '=', id)
    .execute();
}

/** Every service with its vendor's notice settings (the reminder runner's one read). */
export async function noticeRecipientsOfAll(db: Db) {
  return recipients(db).execute();
}

const recipients = (db: Db) =>
  db
    .selectFrom('services')
    .innerJoin('vendors', 'vendors.id', 'services.vendor_id')
    .select([
      'services.id',
      'services.number',
      'services.name_ja',
      'services.name_en',
      'vendors.name_ja as vendor_name_ja',
      'vendors.name_en as vendor_name_en',
      'vendors.language',
      'vendors.notice_emails',
    ]);
