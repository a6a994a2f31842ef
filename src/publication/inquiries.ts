import { recordOnChain } from '../repositories/records';
import { randomUUID } from 'node:crypto';
import type { Clock } from '../clock';
import { inTransaction, type Db } from '../db/database';
import { auditConfidentialRead, type StaffReader } from '../domain/confidential';
import { AppError } from '../errors';
import { findInquiry, insertInquiry, listInquiries, lockInquiry, updateInquiry, type InquiryRow } from '../repositories/inquiries';
import { queueStaffNotices, type StaffNoticeSettings } from '../notices/staff-notices';

/** What a reader sends to the inquiry desk (Art. 18). Confidential to staff once received (Art. 20). */
export interface InquiryInput {
  name: string;
  email: string;
  organisation?: string | null;
  serviceNumber?: string | null;
  subject: string;
  body: string;
}

/** The reference number a reader quotes: the JST day received and the id's first six hex digits (staff see it beside the id). */
export function inquiryReference(r: { id: string; receivedAt: Date }): string {
  const day = new Date(r.receivedAt.getTime() + 9 * 3600_000).toISOString().slice(0, 10).replace(/-/g, '');
  return `${day}-${r.id.replace(/-/g, '').slice(0, 6).toUpperCase()}`;
}
export const REFERENCE_PATTERN = /^\d{8}-[0-9A-F]{6}$/;

/** Control characters other than tab and line breaks are dropped (PostgreSQL text cannot hold NUL anyway). */
function clean(s: string): string {
  return s.replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/g, '').trim();
}

const orNull = (s: string | null | undefined) => (s && clean(s) ? clean(s) : null);

/** Art. 18: stores the inquiry for staff. The answer names the receipt, never what was sent. */
export async function receiveInquiry(db: Db, clock: Clock, input: InquiryInput, staff?: StaffNoticeSettings): Promise<{ id: string; receivedAt: Date }> {
  const id = randomUUID();
  const receivedAt = clock.now();
  await inTransaction(db, async (tx) => {
    await insertInquiry(tx, {
      id,
      received_at: receivedAt,
      name: clean(input.name),
      email: clean(input.email),
      organisation: orNull(input.organisation),
      service_number: orNull(input.serviceNumber),
      subject: clean(input.subject),
      body: clean(input.body),
      status: 'new',
    });
    await recordOnChain(tx, 'inquiry', 'inquiry.received', id, 'public', receivedAt);
    if (staff) {
      const reference = inquiryReference({ id, receivedAt });
      await queueStaffNotices(
        tx,
        staff,
        [
          {
            kind: 'staff_inquiry_received',
            cause: `inquiry:${id}`,
            serviceId: null,
            subject: `新しい問い合わせ（第18条）: ${reference}`,
            lines: [`問い合わせを受け付けました（受付番号 ${reference}）。`, '', `件名: ${clean(input.subject)}`, '', `GET /api/v1/admin/inquiries/${id}`],
          },
        ],
        receivedAt,
      );
    }
  });
  return { id, receivedAt };
}

export interface InquirySummary {
  id: string;
  reference: string;
  receivedAt: string;
  status: 'new' | 'answered' | 'closed';
  serviceNumber: string | null;
}

/** Summaries for staff, newest first, without personal data (so not an audited read). One more than `limit` says there is a next page. */
export async function inquirySummaries(
  db: Db,
  f: { limit: number; before: { receivedAt: Date; id: string } | null; status: InquirySummary['status'] | null },
): Promise<{ page: InquirySummary[]; more: boolean }> {
  const rows = await listInquiries(db, { limit: f.limit + 1, before: f.before, status: f.status });
  return {
    page: rows.slice(0, f.limit).map((i) => ({
      id: i.id,
      reference: inquiryReference({ id: i.id, receivedAt: new Date(i.received_at) }),
      receivedAt: new Date(i.received_at).toISOString(),
      status: i.status,
      serviceNumber: i.service_number,
    })),
    more: rows.length > f.limit,
  };
}

