/**
 * Notices to the body's own staff (DOMAIN.md, "Notices the body sends"): a new misuse case, a new inquiry
 * (Art. 18), an emergency report (Art. 14), a dead letter. Written in the transaction of what caused them, to
 * CERTMARK_STAFF_EMAILS (the certifier's contact address when unset), in Japanese, and delivered like any notice.
 */
import type { Tx } from '../db/database';
import { insertNotices } from '../repositories/notices';
import { messageIdOf, NOTICES_CHANNEL, noticeId } from './ids';
import { notifyOnCommit } from '../db/database';

export interface StaffNoticeSettings {
  staffEmails: string[];
  publicBaseUrl: string;
}

export type StaffNoticeKind = 'staff_case_opened' | 'staff_inquiry_received' | 'staff_emergency_reported' | 'staff_dead_letter';

export interface StaffNotice {
  kind: StaffNoticeKind;
  /** Unique: what caused it (`case:{id}`, `inquiry:{id}`, …). */
  cause: string;
  serviceId: string | null;
  subject: string;
  lines: string[];
}

export async function queueStaffNotices(tx: Tx, settings: StaffNoticeSettings, notices: readonly StaffNotice[], now: Date): Promise<void> {
  if (notices.length === 0) return;
  const to = settings.staffEmails;
  await insertNotices(
    tx,
    notices.map((n) => {
      const id = noticeId(`staff:${n.cause}`);
      return {
        id,
        cause: `staff:${n.cause}`,
        kind: n.kind,
        service_id: n.serviceId,
        event_id: null,
        recipients: JSON.stringify(to),
        language: 'ja' as const,
        subject: `[certmark] ${n.subject}`,
        body: [...n.lines, '', `${settings.publicBaseUrl}/docs`, ''].join('\n'),
        attachments: JSON.stringify([]),
        pending_attachment: null,
        message_id: messageIdOf(id, settings.publicBaseUrl),
        created_at: now,
        status: to.length > 0 ? ('pending' as const) : ('dead' as const),
        next_attempt_at: now,
        last_error: to.length > 0 ? null : 'no staff address (CERTMARK_STAFF_EMAILS)',
        sent_at: null,
      };
    }),
  );
  await notifyOnCommit(tx, NOTICES_CHANNEL, 'staff');
}
