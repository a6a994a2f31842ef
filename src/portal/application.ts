/**
 * An application by the vendor (issue 15, Art. 4): a portal administrator of the vendor files the application for
 * a new service of their vendor: the service (names and sites), the application content (form B's items, Art.
 * 11), the fee paid (Art. 5) and the documents as PDFs (Art. 4.1: the application form, the proof of existence
 * such as 登記事項証明書, and what else the body names). The staff API's schemas read the form; the console's
 * domain calls run it, with actor `vendor:{user id}`, received today: the service registered, the PDFs filed
 * (purpose `application`, stored once by SHA-256), `service.applied`, and the acknowledgement, one transaction.
 * The service then waits in `applied` for staff like any application.
 */
import { z } from 'zod';
import type { FieldDef, OpDef } from '../console/operation-defs';
import { inTransaction } from '../db/database';
import { fileDocument } from '../documents/filing';
import { jstDate, type CalendarDate } from '../domain/calendar';
import { apply, registerService } from '../domain/lifecycle/application';
import type { LifecycleContext } from '../domain/lifecycle/context';
import { AppError } from '../errors';
import { ApplicationRequest, NewService } from '../routes/admin/schemas';
import { checkUploads, type Upload } from './answers';
import { acknowledge, FILING_RECEIVED_NOTICE, type FilingContext } from './filings';
import type { VendorUser } from './sessions';

/** Art. 4.1: at least the application form and the proof of existence; at most this many PDFs in one application. */
export const MAX_APPLICATION_FILES = 5;

const f = (name: string, kind: FieldDef['kind'], extra: Partial<FieldDef> = {}): FieldDef => ({ name, kind, ...extra });

/**
 * The form, read with the staff API's schemas (NewService, ApplicationRequest): the vendor is the user's; the
 * documents are the PDFs sent; received today; a vendor never answers Art. 8's continuity question (staff do).
 */
const VendorApplication = z.object({
  service: NewService.omit({ vendorId: true, continues: true }),
  application: ApplicationRequest.omit({ documents: true, receivedOn: true }),
});
export type VendorApplicationInput = z.infer<typeof VendorApplication>;

export const VENDOR_APPLICATION: Pick<OpDef, 'fields' | 'schema' | 'fieldOf'> = {
  fields: [
    f('service.nameJa', 'text', { max: 200 }),
    f('service.nameEn', 'text', { optional: true, max: 200 }),
    f('service.origins', 'lines'),
    f('application.items', 'items'),
    f('application.feePaid', 'checkbox'),
  ],
  schema: VendorApplication,
  // the domain names its fields as the API's bodies do: back to the form's controls
  fieldOf: (f) =>
    f.startsWith('items.') || f === 'items' || f === 'feePaid' ? `application.${f}` : ['nameJa', 'nameEn', 'origins'].includes(f) ? `service.${f}` : f,
};

/** Art. 4 is the vendor's company's act: its portal administrators file it, members do not. */
export function requireApplicant(user: VendorUser): void {
  if (user.role !== 'admin') throw new AppError('forbidden', 'only your company’s portal administrators file an application (Art. 4)');
}

/** Art. 4.1: the documents as PDFs, at least one, bounded in count and size (checked before anything is written). */
export function checkApplicationFiles(files: readonly Upload[]): void {
  if (files.length === 0)
    throw new AppError('invalid', 'attach the application documents as PDF (Art. 4.1)', { field: 'files', extra: { reason: 'none', file: null } });
  if (files.length > MAX_APPLICATION_FILES)
    throw new AppError('invalid', `at most ${MAX_APPLICATION_FILES} files can go with one application`, {
      field: 'files',
      extra: { reason: 'count', file: null },
    });
  checkUploads(files);
}

/** Files the application: the service registered for the user's vendor, the PDFs, `service.applied`, the acknowledgement. */
export async function applyAsVendor(
  fc: FilingContext,
  user: VendorUser,
  input: VendorApplicationInput,
  files: readonly Upload[],
): Promise<{ serviceId: string; eventIds: number[]; receivedOn: CalendarDate }> {
  requireApplicant(user);
  checkApplicationFiles(files);
  const now = fc.clock.now();
  const receivedOn = jstDate(now);
  return inTransaction(fc.db, async (tx) => {
    const ctx: LifecycleContext = { db: tx, clock: fc.clock, actor: `vendor:${user.id}`, notices: fc.notices };
    // Art. 8: the continuity question (a similar service revoked within the year) is left unanswered: staff answer it
    const { id: serviceId } = await registerService(ctx, { vendorId: user.vendorId, ...input.service });
    const documents: string[] = [];
    for (const file of files) {
      const d = await fileDocument(ctx, serviceId, { name: file.name, purpose: 'application', bytes: file.bytes });
      documents.push(`${d.name} (sha256:${d.sha256})`);
    }
    // Art. 4 with Art. 5 (the fee) and Art. 8 (a refusal at once when it applies), as staff's own application
    const r = await apply(ctx, serviceId, { documents, feePaid: input.application.feePaid, items: input.application.items, receivedOn: null });
    const ids = r.events.map((e) => e.id);
    const subject = '認定の申請（第4条）';
    await acknowledge(
      tx,
      fc.notices,
      serviceId,
      {
        cause: `vendor-filing:${ids[0]}`,
        kind: FILING_RECEIVED_NOTICE,
        subject: `受付のお知らせ: ${subject}（${input.service.nameJa}）`,
        lines: [
          `「${input.service.nameJa}」について、${subject}を ${receivedOn} に受け付けました。審査の結果をお知らせします。`,
          `提出書類: ${files.length} 件`,
          `受付番号: ${ids.join(', ')}`,
          `申請者: ${user.name}`,
        ],
      },
      now,
    );
    return { serviceId, eventIds: ids, receivedOn };
  });
}
