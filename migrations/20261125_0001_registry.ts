import { sql, type Kysely } from 'kysely';

// Frozen once written. Typed Kysely<any>: a migration describes the schema as it was, not as it is.

const date = sql`text`; // 'YYYY-MM-DD', Asia/Tokyo calendar dates
const dateCheck = (col: string) => sql.raw(`check (${col} ~ '^\\d{4}-\\d{2}-\\d{2}$')`);

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('vendors')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name_ja', 'text', (c) => c.notNull())
    .addColumn('name_en', 'text')
    .addColumn('contact', 'jsonb', (c) => c.notNull().defaultTo(sql`'{}'::jsonb`))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('services')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('vendor_id', 'text', (c) => c.notNull().references('vendors.id'))
    .addColumn('name_ja', 'text', (c) => c.notNull())
    .addColumn('name_en', 'text')
    .addColumn('serial', 'integer', (c) => c.unique())
    .addColumn('number', 'text', (c) => c.unique())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('services_vendor_idx').on('services').column('vendor_id').execute();

  await db.schema
    .createTable('service_origins')
    .addColumn('service_id', 'text', (c) => c.notNull().references('services.id'))
    .addColumn('origin', 'text', (c) => c.notNull())
    .addColumn('added_at', 'timestamptz', (c) => c.notNull())
    .addPrimaryKeyConstraint('service_origins_pk', ['service_id', 'origin'])
    .execute();

  await db.schema
    .createTable('events')
    .addColumn('id', 'integer', (c) => c.primaryKey())
    .addColumn('service_id', 'text', (c) => c.references('services.id'))
    .addColumn('actor', 'text', (c) => c.notNull())
    .addColumn('occurred_at', 'timestamptz', (c) => c.notNull())
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('article', 'text')
    .addColumn('payload', 'jsonb', (c) => c.notNull())
    .addColumn('prev_hash', 'text', (c) => c.notNull())
    .addColumn('hash', 'text', (c) => c.notNull().unique())
    .execute();
  await db.schema.createIndex('events_service_idx').on('events').columns(['service_id', 'id']).execute();
  await db.schema.createIndex('events_occurred_idx').on('events').column('occurred_at').execute();
  // Events are never updated or deleted.
  await sql`
    create function certmark_events_append_only() returns trigger language plpgsql as $$
    begin
      raise exception 'events are append-only (% refused)', tg_op using errcode = '42501';
    end $$`.execute(db);
  await sql`create trigger events_append_only before update or delete on events
    for each row execute function certmark_events_append_only()`.execute(db);
  await sql`create trigger events_no_truncate before truncate on events
    for each statement execute function certmark_events_append_only()`.execute(db);

  await db.schema
    .createTable('event_chain_head')
    .addColumn('id', 'integer', (c) => c.primaryKey())
    .addColumn('last_id', 'integer', (c) => c.notNull())
    .addColumn('last_hash', 'text', (c) => c.notNull())
    .execute();
  await db
    .insertInto('event_chain_head')
    .values({ id: 1, last_id: 0, last_hash: '0'.repeat(64) })
    .execute();

  await db.schema
    .createTable('periods')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('service_id', 'text', (c) => c.notNull().references('services.id'))
    .addColumn('seq', 'integer', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull().check(sql`kind in ('initial', 'renewal')`))
    .addColumn('certified_on', date, (c) => c.notNull().modifyEnd(dateCheck('certified_on')))
    .addColumn('valid_through', date, (c) => c.notNull().modifyEnd(dateCheck('valid_through')))
    .addColumn('event_id', 'integer', (c) => c.notNull().references('events.id'))
    .addUniqueConstraint('periods_service_seq', ['service_id', 'seq'])
    .execute();

  await db.schema
    .createTable('disclosure_items')
    .addColumn('service_id', 'text', (c) => c.notNull().references('services.id'))
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('position', 'integer', (c) => c.notNull())
    .addColumn('key', 'text', (c) => c.notNull())
    .addColumn('label_ja', 'text', (c) => c.notNull())
    .addColumn('label_en', 'text')
    .addColumn('value_ja', 'text', (c) => c.notNull())
    .addColumn('value_en', 'text')
    .addColumn('withheld', 'boolean', (c) => c.notNull())
    .addColumn('withheld_reason', 'text')
    .addColumn('event_id', 'integer', (c) => c.notNull().references('events.id'))
    .addPrimaryKeyConstraint('disclosure_items_pk', ['service_id', 'version', 'key'])
    .execute();

  await db.schema
    .createTable('staff_tokens')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('role', 'text', (c) => c.notNull().check(sql`role in ('admin', 'reviewer', 'auditor')`))
    .addColumn('token_hash', 'text', (c) => c.notNull().unique())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addColumn('revoked_at', 'timestamptz')
    .execute();

  await db.schema
    .createTable('audit_log')
    .addColumn('id', 'integer', (c) => c.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('staff_token_id', 'text', (c) => c.notNull())
    .addColumn('at', 'timestamptz', (c) => c.notNull())
    .addColumn('action', 'text', (c) => c.notNull())
    .addColumn('subject', 'text', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('delegates')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name_ja', 'text', (c) => c.notNull())
    .addColumn('name_en', 'text')
    .addColumn('scope_ja', 'text', (c) => c.notNull())
    .addColumn('scope_en', 'text')
    .addColumn('delegated_on', date, (c) => c.notNull().modifyEnd(dateCheck('delegated_on')))
    .addColumn('ended_on', date)
    .execute();

  await db.schema
    .createTable('signing_keys')
    .addColumn('kid', 'text', (c) => c.primaryKey())
    .addColumn('alg', 'text', (c) => c.notNull())
    .addColumn('public_jwk', 'jsonb', (c) => c.notNull())
    .addColumn('private_enc', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addColumn('retired_at', 'timestamptz')
    .execute();

  await db.schema
    .createTable('embed_tokens')
    .addColumn('jti', 'text', (c) => c.primaryKey())
    .addColumn('service_id', 'text', (c) => c.notNull().references('services.id'))
    .addColumn('kid', 'text', (c) => c.notNull().references('signing_keys.kid'))
    .addColumn('origins', 'jsonb', (c) => c.notNull())
    .addColumn('token', 'text', (c) => c.notNull())
    .addColumn('issued_at', 'timestamptz', (c) => c.notNull())
    .addColumn('retired_at', 'timestamptz')
    .execute();
  await db.schema.createIndex('embed_tokens_service_idx').on('embed_tokens').column('service_id').execute();

  await db.schema
    .createTable('crawler_keys')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('key_hash', 'text', (c) => c.notNull().unique())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addColumn('revoked_at', 'timestamptz')
    .execute();

  await db.schema
    .createTable('images')
    .addColumn('sha256', 'text', (c) => c.primaryKey())
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('width', 'integer', (c) => c.notNull())
    .addColumn('height', 'integer', (c) => c.notNull())
    .addColumn('bytes', 'bytea', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('sightings')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('crawler_key_id', 'text', (c) => c.notNull().references('crawler_keys.id'))
    .addColumn('page_url', 'text', (c) => c.notNull())
    .addColumn('page_origin', 'text', (c) => c.notNull())
    .addColumn('seen_at', 'timestamptz', (c) => c.notNull())
    .addColumn('image_sha256', 'text', (c) => c.references('images.sha256'))
    .addColumn('link_href', 'text')
    .addColumn('token', 'text')
    .addColumn('service_id', 'text', (c) => c.references('services.id'))
    .addColumn('findings', 'jsonb', (c) => c.notNull())
    .addColumn('evidence', 'jsonb', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('idempotency_keys')
    .addColumn('crawler_key_id', 'text', (c) => c.notNull().references('crawler_keys.id'))
    .addColumn('key', 'text', (c) => c.notNull())
    .addColumn('request_hash', 'text', (c) => c.notNull())
    .addColumn('state', 'text', (c) => c.notNull().check(sql`state in ('in_flight', 'done')`))
    .addColumn('response_status', 'integer')
    .addColumn('response_body', 'jsonb')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addPrimaryKeyConstraint('idempotency_keys_pk', ['crawler_key_id', 'key'])
    .execute();

  await db.schema
    .createTable('misuse_cases')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('case_key', 'text', (c) => c.notNull().unique())
    .addColumn('service_id', 'text', (c) => c.references('services.id'))
    .addColumn('page_url', 'text', (c) => c.notNull())
    .addColumn('page_origin', 'text', (c) => c.notNull())
    .addColumn('finding', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('open', 'dismissed', 'actioned')`))
    .addColumn('sightings_count', 'integer', (c) => c.notNull())
    .addColumn('first_seen_at', 'timestamptz', (c) => c.notNull())
    .addColumn('last_seen_at', 'timestamptz', (c) => c.notNull())
    .addColumn('last_sighting_id', 'text', (c) => c.notNull())
    .addColumn('closed_at', 'timestamptz')
    .addColumn('close_reason', 'text')
    .addColumn('action', 'jsonb')
    .execute();

  await db.schema
    .createTable('inquiries')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('received_at', 'timestamptz', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('email', 'text', (c) => c.notNull())
    .addColumn('organisation', 'text')
    .addColumn('service_number', 'text')
    .addColumn('subject', 'text', (c) => c.notNull())
    .addColumn('body', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('new', 'answered', 'closed')`))
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of [
    'inquiries',
    'misuse_cases',
    'idempotency_keys',
    'sightings',
    'images',
    'crawler_keys',
    'embed_tokens',
    'signing_keys',
    'delegates',
    'audit_log',
    'staff_tokens',
    'disclosure_items',
    'periods',
    'event_chain_head',
    'events',
    'service_origins',
    'services',
    'vendors',
  ]) {
    await db.schema.dropTable(table).execute();
  }
  await sql`drop function certmark_events_append_only()`.execute(db);
}
