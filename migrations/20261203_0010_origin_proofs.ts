import { sql, type Kysely } from 'kysely';

// Frozen once written.

/**
 * Proving the registered sites (Art. 10.2 made two-sided, issue 15). A proof is a challenge certmark gives for one
 * origin of one service (http-01 or dns-01, after RFC 8555), checked by certmark, and re-checked yearly. The
 * registered origins gain how each was verified: `staff` for those registered by staff (the sites named in the
 * written application), `http-01`/`dns-01` with the proof for those the vendor proved.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('origin_proofs')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('service_id', 'text', (c) => c.notNull().references('services.id'))
    .addColumn('origin', 'text', (c) => c.notNull())
    .addColumn('method', 'text', (c) => c.notNull().check(sql`method in ('http-01', 'dns-01')`))
    .addColumn('token', 'text', (c) => c.notNull().unique())
    .addColumn('requested_by', 'text', (c) => c.notNull())
    .addColumn('requested_at', 'timestamptz', (c) => c.notNull())
    .addColumn('expires_at', 'timestamptz', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('pending', 'valid', 'failing', 'lapsed', 'expired', 'withdrawn')`))
    .addColumn('verified_at', 'timestamptz')
    .addColumn('revalidate_at', 'timestamptz')
    .addColumn('failing_since', 'timestamptz')
    .addColumn('checked_at', 'timestamptz')
    .addColumn('problem', 'text')
    .addColumn('checks', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
  await sql`create index origin_proofs_service on origin_proofs (service_id, origin)`.execute(db);
  // at most one proof in progress or in force per service and origin
  await sql`create unique index origin_proofs_live on origin_proofs (service_id, origin) where status in ('pending', 'valid', 'failing')`.execute(db);
  await sql`create index origin_proofs_due on origin_proofs (revalidate_at) where status in ('valid', 'failing')`.execute(db);

  await db.schema
    .alterTable('service_origins')
    .addColumn('verified_by', 'text', (c) => c.notNull().defaultTo('staff'))
    .execute();
  await db.schema.alterTable('service_origins').addColumn('proof_id', 'text').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('service_origins').dropColumn('proof_id').execute();
  await db.schema.alterTable('service_origins').dropColumn('verified_by').execute();
  await db.schema.dropTable('origin_proofs').execute();
}
