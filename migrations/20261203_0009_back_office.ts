import { sql, type Kysely } from 'kysely';

// Frozen once written.

/**
 * The back office (issue 14). Four-eyes revocation (Art. 17): a proposal one admin makes and another approves,
 * rejects, or the proposer withdraws. Misuse cases become review items: each action on one is a row of its
 * history naming the events it caused; a case waits while a request (Art. 15, 16) is outstanding and reopens
 * when the finding is seen again after its due date. Inquiries (Art. 18) gain their answer and closing.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('revocation_proposals')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('service_id', 'text', (c) => c.notNull().references('services.id'))
    .addColumn('case_id', 'text', (c) => c.references('misuse_cases.id'))
    .addColumn('ground', 'integer', (c) => c.notNull().check(sql`ground between 1 and 9`))
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('notice', 'text')
    .addColumn('notice_sent_by', 'text', (c) => c.notNull().check(sql`notice_sent_by in ('post', 'email', 'hand', 'not_sent')`))
    .addColumn('proposed_by', 'text', (c) => c.notNull())
    .addColumn('proposed_at', 'timestamptz', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('pending', 'approved', 'rejected', 'withdrawn')`))
    .addColumn('decided_by', 'text')
    .addColumn('decided_at', 'timestamptz')
    .addColumn('decision_note', 'text')
    .addColumn('revocation_event_id', 'integer', (c) => c.references('events.id'))
    .execute();
  // one pending proposal per service: a second proposer sees the first
  await sql`create unique index revocation_proposals_pending on revocation_proposals (service_id) where status = 'pending'`.execute(db);

  await db.schema
    .createTable('case_actions')
    .addColumn('id', 'text', (c) => c.primaryKey())
    // the order actions were recorded in: several may share an instant (an approval and the case it closes)
    .addColumn('seq', 'serial', (c) => c.notNull().unique())
    .addColumn('case_id', 'text', (c) => c.notNull().references('misuse_cases.id'))
    .addColumn('at', 'timestamptz', (c) => c.notNull())
    .addColumn('actor', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) =>
      c
        .notNull()
        .check(
          sql`kind in ('dismissed', 'investigation', 'improvement', 'revocation_proposal', 'reopened', 'revocation_approved', 'revocation_rejected', 'revocation_withdrawn')`,
        ),
    )
    .addColumn('details', 'jsonb', (c) => c.notNull())
    .addColumn('event_ids', 'jsonb', (c) => c.notNull())
    .execute();
  await sql`create index case_actions_case on case_actions (case_id, seq)`.execute(db);

  await db.schema
    .alterTable('misuse_cases')
    .addColumn('awaiting', 'text', (c) => c.check(sql`awaiting in ('investigation', 'improvement', 'revocation')`))
    .execute();
  await db.schema.alterTable('misuse_cases').addColumn('awaiting_until', 'timestamptz').execute();
  await db.schema
    .alterTable('misuse_cases')
    .addColumn('reopen_count', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
  await db.schema.alterTable('misuse_cases').addColumn('reopened_sighting_id', 'text').execute();

  for (const column of ['answer', 'answered_by', 'closed_by', 'close_note']) await db.schema.alterTable('inquiries').addColumn(column, 'text').execute();
  for (const column of ['answered_at', 'closed_at']) await db.schema.alterTable('inquiries').addColumn(column, 'timestamptz').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const column of ['answer', 'answered_by', 'closed_by', 'close_note', 'answered_at', 'closed_at'])
    await db.schema.alterTable('inquiries').dropColumn(column).execute();
  for (const column of ['awaiting', 'awaiting_until', 'reopen_count', 'reopened_sighting_id'])
    await db.schema.alterTable('misuse_cases').dropColumn(column).execute();
  await db.schema.dropTable('case_actions').execute();
  await db.schema.dropTable('revocation_proposals').execute();
}