/** One inquiry in full: personal data, so the read is audited (Art. 20). */
export async function inquiryForStaff(reader: StaffReader, id: string) {
  const row = await findInquiry(reader.db, id);
  if (!row) throw new AppError('not_found', 'inquiry not found');
  await auditConfidentialRead(reader, id, ['inquiry']);
  return inquiryOut(row);
}

export type InquiryForStaff = ReturnType<typeof inquiryOut>;

/** Who acts on the inquiry desk, when (the staff token or account as `staff:{id}`). */
export interface DeskContext {
  db: Db;
  clock: Clock;
  actor: string;
  signal?: AbortSignal;
}

/**
 * Art. 18: the answer given to the inquirer, recorded with who gave it and when: new → answered. The text is
 * what staff sent (certmark does not send it). Returns the inquiry after it and the event on the chain.
 */
export async function answerInquiry(ctx: DeskContext, id: string, answer: string): Promise<{ inquiry: InquiryForStaff; eventIds: number[] }> {
  const text = clean(answer);
  if (!text) throw new AppError('invalid', 'an answer needs its text', { field: 'answer' });
  return inquiryStep(ctx, id, (row, at) => {
    if (row.status !== 'new') throw new AppError('conflict', `the inquiry is already ${row.status}`, { article: 'Art. 18', extra: { status: row.status } });
    return { set: { status: 'answered', answer: text, answered_by: ctx.actor, answered_at: at }, event: 'inquiry.answered' };
  });
}

/** Art. 18: the inquiry closed: answered, or closed unanswered with the reason (a duplicate, spam). */
export async function closeInquiry(ctx: DeskContext, id: string, note: string | null): Promise<{ inquiry: InquiryForStaff; eventIds: number[] }> {
  const why = note === null ? null : clean(note) || null;
  return inquiryStep(ctx, id, (row, at) => {
    if (row.status === 'closed') throw new AppError('conflict', 'the inquiry is already closed', { article: 'Art. 18', extra: { status: row.status } });
    if (row.status === 'new' && why === null) {
      throw new AppError('invalid', 'an inquiry closed without an answer needs the reason (note)', { field: 'note', article: 'Art. 18' });
    }
    return { set: { status: 'closed', closed_by: ctx.actor, closed_at: at, close_note: why }, event: 'inquiry.closed' };
  });
}

async function inquiryStep(
  ctx: DeskContext,
  id: string,
  decide: (row: InquiryRow, at: Date) => { set: Parameters<typeof updateInquiry>[2]; event: 'inquiry.answered' | 'inquiry.closed' },
) {
  return inTransaction(ctx.db, async (tx) => {
    const row = await lockInquiry(tx, id);
    if (!row) throw new AppError('not_found', 'inquiry not found', { field: 'id' });
    const at = ctx.clock.now();
    const step = decide(row, at);
    await updateInquiry(tx, id, step.set);
    const eventId = await recordOnChain(tx, 'inquiry', step.event, id, ctx.actor, at);
    ctx.signal?.throwIfAborted();
    return { inquiry: inquiryOut((await lockInquiry(tx, id))!), eventIds: [eventId] };
  });
}

const isoOrNull = (d: Date | string | null) => (d === null ? null : new Date(d).toISOString());

function inquiryOut(row: InquiryRow) {
  return {
    id: row.id,
    reference: inquiryReference({ id: row.id, receivedAt: new Date(row.received_at) }),
    receivedAt: new Date(row.received_at).toISOString(),
    status: row.status,
    name: row.name,
    email: row.email,
    organisation: row.organisation,
    serviceNumber: row.service_number,
    subject: row.subject,
    body: row.body,
    answer: row.answer,
    answeredBy: row.answered_by,
    answeredAt: isoOrNull(row.answered_at),
    closedBy: row.closed_by,
    closedAt: isoOrNull(row.closed_at),
    closeNote: row.close_note,
  };
}
