import { sql, type Kysely } from 'kysely';

// Frozen once written.

/**
 * Written notices (DOMAIN.md, "Notices the body sends"): a transactional outbox. A notice is written in the
 * transaction of the event that causes it and delivered after commit, at least once, under a Message-ID derived
 * from what caused it. Attachments (PDF letters and certificates) are stored once by their SHA-256. Vendors gain
 * the addresses notices go to and the language they read.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable('vendors')
    .addColumn('notice_emails', 'jsonb', (c) => c.notNull().defaultTo(sql`'[]'::jsonb`))
    .execute();
  await db.schema
    .alterTable('vendors')
    .addColumn('language', 'text', (c) => c.notNull().defaultTo('ja').check(sql`language in ('ja', 'en')`))
    .execute();

  await db.schema
    .createTable('notice_files')
    .addColumn('sha256', 'text', (c) => c.primaryKey())
    .addColumn('content_type', 'text', (c) => c.notNull())
    .addColumn('bytes', 'bytea', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('notices')
    .addColumn('id', 'text', (c) => c.primaryKey())
    // what caused it, once: `event:{id}:{kind}` or `reminder:{service}:{period}:{kind}`; a second write is a no-op
    .addColumn('cause', 'text', (c) => c.notNull().unique())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('service_id', 'text', (c) => c.references('services.id'))
    .addColumn('event_id', 'integer', (c) => c.references('events.id'))
    .addColumn('recipients', 'jsonb', (c) => c.notNull())
    .addColumn('language', 'text', (c) => c.notNull().check(sql`language in ('ja', 'en')`))
    .addColumn('subject', 'text', (c) => c.notNull())
    .addColumn('body', 'text', (c) => c.notNull())
    .addColumn('attachments', 'jsonb', (c) => c.notNull())
    // an attachment made at the first delivery attempt, outside the event's transaction (the certificate)
    .addColumn('pending_attachment', 'text', (c) => c.check(sql`pending_attachment in ('certificate')`))
    .addColumn('message_id', 'text', (c) => c.notNull().unique())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('pending', 'sent', 'dead')`))
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('next_attempt_at', 'timestamptz', (c) => c.notNull())
    .addColumn('last_error', 'text')
    .addColumn('sent_at', 'timestamptz')
    .execute();
  await sql`create index notices_due on notices (next_attempt_at) where status = 'pending'`.execute(db);
  await sql`create index notices_service on notices (service_id, created_at)`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('notices').execute();
  await db.schema.dropTable('notice_files').execute();
  await db.schema.alterTable('vendors').dropColumn('language').execute();
  await db.schema.alterTable('vendors').dropColumn('notice_emails').execute();
}
