import { sql, type Kysely } from 'kysely';

// Frozen once written.

/** The history tables beside `events`, never updated or deleted once written. */
const APPEND_ONLY = ['disclosure_items', 'periods', 'audit_log'] as const;

/**
 * Records kept beside the lifecycle go on the chain (src/repositories/records.ts). Records written before this
 * migration are adopted by the next start (bootstrap: adoptPendingRecords, one transaction), which this
 * migration asks for with a row in `pending_adoptions`. The history tables beside `events` become append-only,
 * as `events` is.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create function certmark_append_only() returns trigger language plpgsql as $$
    begin
      raise exception '% is append-only (% refused)', tg_table_name, tg_op using errcode = '42501';
    end $$`.execute(db);
  for (const table of APPEND_ONLY) {
    await sql`create trigger ${sql.raw(`${table}_append_only`)} before update or delete on ${sql.table(table)}
      for each row execute function certmark_append_only()`.execute(db);
    await sql`create trigger ${sql.raw(`${table}_no_truncate`)} before truncate on ${sql.table(table)}
      for each statement execute function certmark_append_only()`.execute(db);
  }
  await db.schema
    .createTable('pending_adoptions')
    .addColumn('name', 'text', (c) => c.primaryKey())
    .execute();
  await db.insertInto('pending_adoptions').values({ name: 'records_on_chain' }).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of APPEND_ONLY) {
    await sql`drop trigger ${sql.raw(`${table}_append_only`)} on ${sql.table(table)}`.execute(db);
    await sql`drop trigger ${sql.raw(`${table}_no_truncate`)} on ${sql.table(table)}`.execute(db);
  }
  await sql`drop function certmark_append_only()`.execute(db);
  await db.schema.dropTable('pending_adoptions').execute();
}
