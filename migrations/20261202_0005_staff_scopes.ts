import { sql, type Kysely } from 'kysely';

// Frozen once written.

/**
 * Art. 7 and 19: two scoped staff roles. A `delegate` token belongs to a delegated body (the published
 * `delegates` row, Art. 19.2) and works on the services assigned to it only; a `committee` token reads the
 * applications assigned to it and records opinions. Assignments are kept as records on the chain, and so are
 * the delegated bodies (adopted by the next start, as migration 0004's records were).
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`alter table staff_tokens drop constraint staff_tokens_role_check`.execute(db);
  await sql`alter table staff_tokens add constraint staff_tokens_role_check
    check (role in ('admin', 'reviewer', 'auditor', 'delegate', 'committee'))`.execute(db);
  await db.schema
    .alterTable('staff_tokens')
    .addColumn('delegate_id', 'text', (c) => c.references('delegates.id'))
    .execute();
  await sql`alter table staff_tokens add constraint staff_tokens_delegate_check
    check ((role = 'delegate') = (delegate_id is not null))`.execute(db);

  await db.schema
    .createTable('staff_assignments')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('staff_token_id', 'text', (c) => c.notNull().references('staff_tokens.id'))
    .addColumn('service_id', 'text', (c) => c.notNull().references('services.id'))
    .addColumn('assigned_at', 'timestamptz', (c) => c.notNull())
    .addColumn('ended_at', 'timestamptz')
    .execute();
  await sql`create unique index staff_assignments_live on staff_assignments (staff_token_id, service_id) where ended_at is null`.execute(db);
  await db
    .insertInto('pending_adoptions')
    .values({ name: 'records_on_chain' })
    .onConflict((oc) => oc.column('name').doNothing())
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('staff_assignments').execute();
  await sql`alter table staff_tokens drop constraint staff_tokens_delegate_check`.execute(db);
  await db.schema.alterTable('staff_tokens').dropColumn('delegate_id').execute();
  await sql`alter table staff_tokens drop constraint staff_tokens_role_check`.execute(db);
  await sql`alter table staff_tokens add constraint staff_tokens_role_check check (role in ('admin', 'reviewer', 'auditor'))`.execute(db);
}
