import { sql, type Kysely } from 'kysely';

// Frozen once written.

/** What the log keeps is never updated or deleted once written (the function is 0004's). */
const APPEND_ONLY = ['log_leaves', 'log_nodes', 'log_checkpoints', 'log_cosignatures'] as const;

/**
 * The transparency log (CONTRACT.md, "The transparency log"; src/transparency/): one leaf per event on the chain,
 * every perfect subtree of the Merkle tree (so a root or a proof reads O(log n) rows), the signed checkpoints (all
 * kept), the log key (sealed as the signing keys are), and the witnesses with their cosignatures. The leaves of
 * the events already on the chain are appended by the log's sequencer at the next start: their entries need the
 * log key, which a migration does not hold.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('log_keys')
    .addColumn('name', 'text', (c) => c.primaryKey())
    .addColumn('key_id', 'text', (c) => c.notNull())
    .addColumn('public_key', 'bytea', (c) => c.notNull())
    .addColumn('private_enc', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('log_leaves')
    .addColumn('idx', 'integer', (c) => c.primaryKey())
    .addColumn('event_id', 'integer', (c) => c.notNull().unique().references('events.id'))
    .addColumn('entry', 'bytea', (c) => c.notNull())
    // the certification number of a public entry (null for a commitment only): the verification page's links
    .addColumn('service_number', 'text')
    .execute();
  await db.schema.createIndex('log_leaves_number_idx').on('log_leaves').columns(['service_number', 'idx']).execute();

  await db.schema
    .createTable('log_nodes')
    .addColumn('level', 'smallint', (c) => c.notNull())
    .addColumn('idx', 'integer', (c) => c.notNull())
    .addColumn('hash', 'bytea', (c) => c.notNull())
    .addPrimaryKeyConstraint('log_nodes_pk', ['level', 'idx'])
    .execute();

  await db.schema
    .createTable('log_checkpoints')
    .addColumn('size', 'integer', (c) => c.primaryKey())
    .addColumn('root_hash', 'bytea', (c) => c.notNull())
    .addColumn('key_name', 'text', (c) => c.notNull())
    .addColumn('note', 'text', (c) => c.notNull())
    .addColumn('signed_at', 'timestamptz', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('log_witnesses')
    .addColumn('name', 'text', (c) => c.primaryKey())
    .addColumn('vkey', 'text', (c) => c.notNull())
    .addColumn('url', 'text')
    .addColumn('added_at', 'timestamptz', (c) => c.notNull())
    .addColumn('removed_at', 'timestamptz')
    .execute();

  await db.schema
    .createTable('log_cosignatures')
    .addColumn('checkpoint_size', 'integer', (c) => c.notNull().references('log_checkpoints.size'))
    .addColumn('witness_name', 'text', (c) => c.notNull().references('log_witnesses.name'))
    .addColumn('signature_line', 'text', (c) => c.notNull())
    .addColumn('cosigned_at', 'timestamptz', (c) => c.notNull())
    .addColumn('received_at', 'timestamptz', (c) => c.notNull())
    .addPrimaryKeyConstraint('log_cosignatures_pk', ['checkpoint_size', 'witness_name'])
    .execute();

  for (const table of APPEND_ONLY) {
    await sql`create trigger ${sql.raw(`${table}_append_only`)} before update or delete on ${sql.table(table)}
      for each row execute function certmark_append_only()`.execute(db);
    await sql`create trigger ${sql.raw(`${table}_no_truncate`)} before truncate on ${sql.table(table)}
      for each statement execute function certmark_append_only()`.execute(db);
  }
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of ['log_cosignatures', 'log_witnesses', 'log_checkpoints', 'log_nodes', 'log_leaves', 'log_keys']) {
    await db.schema.dropTable(table).execute();
  }
}
