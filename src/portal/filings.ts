/**
 * What a vendor files through the portal (issue 15): the form → the very domain call staff's console makes, with
 * actor `vendor:{user id}`, received today (JST), and acknowledged by a notice through the outbox in the same
 * transaction. Forms are read by the console's reader with the staff API's own schemas (no second set of rules).
 * A renewal outside the Art. 12.1 window is not refused outright: it is kept as a request for staff to decide
 * (vendor-requests.ts).
 */
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { Clock } from '../clock';
import type { FieldDef, OpDef } from '../console/operation-defs';
import { inTransaction, notifyOnCommit, type Db, type Tx } from '../db/database';
import type { ServiceRow } from '../db/schema';
import { jstDate } from '../domain/calendar';
import { changeDisclosure } from '../domain/lifecycle/changes';
import { returnCertificate, terminate } from '../domain/lifecycle/closure';
import type { LifecycleContext } from '../domain/lifecycle/context';
import type { LifecycleEvent } from '../domain/lifecycle/events';
import { reportEmergency, reportEmergencyProgress } from '../domain/lifecycle/oversight';
import { fileRenewal } from '../domain/lifecycle/renewal';
import { AppError } from '../errors';
import type { NoticeSettings } from '../notices/compose';
import { NOTICES_CHANNEL } from '../notices/ids';
import { plainNoticeRow } from '../notices/plain';
import { insertNotices, noticeRecipientOf } from '../repositories/notices';
import { CalendarDate, ChangeRequest, EmergencyReportRequest, EmergencyRequest, id, RenewalRequest, TerminationRequest, text } from '../routes/admin/schemas';
import type { VendorUser } from './sessions';

export const FILING_KINDS = ['renewal', 'change', 'emergency', 'emergency-progress', 'termination', 'certificate-return'] as const;
export type FilingKind = (typeof FILING_KINDS)[number];
export const isFilingKind = (k: string): k is FilingKind => (FILING_KINDS as readonly string[]).includes(k);

/** The acknowledgement's kind in the outbox (shown to the vendor with their other notices). */
export const FILING_RECEIVED_NOTICE = 'vendor_filing_received';
export const REQUEST_DECIDED_NOTICE = 'vendor_request_decided';

export interface FilingContext {
  db: Db;
  clock: Clock;
  notices: NoticeSettings;
}

const Emergency = EmergencyRequest.omit({ receivedOn: true })
  .extend({ occurredOn: CalendarDate, discoveredOn: CalendarDate, measures: text(5000) })
  .refine((e) => e.discoveredOn >= e.occurredOn, { message: 'the day it was discovered cannot precede the day it happened', path: ['discoveredOn'] });

/** A portal form: its fields (the control names are the body's paths), the staff API's schema, the article. */
export interface FilingDef extends Pick<OpDef, 'fields' | 'schema'> {
  kind: FilingKind;
  article: string;
  run: (ctx: LifecycleContext, serviceId: string, input: any) => Promise<{ events: LifecycleEvent[] }>;
}

const f = (name: string, kind: FieldDef['kind'], extra: Partial<FieldDef> = {}): FieldDef => ({ name, kind, ...extra });

export const FILINGS: Record<FilingKind, FilingDef> = {
  renewal: {
    kind: 'renewal',
    article: 'Art. 12.1',
    fields: [f('selfDeclaration.usedMarkCorrectly', 'checkbox'), f('selfDeclaration.statement', 'textarea', { max: 5000 })],
    schema: RenewalRequest.omit({ overrideReason: true, receivedOn: true }),
    // a vendor never overrides the window, nor back-dates: received today
    run: (ctx, sid, input) => fileRenewal(ctx, sid, { selfDeclaration: input.selfDeclaration, overrideReason: null, receivedOn: null }),
  },
  change: {
    kind: 'change',
    article: 'Art. 13.1',
    fields: [f('items', 'items'), f('note', 'textarea', { max: 2000 })],
    schema: ChangeRequest.omit({ receivedOn: true }),
    run: (ctx, sid, input) => changeDisclosure(ctx, sid, { items: input.items, note: input.note, receivedOn: null }),
  },
  emergency: {
    kind: 'emergency',
    article: 'Art. 14',
    fields: [
      f('kind', 'select', { options: ['outage', 'leak', 'other'] }),
      f('occurredOn', 'date'),
      f('discoveredOn', 'date'),
      f('summary', 'textarea', { max: 5000 }),
      f('measures', 'textarea', { max: 5000 }),
    ],
    schema: Emergency,
    run: (ctx, sid, input) => {
      const summary = `${input.summary}\n\n発生日: ${input.occurredOn}\n発見日: ${input.discoveredOn}\n講じた措置: ${input.measures}`;
      if (input.discoveredOn > jstDate(ctx.clock.now()))
        throw new AppError('invalid', 'the day it was discovered cannot be in the future', { field: 'discoveredOn' });
      return reportEmergency(ctx, sid, { kind: input.kind, summary: summary.slice(0, 12_000), receivedOn: null });
    },
  },
  'emergency-progress': {
    kind: 'emergency-progress',
    article: 'Art. 14',
    fields: [f('emergency', 'select'), f('report', 'textarea', { max: 5000 }), f('close', 'checkbox')],
    schema: EmergencyReportRequest.extend({ emergency: id() }),
    run: (ctx, sid, { emergency, ...input }) => reportEmergencyProgress(ctx, sid, emergency, input),
  },
  termination: {
    kind: 'termination',
    article: 'Art. 13.2',
    fields: [f('terminatedOn', 'date', { optional: true }), f('certificateReturned', 'checkbox')],
    schema: TerminationRequest.omit({ receivedOn: true }),
    run: (ctx, sid, input) =>
      terminate(ctx, sid, { certificateReturned: input.certificateReturned, terminatedOn: input.terminatedOn ?? null, receivedOn: null }),
  },
  // Art. 13.3 (10.8 after a revocation): the certificate returned after the termination notice
  'certificate-return': {
    kind: 'certificate-return',
    article: 'Art. 13.3',
    fields: [],
    schema: z.object({}),
    run: (ctx, sid) => returnCertificate(ctx, sid),
  },
};

