import { sql, type Kysely } from 'kysely';

// Frozen once written.

/**
 * What vendors file through the portal (issue 15). A filing the rules allow is recorded as a lifecycle event with
 * actor `vendor:{user id}`; one they do not allow as it stands (a renewal outside the Art. 12.1 window) is kept
 * here as a request, for staff to accept with a reason (the renewal then runs with that override reason) or to
 * decline. The decision, who took it, when and why, is kept with the request.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('vendor_requests')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('service_id', 'text', (c) => c.notNull().references('services.id'))
    .addColumn('vendor_id', 'text', (c) => c.notNull().references('vendors.id'))
    .addColumn('user_id', 'text', (c) => c.notNull().references('vendor_users.id'))
    .addColumn('kind', 'text', (c) => c.notNull().check(sql`kind in ('renewal')`))
    .addColumn('payload', 'jsonb', (c) => c.notNull())
    .addColumn('received_on', 'text', (c) => c.notNull())
    .addColumn('received_at', 'timestamptz', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull().defaultTo('pending').check(sql`status in ('pending', 'accepted', 'declined')`))
    .addColumn('decided_by', 'text')
    .addColumn('decided_at', 'timestamptz')
    .addColumn('decision_reason', 'text')
    .addColumn('event_id', 'integer')
    .execute();
  await sql`create index vendor_requests_service on vendor_requests (service_id, received_at)`.execute(db);
  await sql`create index vendor_requests_pending on vendor_requests (received_at) where status = 'pending'`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('vendor_requests').execute();
}
