import { sql, type Kysely } from 'kysely';

// Frozen once written.

/**
 * Stored sighting images are PNG, compressed already: PostgreSQL's TOAST compression only spends time finding
 * that out on every insert. EXTERNAL keeps them out of line, uncompressed.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`alter table images alter column bytes set storage external`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`alter table images alter column bytes set storage extended`.execute(db);
}
