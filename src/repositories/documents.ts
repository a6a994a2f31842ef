import type { Db, Tx } from '../db/database';
import type { ServiceDocumentRow } from '../db/schema';

/** Filed documents (Art. 4 and later filings): the bytes once per SHA-256, and one row per filing of one. */
export type { ServiceDocumentRow };

export async function storeDocument(tx: Tx, d: { sha256: string; contentType: string; bytes: Buffer; at: Date }): Promise<void> {
  await tx
    .insertInto('documents')
    .values({ sha256: d.sha256, content_type: d.contentType, size: d.bytes.length, bytes: d.bytes, stored_at: d.at })
    .onConflict((oc) => oc.column('sha256').doNothing())
    .execute();
}

export async function insertServiceDocument(tx: Tx, row: ServiceDocumentRow): Promise<void> {
  await tx.insertInto('service_documents').values(row).execute();
}

export async function serviceDocuments(db: Db, serviceId: string): Promise<(ServiceDocumentRow & { size: number })[]> {
  return db
    .selectFrom('service_documents')
    .innerJoin('documents', 'documents.sha256', 'service_documents.sha256')
    .selectAll('service_documents')
    .select('documents.size')
    .where('service_documents.service_id', '=', serviceId)
    .orderBy('service_documents.filed_at', 'desc')
    .orderBy('service_documents.id')
    .execute();
}

/** The document's bytes, if it was filed for this service (a document is read through the service it was filed for). */
export async function documentOfService(db: Db, serviceId: string, sha256: string): Promise<{ bytes: Buffer; content_type: string } | undefined> {
  return db
    .selectFrom('documents')
    .innerJoin('service_documents', 'service_documents.sha256', 'documents.sha256')
    .select(['documents.bytes', 'documents.content_type'])
    .where('service_documents.service_id', '=', serviceId)
    .where('documents.sha256', '=', sha256)
    .executeTakeFirst();
}
