/**
 * What staff see and do with the outbox: a service's notices, the dead letters, one notice in full, and a resend.
 * Recipients are vendor contacts (Art. 20): every read is audited.
 */
import { auditConfidentialRead, type StaffReader } from '../domain/confidential';
import type { LifecycleContext } from '../domain/lifecycle/context';
import { AppError } from '../errors';
import { SIGN_IN_LINK_NOTICE } from './ids';
import { findNotice, noticesByStatus, noticesOfService, requeueDeadNotice, type NoticeRow } from '../repositories/notices';

export interface NoticeView {
  id: string;
  kind: string;
  serviceId: string | null;
  eventId: number | null;
  recipients: string[];
  language: 'ja' | 'en';
  subject: string;
  attachments: { name: string; contentType: string; sha256: string; size: number }[];
  messageId: string;
  createdAt: string;
  status: 'pending' | 'sent' | 'dead';
  attempts: number;
  nextAttemptAt: string | null;
  lastError: string | null;
  sentAt: string | null;
}

const parsed = <T>(v: unknown): T => (typeof v === 'string' ? JSON.parse(v) : v) as T;

export function noticeView(n: NoticeRow): NoticeView {
  return {
    id: n.id,
    kind: n.kind,
    serviceId: n.service_id,
    eventId: n.event_id,
    recipients: parsed(n.recipients),
    language: n.language,
    subject: n.subject,
    attachments: parsed(n.attachments),
    messageId: n.message_id,
    createdAt: new Date(n.created_at).toISOString(),
    status: n.status,
    attempts: n.attempts,
    nextAttemptAt: n.status === 'pending' ? new Date(n.next_attempt_at).toISOString() : null,
    lastError: n.last_error,
    sentAt: n.sent_at ? new Date(n.sent_at).toISOString() : null,
  };
}

export async function serviceNotices(reader: StaffReader, serviceId: string): Promise<NoticeView[]> {
  const rows = await noticesOfService(reader.db, serviceId);
  await auditConfidentialRead(reader, serviceId, ['notices']);
  return rows.map(noticeView);
}

export async function noticesWithStatus(reader: StaffReader, status: NoticeRow['status'], limit: number): Promise<NoticeView[]> {
  const rows = await noticesByStatus(reader.db, status, limit);
  await auditConfidentialRead(reader, `notices?status=${status}`, ['notice list']);
  return rows.map(noticeView);
}

export async function noticeForStaff(reader: StaffReader, id: string): Promise<NoticeView & { body: string }> {
  const n = await findNotice(reader.db, id);
  if (!n) throw new AppError('not_found', `no notice ${id}`, { field: 'notice' });
  await auditConfidentialRead(reader, id, ['notice']);
  // a vendor user's sign-in link is theirs alone: staff see that it was sent, not the link
  return { ...noticeView(n), body: n.kind === SIGN_IN_LINK_NOTICE ? '(a one-time sign-in link to the vendor portal: not shown)' : n.body };
}

/** A dead letter goes out again, now, to its recipients or to the ones staff give. */
export async function resendNotice(ctx: Pick<LifecycleContext, 'db' | 'clock'>, id: string, recipients: string[] | null): Promise<NoticeView> {
  const n = await findNotice(ctx.db, id);
  if (!n) throw new AppError('not_found', `no notice ${id}`, { field: 'notice' });
  if (n.kind === SIGN_IN_LINK_NOTICE) throw new AppError('conflict', 'a sign-in link is not sent again: the person asks for a new one', { field: 'notice' });
  const to = recipients ?? parsed<string[]>(n.recipients);
  if (to.length === 0) throw new AppError('invalid', 'the notice has no recipient: give `recipients`', { field: 'recipients' });
  if (!(await requeueDeadNotice(ctx.db, id, ctx.clock.now(), recipients))) {
    throw new AppError('conflict', `the notice is ${n.status}, not a dead letter`, { field: 'notice', extra: { status: n.status } });
  }
  return noticeView((await findNotice(ctx.db, id))!);
}
