import { sql, type Kysely } from 'kysely';

// Frozen once written.

/**
 * The integration checker (issue 15, "Embedding"): a vendor asks certmark to open a page of a verified site in
 * headless Chromium, under the site checks' SSRF rules, and certmark keeps what it found: whether the badge is
 * there and renders, links to the verification page and is not altered by the page, and whether the page's CSP
 * lets the widget script and the mark load. One row per check, kept as the record the vendor is shown.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('integration_checks')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('service_id', 'text', (c) => c.notNull().references('services.id'))
    .addColumn('origin', 'text', (c) => c.notNull())
    .addColumn('page_url', 'text', (c) => c.notNull())
    .addColumn('requested_by', 'text', (c) => c.notNull())
    .addColumn('checked_at', 'timestamptz', (c) => c.notNull())
    // `done`: the page was opened and looked at; `failed`: it could not be opened (problem says why)
    .addColumn('outcome', 'text', (c) => c.notNull().check(sql`outcome in ('done', 'failed')`))
    .addColumn('badge_present', 'boolean', (c) => c.notNull())
    .addColumn('badge_renders', 'boolean', (c) => c.notNull())
    .addColumn('links_to_verify', 'boolean', (c) => c.notNull())
    .addColumn('altered', 'boolean', (c) => c.notNull())
    // `not_seen`: the page never asked for it
    .addColumn('csp_script', 'text', (c) => c.notNull().check(sql`csp_script in ('allowed', 'blocked', 'not_seen')`))
    .addColumn('csp_mark', 'text', (c) => c.notNull().check(sql`csp_mark in ('allowed', 'blocked', 'not_seen')`))
    .addColumn('problem', 'text')
    // what was measured: the requests refused and why, the badge's state, the image verdict
    .addColumn('details', 'jsonb', (c) => c.notNull())
    .execute();
  await sql`create index integration_checks_service on integration_checks (service_id, checked_at)`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('integration_checks').execute();
}
