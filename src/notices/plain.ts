import type { Insertable } from 'kysely';
import type { NoticeTable } from '../db/schema';
import type { NoticeLanguage, NoticeSettings } from './compose';
import { messageIdOf, noticeId } from './ids';

/** The vendor a notice goes to, as `noticeRecipientsOfAll` and `noticeRecipientOf` read it. */
export interface PlainNoticeRecipient {
  /** The service the notice is about; null for one about a person (a vendor user's sign-in link). */
  id: string | null;
  notice_emails: unknown;
  language: NoticeLanguage;
  vendor_name_ja: string;
  vendor_name_en: string | null;
}

/**
 * A notice that no lifecycle event causes (reminders, a site that failed its re-check): the outbox row, addressed
 * and signed like every other, pending, or dead at once (for staff to see) when the vendor has no address.
 */
export function plainNoticeRow(
  r: PlainNoticeRecipient,
  m: { cause: string; kind: string; subject: string; lines: readonly string[] },
  settings: Pick<NoticeSettings, 'certifier' | 'publicBaseUrl'>,
  now: Date,
): Insertable<NoticeTable> {
  const recipients = typeof r.notice_emails === 'string' ? (JSON.parse(r.notice_emails) as string[]) : (r.notice_emails as string[]);
  const id = noticeId(m.cause);
  const vendor = r.language === 'en' ? (r.vendor_name_en ?? r.vendor_name_ja) : r.vendor_name_ja;
  const head = r.language === 'en' ? `To ${vendor}` : `${vendor} 御中`;
  const sign = r.language === 'en' ? settings.certifier.name.en : settings.certifier.name.ja;
  return {
    id,
    cause: m.cause,
    kind: m.kind,
    service_id: r.id,
    event_id: null,
    recipients: JSON.stringify(recipients),
    language: r.language,
    subject: m.subject,
    body: [head, '', ...m.lines, '', '--', sign, settings.certifier.email, ''].join('\n'),
    attachments: JSON.stringify([]),
    pending_attachment: null,
    message_id: messageIdOf(id, settings.publicBaseUrl),
    created_at: now,
    status: recipients.length > 0 ? 'pending' : 'dead',
    next_attempt_at: now,
    last_error: recipients.length > 0 ? null : 'the vendor has no address for notices',
    sent_at: null,
  };
}
