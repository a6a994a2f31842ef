import type { Kysely } from 'kysely';

// Frozen once written.

/**
 * The documents filed with an application (Art. 4) and the later filings (renewal, change notices, answers):
 * PDF files stored once by their SHA-256, and which service each was filed for, by whom, when and with what.
 * Confidential (Art. 20): never in a public output; every read by staff is audited.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('documents')
    .addColumn('sha256', 'text', (c) => c.primaryKey())
    .addColumn('content_type', 'text', (c) => c.notNull())
    .addColumn('size', 'integer', (c) => c.notNull())
    .addColumn('bytes', 'bytea', (c) => c.notNull())
    .addColumn('stored_at', 'timestamptz', (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('service_documents')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('service_id', 'text', (c) => c.notNull().references('services.id'))
    .addColumn('sha256', 'text', (c) => c.notNull().references('documents.sha256'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('purpose', 'text', (c) => c.notNull())
    .addColumn('filed_by', 'text', (c) => c.notNull())
    .addColumn('filed_at', 'timestamptz', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('service_documents_service').on('service_documents').columns(['service_id', 'filed_at']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('service_documents').execute();
  await db.schema.dropTable('documents').execute();
}
