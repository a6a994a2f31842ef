import { sql, type Kysely } from 'kysely';

// Frozen once written.

/**
 * The staff console (issue 14): people sign in, where the staff API knows bearer tokens. A staff account has a
 * role as a token has (and, for a delegate, its delegated body, Art. 19); it is enrolled through a one-time
 * invitation (stored hashed, 24 h), signs in with a passkey or, as the fallback, a password (argon2id) and a
 * TOTP code. Sessions are kept here, their ids stored hashed. Sign-ins, failures, lockouts and sign-outs are
 * kept in an append-only table of their own. An assignment of services (Arts. 7, 19) names a token or an
 * account, exactly one.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('staff_accounts')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('email', 'text', (c) => c.notNull().unique())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('role', 'text', (c) => c.notNull().check(sql`role in ('admin', 'reviewer', 'auditor', 'delegate', 'committee')`))
    .addColumn('delegate_id', 'text', (c) => c.references('delegates.id'))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addColumn('enrolled_at', 'timestamptz')
    .addColumn('disabled_at', 'timestamptz')
    .addCheckConstraint('staff_accounts_delegate_check', sql`(role = 'delegate') = (delegate_id is not null)`)
    .execute();

  await db.schema
    .createTable('staff_invites')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('account_id', 'text', (c) => c.notNull().references('staff_accounts.id'))
    .addColumn('token_hash', 'text', (c) => c.notNull().unique())
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addColumn('expires_at', 'timestamptz', (c) => c.notNull())
    .addColumn('used_at', 'timestamptz')
    .execute();

  await db.schema
    .createTable('staff_passkeys')
    .addColumn('id', 'text', (c) => c.primaryKey()) // the credential id, base64url
    .addColumn('account_id', 'text', (c) => c.notNull().references('staff_accounts.id'))
    .addColumn('public_key', 'bytea', (c) => c.notNull())
    .addColumn('counter', 'bigint', (c) => c.notNull())
    .addColumn('transports', 'jsonb', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addColumn('last_used_at', 'timestamptz')
    .execute();
  await sql`create index staff_passkeys_account on staff_passkeys (account_id)`.execute(db);

  await db.schema
    .createTable('staff_passwords')
    .addColumn('account_id', 'text', (c) => c.primaryKey().references('staff_accounts.id'))
    .addColumn('password_hash', 'text', (c) => c.notNull())
    .addColumn('totp_secret', 'text', (c) => c.notNull())
    // the last TOTP time step accepted: a code is good once
    .addColumn('totp_last_step', 'bigint')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('staff_sessions')
    .addColumn('id_hash', 'text', (c) => c.primaryKey())
    // null: a session before sign-in, which carries the sign-in form's CSRF token and the passkey challenge
    .addColumn('account_id', 'text', (c) => c.references('staff_accounts.id'))
    .addColumn('csrf_token', 'text', (c) => c.notNull())
    .addColumn('challenge', 'text')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addColumn('last_seen_at', 'timestamptz', (c) => c.notNull())
    .addColumn('expires_at', 'timestamptz', (c) => c.notNull())
    .addColumn('ended_at', 'timestamptz')
    .execute();
  await sql`create index staff_sessions_account on staff_sessions (account_id) where ended_at is null`.execute(db);

  await db.schema
    .createTable('staff_sign_ins')
    .addColumn('id', 'integer', (c) => c.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('account_id', 'text', (c) => c.references('staff_accounts.id'))
    .addColumn('email', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull().check(sql`kind in ('enrolled', 'signed_in', 'failed', 'locked', 'signed_out', 'invited', 'disabled')`))
    .addColumn('method', 'text')
    .addColumn('detail', 'text')
    .addColumn('at', 'timestamptz', (c) => c.notNull())
    .execute();
  await sql`create index staff_sign_ins_account on staff_sign_ins (account_id, at)`.execute(db);
  await sql`create trigger staff_sign_ins_append_only before update or delete on staff_sign_ins
    for each row execute function certmark_append_only()`.execute(db);
  await sql`create trigger staff_sign_ins_no_truncate before truncate on staff_sign_ins
    for each statement execute function certmark_append_only()`.execute(db);

  // An assignment names a staff token or a staff account, exactly one.
  await sql`alter table staff_assignments alter column staff_token_id drop not null`.execute(db);
  await db.schema
    .alterTable('staff_assignments')
    .addColumn('staff_account_id', 'text', (c) => c.references('staff_accounts.id'))
    .execute();
  await sql`alter table staff_assignments add constraint staff_assignments_holder_check
    check ((staff_token_id is null) <> (staff_account_id is null))`.execute(db);
  await sql`create unique index staff_assignments_live_account on staff_assignments (staff_account_id, service_id)
    where ended_at is null and staff_account_id is not null`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop index staff_assignments_live_account`.execute(db);
  await sql`alter table staff_assignments drop constraint staff_assignments_holder_check`.execute(db);
  await db.schema.alterTable('staff_assignments').dropColumn('staff_account_id').execute();
  await sql`delete from staff_assignments where staff_token_id is null`.execute(db);
  await sql`alter table staff_assignments alter column staff_token_id set not null`.execute(db);
  await db.schema.dropTable('staff_sign_ins').execute();
  await db.schema.dropTable('staff_sessions').execute();
  await db.schema.dropTable('staff_passwords').execute();
  await db.schema.dropTable('staff_passkeys').execute();
  await db.schema.dropTable('staff_invites').execute();
  await db.schema.dropTable('staff_accounts').execute();
}
