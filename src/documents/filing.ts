/**
 * Documents filed for a service (Art. 4: the application's forms and attachments; and with renewals, change
 * notices, emergency reports and answers): PDF only, bounded in bytes, stored once by SHA-256 however often it is
 * filed. Confidential (Art. 20): never in a public output; every read by staff is audited.
 */
import { createHash } from 'node:crypto';
import { inTransaction } from '../db/database';
import type { ServiceDocumentRow } from '../db/schema';
import { auditConfidentialRead, type StaffReader } from '../domain/confidential';
import { newId, type LifecycleContext } from '../domain/lifecycle/context';
import { AppError, notFound } from '../errors';
import * as documents from '../repositories/documents';
import { recordOnChain } from '../repositories/records';
import { findService } from '../repositories/services';

/** The largest document accepted (the staff API carries it as base64 inside its 4 MiB body limit). */
export const MAX_DOCUMENT_BYTES = 3 * 1024 * 1024;
export const DOCUMENT_PURPOSES = ['application', 'renewal', 'change', 'termination', 'emergency', 'answer', 'other'] as const;
export type DocumentPurpose = (typeof DOCUMENT_PURPOSES)[number];

export interface FiledDocument {
  id: string;
  sha256: string;
  name: string;
  purpose: DocumentPurpose;
  size: number;
  filedBy: string;
  filedAt: string;
}

const view = (r: ServiceDocumentRow & { size: number }): FiledDocument => ({
  id: r.id,
  sha256: r.sha256,
  name: r.name,
  purpose: r.purpose,
  size: r.size,
  filedBy: r.filed_by,
  filedAt: new Date(r.filed_at).toISOString(),
});

/** A PDF by its bytes: the header first, and an end-of-file marker in the last kilobyte (a whole file, not a piece). */
export function isPdf(bytes: Buffer): boolean {
  if (bytes.length < 16 || !/^%PDF-[12]\.\d/.test(bytes.subarray(0, 8).toString('latin1'))) return false;
  return bytes.subarray(Math.max(0, bytes.length - 1024)).includes('%%EOF');
}

/** A file name safe to keep and show: no path, no control characters, at most 200 characters. */
function fileName(raw: string): string {
  const name = raw
    .split(/[\\/]/)
    .at(-1)!
    .replace(/[\p{Cc}\p{Cf}]/gu, '')
    .trim();
  if (!name) throw new AppError('invalid', 'the document needs a file name', { field: 'name' });
  if ([...name].length > 200) throw new AppError('invalid', 'the file name is longer than 200 characters', { field: 'name' });
  return name;
}

/** Art. 4 (and later filings): files a PDF for the service. The same bytes filed twice are stored once. */
export async function fileDocument(
  ctx: LifecycleContext,
  serviceId: string,
  input: { name: string; purpose: DocumentPurpose; bytes: Buffer },
): Promise<FiledDocument> {
  const name = fileName(input.name);
  if (input.bytes.length > MAX_DOCUMENT_BYTES)
    throw new AppError('too_large', `a document is at most ${MAX_DOCUMENT_BYTES / 1024 / 1024} MiB`, { field: 'content' });
  if (!isPdf(input.bytes)) throw new AppError('unsupported_media_type', 'documents are filed as PDF', { field: 'content' });
  const sha256 = createHash('sha256').update(input.bytes).digest('hex');
  return inTransaction(ctx.db, async (tx) => {
    if (!(await findService(tx, serviceId))) throw notFound('service');
    const now = ctx.clock.now();
    await documents.storeDocument(tx, { sha256, contentType: 'application/pdf', bytes: input.bytes, at: now });
    const row: ServiceDocumentRow = { id: newId(ctx), service_id: serviceId, sha256, name, purpose: input.purpose, filed_by: ctx.actor, filed_at: now };
    await documents.insertServiceDocument(tx, row);
    await recordOnChain(tx, 'service_document', 'document.filed', row.id, ctx.actor, now);
    return view({ ...row, size: input.bytes.length });
  });
}

export async function documentsOfService(reader: StaffReader, serviceId: string): Promise<FiledDocument[]> {
  return (await documents.serviceDocuments(reader.db, serviceId)).map(view);
}

/** Art. 20: a document's bytes, read through the service it was filed for; the read is audited. */
export async function documentForStaff(reader: StaffReader, serviceId: string, sha256: string): Promise<{ bytes: Buffer; contentType: string }> {
  const d = await documents.documentOfService(reader.db, serviceId, sha256);
  if (!d) throw new AppError('not_found', 'no such document for this service', { field: 'sha256' });
  await auditConfidentialRead(reader, sha256, ['filed document']);
  return { bytes: d.bytes, contentType: d.content_type };
}
