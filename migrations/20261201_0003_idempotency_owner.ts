import type { Kysely } from 'kysely';

// Frozen once written.

/**
 * An Idempotency-Key claim names the server process that holds it (its instance id), so that the claims of a
 * process that died can be released when a process starts, and keys can expire by age (an index on created_at).
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable('idempotency_keys')
    .addColumn('owner', 'text', (c) => c.notNull().defaultTo(''))
    .execute();
  await db.schema.createIndex('idempotency_keys_created_at').on('idempotency_keys').column('created_at').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('idempotency_keys_created_at').execute();
  await db.schema.alterTable('idempotency_keys').dropColumn('owner').execute();
}
