import { sql, type Kysely } from 'kysely';

// Frozen once written.

/**
 * Passkeys for vendor users (issue 15): a signed-in vendor user registers passkeys (WebAuthn, discoverable, user
 * verification) and signs in with one, as staff do (migration 0008). The ceremony's challenge is kept in the
 * portal session, as the console keeps it in the staff session. The sign-in log also records a passkey added or
 * removed.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('vendor_passkeys')
    .addColumn('id', 'text', (c) => c.primaryKey()) // the credential id, base64url
    .addColumn('user_id', 'text', (c) => c.notNull().references('vendor_users.id'))
    .addColumn('public_key', 'bytea', (c) => c.notNull())
    .addColumn('counter', 'bigint', (c) => c.notNull())
    .addColumn('transports', 'jsonb', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addColumn('last_used_at', 'timestamptz')
    .execute();
  await sql`create index vendor_passkeys_user on vendor_passkeys (user_id)`.execute(db);

  await db.schema.alterTable('vendor_sessions').addColumn('challenge', 'text').execute();

  await sql`alter table vendor_sign_ins drop constraint vendor_sign_ins_kind_check`.execute(db);
  await sql`alter table vendor_sign_ins add constraint vendor_sign_ins_kind_check
    check (kind in ('invited', 'link_sent', 'signed_in', 'failed', 'signed_out', 'disabled', 'passkey_added', 'passkey_removed'))`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  // the log is append-only: rows of the new kinds stay, so the old check is not validated against them
  await sql`alter table vendor_sign_ins drop constraint vendor_sign_ins_kind_check`.execute(db);
  await sql`alter table vendor_sign_ins add constraint vendor_sign_ins_kind_check
    check (kind in ('invited', 'link_sent', 'signed_in', 'failed', 'signed_out', 'disabled')) not valid`.execute(db);
  await db.schema.alterTable('vendor_sessions').dropColumn('challenge').execute();
  await db.schema.dropTable('vendor_passkeys').execute();
}
