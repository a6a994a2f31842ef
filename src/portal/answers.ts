/**
 * The vendor's answers to the body's requests (issue 15, Arts. 15.1, 16.1): for an open investigation request,
 * the explanation and materials asked for; for an open improvement request, the report of what was done. Text and
 * up to MAX_ANSWER_FILES PDFs, each filed as a document (purpose `answer`, stored once by SHA-256) in the same
 * transaction as the event (actor `vendor:{user id}`, received now) and the acknowledgement in the outbox. Staff
 * then judge the answer with the console's own operations (`investigation.answered`, `improvement.completed`).
 * Everything here is confidential (Art. 20): no public output shows it.
 */
import { z } from 'zod';
import { inTransaction } from '../db/database';
import type { ServiceRow } from '../db/schema';
import { isPdf, MAX_DOCUMENT_BYTES, fileDocument } from '../documents/filing';
import { jstDate, type CalendarDate } from '../domain/calendar';
import type { LifecycleContext } from '../domain/lifecycle/context';
import type { FiledAttachment, LifecycleEvent } from '../domain/lifecycle/events';
import { fileImprovementReport, fileInvestigationResponse, oversightOf, type VendorResponse } from '../domain/lifecycle/oversight';
import { AppError } from '../errors';
import { serviceEvents } from '../repositories/events';
import { text } from '../routes/admin/schemas';
import { acknowledge, FILING_RECEIVED_NOTICE, type FilingContext } from './filings';
import type { VendorUser } from './sessions';

/** At most this many attachments with one answer, each at most MAX_DOCUMENT_BYTES. */
export const MAX_ANSWER_FILES = 5;
export const MAX_ANSWER_TEXT = 10_000;
/** The largest answer body read at all: the files at their largest, the text and the form's overhead. */
export const MAX_ANSWER_BODY = MAX_ANSWER_FILES * MAX_DOCUMENT_BYTES + 256 * 1024;

export const AnswerText = z.object({ text: text(MAX_ANSWER_TEXT) });

/** An open request addressed to the vendor, as the answer form shows it. */
export interface OpenRequest {
  kind: 'investigation' | 'improvement';
  id: string;
  /** What was asked: the investigation's subject, or the improvement requested. */
  asked: string;
  dueOn: CalendarDate;
  requestedAt: Date;
  overdue: boolean;
  /** What the vendor has already filed for it. */
  responses: VendorResponse[];
}

/** The service's requests still open (not yet judged by staff), investigations first. */
export function openRequestsOf(events: readonly LifecycleEvent[], today: CalendarDate): OpenRequest[] {
  const o = oversightOf(events, today);
  return [
    ...o.investigations
      .filter((i) => !i.answer)
      .map(
        (i): OpenRequest => ({
          kind: 'investigation',
          id: i.id,
          asked: i.subject,
          dueOn: i.dueOn,
          requestedAt: i.requestedAt,
          overdue: i.overdue,
          responses: i.responses,
        }),
      ),
    ...o.improvements
      .filter((i) => !i.completedAt)
      .map(
        (i): OpenRequest => ({
          kind: 'improvement',
          id: i.id,
          asked: i.content,
          dueOn: i.dueOn,
          requestedAt: i.requestedAt,
          overdue: i.overdue,
          responses: i.reports,
        }),
      ),
  ];
}

/** The open request of the user's service (`service` from `vendorServiceOf`); unknown or judged: 404. */
export async function openRequestOf(fc: Pick<FilingContext, 'db' | 'clock'>, service: ServiceRow, requestId: string): Promise<OpenRequest> {
  const events = await serviceEvents(fc.db, service.id);
  const r = openRequestsOf(events, jstDate(fc.clock.now())).find((x) => x.id === requestId);
  if (!r) throw new AppError('not_found', 'no such open request for this service');
  return r;
}

/** Why an attachment was refused (the page says it in the reader's language). */
export type UploadProblem = 'count' | 'size' | 'type' | 'name';

/** A file the form sent: its name as given and its bytes. */
export interface Upload {
  name: string;
  bytes: Buffer;
}

/**
 * The attachments checked before anything is written: how many, how big, PDF (Art. 20 material is PDF only). The
 * errors name the file and answer 400 on the `files` field.
 */
export function checkUploads(files: readonly Upload[]): void {
  const bad = (reason: UploadProblem, message: string, file: string | null) => new AppError('invalid', message, { field: 'files', extra: { reason, file } });
  if (files.length > MAX_ANSWER_FILES) throw bad('count', `at most ${MAX_ANSWER_FILES} files can go with one answer`, null);
  for (const f of files) {
    if (f.bytes.length > MAX_DOCUMENT_BYTES) throw bad('size', `“${f.name}” is larger than ${MAX_DOCUMENT_BYTES / 1024 / 1024} MiB`, f.name);
    if (!isPdf(f.bytes)) throw bad('type', `“${f.name}” is not a PDF file: attach documents as PDF`, f.name);
    if ([...f.name].length > 200) throw bad('name', `the file name “${f.name.slice(0, 40)}…” is longer than 200 characters`, f.name.slice(0, 40));
  }
}

const SUBJECTS = { investigation: '調査への回答（第15条第1項）', improvement: '改善の報告（第16条第1項）' } as const;

/**
 * Files the user's answer to the open request: the PDFs (purpose `answer`), the event and the acknowledgement,
 * one transaction. `input.text` is read with `AnswerText`; `files` are checked here again before any write.
 */
export async function answerRequest(
  fc: FilingContext,
  user: VendorUser,
  service: ServiceRow,
  requestId: string,
  input: { text: string; files: readonly Upload[] },
): Promise<{ eventId: number; documents: FiledAttachment[]; receivedOn: CalendarDate }> {
  checkUploads(input.files);
  const request = await openRequestOf(fc, service, requestId);
  const now = fc.clock.now();
  const receivedOn = jstDate(now);
  return inTransaction(fc.db, async (tx) => {
    const ctx: LifecycleContext = { db: tx, clock: fc.clock, actor: `vendor:${user.id}`, notices: fc.notices };
    const documents: FiledAttachment[] = [];
    for (const f of input.files) {
      const d = await fileDocument(ctx, service.id, { name: f.name, purpose: 'answer', bytes: f.bytes });
      documents.push({ sha256: d.sha256, name: d.name });
    }
    const answer = { text: input.text, documents };
    // Art. 15.1 (explanation or materials) / Art. 16.1 (the improvement made): while the request is open
    const r =
      request.kind === 'investigation'
        ? await fileInvestigationResponse(ctx, service.id, requestId, answer)
        : await fileImprovementReport(ctx, service.id, requestId, answer);
    const eventId = r.events[0]!.id;
    const subject = SUBJECTS[request.kind];
    await acknowledge(
      tx,
      fc.notices,
      service.id,
      {
        cause: `vendor-filing:${eventId}`,
        kind: FILING_RECEIVED_NOTICE,
        subject: `受付のお知らせ: ${subject}（${service.name_ja}）`,
        lines: [
          `「${service.name_ja}」について、${subject}を ${receivedOn} に受け付けました。事務局が内容を確認し、結果をお知らせします。`,
          `添付書類: ${documents.length} 件`,
          `受付番号: ${eventId}`,
          `届出者: ${user.name}`,
        ],
      },
      now,
    );
    return { eventId, documents, receivedOn };
  });
}
