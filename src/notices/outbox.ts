/**
 * The transactional outbox: the notices an operation causes are written in its own transaction, so a decision
 * and its notice commit or roll back together. Delivery (delivery.ts) happens after commit.
 */
import { inTransaction, notifyOnCommit, type Db, type Tx } from '../db/database';
import { serviceEvents } from '../repositories/events';
import type { LifecycleEvent } from '../domain/lifecycle/events';
import type { NoticeAttachment } from '../db/schema';
import { insertNoticeFile, insertNotices, noticeFiles, noticeRecipientOf } from '../repositories/notices';
import { verifyUrl } from '../urls';
import { noticesForEvent, type NoticeSettings } from './compose';
import { certificatePdf } from './pdf';
import { messageIdOf, NOTICES_CHANNEL, noticeId } from './ids';
import { queueStaffNotices } from './staff-notices';

/** The event types that cause a notice (compose.ts) or a notice to staff (an emergency). */
const NOTIFIED = new Set<LifecycleEvent['type']>([
  'service.certified',
  'service.refused',
  'investigation.requested',
  'improvement.requested',
  'service.revoked',
  'service.terminated',
  'service.lapsed',
  'certificate.returned',
  'emergency.reported',
]);

/** Writes the notices `written` causes for the service's vendor. A vendor without an address gets a dead letter staff see. */
export async function queueNotices(tx: Tx, serviceId: string, written: readonly LifecycleEvent[], settings: NoticeSettings, now: Date): Promise<void> {
  if (!written.some((e) => NOTIFIED.has(e.type))) return; // most operations notify nobody: no read
  const r = await noticeRecipientOf(tx, serviceId);
  if (!r) return;
  const recipients = Array.isArray(r.notice_emails) ? r.notice_emails : (JSON.parse(String(r.notice_emails)) as string[]);
  const about = {
    service: { id: r.id, number: r.number, nameJa: r.name_ja, nameEn: r.name_en },
    vendor: { nameJa: r.vendor_name_ja, nameEn: r.vendor_name_en, language: r.language },
  };
  const rows = [];
  for (const e of written) {
    for (const d of noticesForEvent(e, about, settings)) {
      const id = noticeId(d.cause);
      const attachments = await attachmentsOf(tx, e, d.attach);
      rows.push({
        id,
        cause: d.cause,
        kind: d.kind,
        service_id: serviceId,
        event_id: d.eventId,
        recipients: JSON.stringify(recipients),
        language: r.language,
        subject: d.subject,
        body: d.body,
        attachments: JSON.stringify(attachments),
        pending_attachment: d.attach === 'certificate' ? ('certificate' as const) : null,
        message_id: messageIdOf(id, settings.publicBaseUrl),
        created_at: now,
        status: recipients.length > 0 ? ('pending' as const) : ('dead' as const),
        next_attempt_at: now,
        last_error: recipients.length > 0 ? null : 'the vendor has no address for notices',
        sent_at: null,
      });
    }
  }
  await insertNotices(tx, rows);
  if (rows.some((r) => r.status === 'pending')) await notifyOnCommit(tx, NOTICES_CHANNEL, serviceId);
  // Art. 14: staff hear of an emergency at once
  const emergencies = written.flatMap((e) => (e.type === 'emergency.reported' ? [e] : []));
  await queueStaffNotices(
    tx,
    settings,
    emergencies.map((e) => ({
      kind: 'staff_emergency_reported' as const,
      cause: `emergency:${e.payload.emergencyId}`,
      serviceId,
      subject: `緊急時の通知（第14条）: ${r.name_ja}（${e.payload.kind}）`,
      lines: [`「${r.name_ja}」（${r.vendor_name_ja}）から緊急時の通知がありました。`, '', e.payload.summary, '', `GET /api/v1/admin/services/${serviceId}`],
    })),
    now,
  );
}

/** The revocation letter was made with its event; the certificate is made at the first delivery attempt (delivery.ts). */
async function attachmentsOf(tx: Tx, e: LifecycleEvent, attach: 'certificate' | 'letter' | null): Promise<NoticeAttachment[]> {
  if (attach === 'letter' && e.type === 'service.revoked' && e.payload.letter) {
    const [file] = await noticeFiles(tx, [e.payload.letter.sha256]);
    if (!file) throw new Error(`the revocation letter ${e.payload.letter.sha256} is not stored`);
    return [{ name: e.payload.letter.name, contentType: file.content_type, sha256: file.sha256, size: file.bytes.length }];
  }
  return [];
}

/**
 * Art. 6.5: the certificate of a `service.certified` event, made outside the decision's transaction (it takes a
 * few hundred milliseconds) and stored once. Deterministic: a retry makes the same bytes.
 */
export async function makeCertificate(db: Db, eventId: number, serviceId: string, settings: NoticeSettings): Promise<NoticeAttachment> {
  const [event] = (await serviceEvents(db, serviceId)).filter((e) => e.id === eventId);
  const r = await noticeRecipientOf(db, serviceId);
  if (!event || event.type !== 'service.certified' || !r) throw new Error(`no certification event ${eventId} of service ${serviceId}`);
  const p = event.payload;
  const pdf = await certificatePdf({
    number: p.number,
    kind: p.kind,
    service: { nameJa: r.name_ja, nameEn: r.name_en },
    vendor: { nameJa: r.vendor_name_ja, nameEn: r.vendor_name_en },
    certifiedOn: p.certifiedOn,
    validThrough: p.validThrough,
    verifyUrl: verifyUrl(settings.publicBaseUrl, p.number),
    mark: await settings.markPng(),
    certifier: settings.certifier,
    issuedAt: event.at,
  });
  await inTransaction(db, (tx) => insertNoticeFile(tx, { sha256: pdf.sha256, contentType: pdf.contentType, bytes: pdf.bytes }));
  return { name: pdf.name, contentType: pdf.contentType, sha256: pdf.sha256, size: pdf.bytes.length };
}
