import { sql, type Kysely } from 'kysely';

// Frozen once written.

/**
 * The vendor portal (issue 15): people of a certified vendor sign in and see their own vendor's services. A
 * vendor user is invited by staff or by the vendor's own portal admin; they sign in with a one-time link sent by
 * e-mail through the outbox (15 minutes, good once, stored hashed). Sessions are kept as the console's are (ids
 * hashed; 30 min idle, 12 h absolute). Invitations, links sent, sign-ins, failures and sign-outs are kept in an
 * append-only table of their own.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('vendor_users')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('vendor_id', 'text', (c) => c.notNull().references('vendors.id'))
    .addColumn('email', 'text', (c) => c.notNull().unique())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('role', 'text', (c) => c.notNull().check(sql`role in ('admin', 'member')`))
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addColumn('disabled_at', 'timestamptz')
    .execute();
  await db.schema.createIndex('vendor_users_vendor').on('vendor_users').column('vendor_id').execute();

  await db.schema
    .createTable('vendor_sign_in_links')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('user_id', 'text', (c) => c.notNull().references('vendor_users.id'))
    .addColumn('token_hash', 'text', (c) => c.notNull().unique())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addColumn('expires_at', 'timestamptz', (c) => c.notNull())
    .addColumn('used_at', 'timestamptz')
    .execute();
  await sql`create index vendor_sign_in_links_user on vendor_sign_in_links (user_id, created_at)`.execute(db);

  await db.schema
    .createTable('vendor_sessions')
    .addColumn('id_hash', 'text', (c) => c.primaryKey())
    // null: a session before sign-in, which carries the sign-in form's CSRF token
    .addColumn('user_id', 'text', (c) => c.references('vendor_users.id'))
    .addColumn('csrf_token', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addColumn('last_seen_at', 'timestamptz', (c) => c.notNull())
    .addColumn('expires_at', 'timestamptz', (c) => c.notNull())
    .addColumn('ended_at', 'timestamptz')
    .execute();
  await sql`create index vendor_sessions_user on vendor_sessions (user_id) where ended_at is null`.execute(db);

  await db.schema
    .createTable('vendor_sign_ins')
    .addColumn('id', 'integer', (c) => c.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('user_id', 'text', (c) => c.references('vendor_users.id'))
    .addColumn('email', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull().check(sql`kind in ('invited', 'link_sent', 'signed_in', 'failed', 'signed_out', 'disabled')`))
    .addColumn('detail', 'text')
    .addColumn('at', 'timestamptz', (c) => c.notNull())
    .execute();
  await sql`create index vendor_sign_ins_user on vendor_sign_ins (user_id, at)`.execute(db);
  await sql`create trigger vendor_sign_ins_append_only before update or delete on vendor_sign_ins
    for each row execute function certmark_append_only()`.execute(db);
  await sql`create trigger vendor_sign_ins_no_truncate before truncate on vendor_sign_ins
    for each statement execute function certmark_append_only()`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('vendor_sign_ins').execute();
  await db.schema.dropTable('vendor_sessions').execute();
  await db.schema.dropTable('vendor_sign_in_links').execute();
  await db.schema.dropTable('vendor_users').execute();
}