const SUBJECTS: Record<FilingKind, string> = {
  renewal: '更新申請（第12条第1項）',
  change: '変更の届出（第13条第1項）',
  emergency: '緊急時の通知（第14条）',
  'emergency-progress': '緊急時の経過報告（第14条）',
  termination: '廃止の届出（第13条第2項）',
  'certificate-return': '認定証の返却（第13条第3項）',
};

/** The acknowledgement of a filing or a request, in the outbox (a vendor without an address: a dead letter staff see). */
export async function acknowledge(
  tx: Tx,
  settings: NoticeSettings,
  serviceId: string,
  m: { cause: string; kind: string; subject: string; lines: string[] },
  now: Date,
): Promise<void> {
  const r = await noticeRecipientOf(tx, serviceId);
  if (!r) return;
  const row = plainNoticeRow(r as never, m, settings, now);
  await insertNotices(tx, [row]);
  if (row.status === 'pending') await notifyOnCommit(tx, NOTICES_CHANNEL, serviceId);
}

export type FilingResult = { kind: 'filed'; eventIds: number[]; receivedOn: string } | { kind: 'requested'; requestId: string; receivedOn: string };

/** Files `input` (read by `readForm` with the kind's def) for the user's service (from `vendorServiceOf`). */
export async function fileAsVendor(fc: FilingContext, user: VendorUser, service: ServiceRow, kind: FilingKind, input: unknown): Promise<FilingResult> {
  const def = FILINGS[kind];
  const actor = `vendor:${user.id}`;
  const now = fc.clock.now();
  const receivedOn = jstDate(now);
  const name = service.name_ja;
  try {
    return await inTransaction(fc.db, async (tx) => {
      const ctx: LifecycleContext = { db: tx, clock: fc.clock, actor, notices: fc.notices };
      const r = await def.run(ctx, service.id, input);
      const ids = r.events.map((e) => e.id);
      await acknowledge(
        tx,
        fc.notices,
        service.id,
        {
          cause: `vendor-filing:${ids[0]}`,
          kind: FILING_RECEIVED_NOTICE,
          subject: `受付のお知らせ: ${SUBJECTS[kind]}（${name}）`,
          lines: [`「${name}」について、${SUBJECTS[kind]}を ${receivedOn} に受け付けました。`, `受付番号: ${ids.join(', ')}`, `届出者: ${user.name}`],
        },
        now,
      );
      return { kind: 'filed' as const, eventIds: ids, receivedOn };
    });
  } catch (err) {
    // Art. 12.1: outside the window the renewal is kept for staff, who may accept it with a reason
    if (!(kind === 'renewal' && err instanceof AppError && err.kind === 'forbidden_transition' && err.field === 'overrideReason')) throw err;
    return requestRenewal(fc, user, service, input as z.infer<typeof RenewalRequest>, now);
  }
}

async function requestRenewal(
  fc: FilingContext,
  user: VendorUser,
  service: ServiceRow,
  input: z.infer<typeof RenewalRequest>,
  now: Date,
): Promise<FilingResult> {
  const requestId = randomUUID();
  const receivedOn = jstDate(now);
  await inTransaction(fc.db, async (tx) => {
    const waiting = await tx.selectFrom('vendor_requests').select('id').where('service_id', '=', service.id).where('status', '=', 'pending').executeTakeFirst();
    if (waiting) throw new AppError('conflict', 'a renewal request of this service already awaits the certification body’s decision', { article: 'Art. 12.1' });
    await tx
      .insertInto('vendor_requests')
      .values({
        id: requestId,
        service_id: service.id,
        vendor_id: service.vendor_id,
        user_id: user.id,
        kind: 'renewal',
        payload: JSON.stringify({ selfDeclaration: input.selfDeclaration }),
        received_on: receivedOn,
        received_at: now,
      })
      .execute();
    await acknowledge(
      tx,
      fc.notices,
      service.id,
      {
        cause: `vendor-request:${requestId}`,
        kind: FILING_RECEIVED_NOTICE,
        subject: `受付のお知らせ: ${SUBJECTS.renewal}（${service.name_ja}）`,
        lines: [
          `「${service.name_ja}」について、${SUBJECTS.renewal}を ${receivedOn} に受け付けました。`,
          '更新申請の受付期間（有効期限の60日前から30日前まで）の外であるため、事務局が受理の可否を判断し、結果をお知らせします。',
          `受付番号: ${requestId}`,
        ],
      },
      now,
    );
  });
  return { kind: 'requested', requestId, receivedOn };
}
