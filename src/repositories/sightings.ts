import { sql, type Selectable } from 'kysely';
import type { Database, Db, Tx } from '../db/database';
import type { IdempotencyKeyTable, ImageTable, SightingTable } from '../db/schema';
import { caseKey, type FindingTally } from './cases';

export type SightingRow = Selectable<SightingTable>;
export type ImageRow = Selectable<ImageTable>;
export type IdempotencyRow = Selectable<IdempotencyKeyTable>;

// --- images: stored once by the SHA-256 of the bytes as received (the stored bytes are the metadata-free PNG)

/** Many images at once (group commit), each stored once. */
export async function insertImagesOnce(
  tx: Tx,
  images: readonly { sha256: string; type: string; width: number; height: number; bytes: Buffer; at: Date }[],
): Promise<void> {
  const unique = [...new Map(images.map((i) => [i.sha256, i])).values()].sort((a, b) => (a.sha256 < b.sha256 ? -1 : 1));
  if (unique.length === 0) return;
  await tx
    .insertInto('images')
    .values(unique.map((i) => ({ sha256: i.sha256, type: i.type, width: i.width, height: i.height, bytes: i.bytes, created_at: i.at })))
    .onConflict((oc) => oc.column('sha256').doNothing())
    .execute();
}

export async function findImage(db: Db, sha256: string): Promise<ImageRow | undefined> {
  return db.selectFrom('images').selectAll().where('sha256', '=', sha256).executeTakeFirst();
}

// --- sightings

/** The services with each of these origins registered (Art. 10.2): a mark on such a page is that vendor's use of it. */
export async function servicesWithOrigins(db: Db, origins: readonly string[]): Promise<Map<string, string[]>> {
  const out = new Map<string, string[]>(origins.map((o) => [o, []]));
  if (origins.length === 0) return out;
  const rows = await db
    .selectFrom('service_origins')
    .select(['origin', 'service_id'])
    .where('origin', 'in', [...new Set(origins)])
    .orderBy('service_id')
    .execute();
  for (const r of rows) out.get(r.origin)?.push(r.service_id);
  return out;
}

export type NewSighting = Omit<SightingRow, 'findings' | 'evidence'> & { findings: string[]; evidence: Record<string, unknown> };

/**
 * The finished work of many sightings in one statement (group commit): the sightings, their cases (one row per
 * case, tallied beforehand, in key order so concurrent writers lock cases in the same order) and the stored
 * answers of their Idempotency-Keys. One statement is atomic by itself. Returns the ids of the cases it opened,
 * and the cases it reopened.
 */
export async function writeReceived(
  db: Db,
  w: {
    sightings: readonly NewSighting[];
    cases: readonly FindingTally[];
    answers: readonly { crawlerKeyId: string; key: string; status: number; body: Record<string, unknown> }[];
  },
): Promise<{ opened: string[]; reopened: ReopenedCase[] }> {
  const iso = (d: Date | string) => new Date(d).toISOString();
  const sightings = JSON.stringify(w.sightings.map((s) => ({ ...s, seen_at: iso(s.seen_at), created_at: iso(s.created_at) })));
  const cases = JSON.stringify(
    w.cases
      .map((c) => ({ ...c, caseKey: caseKey(c.serviceId, c.pageUrl, c.finding), firstSeenAt: iso(c.firstSeenAt), lastSeenAt: iso(c.lastSeenAt) }))
      .sort((a, b) => (a.caseKey < b.caseKey ? -1 : 1)),
  );
  const answers = JSON.stringify(w.answers.map((a) => ({ crawler_key_id: a.crawlerKeyId, key: a.key, status: a.status, body: a.body })));
  const r = await sql`with s as (
      insert into sightings select * from jsonb_populate_recordset(null::sightings, ${sightings}::jsonb)
    ), c as (
      insert into misuse_cases (id, case_key, service_id, page_url, page_origin, finding, status, sightings_count, first_seen_at, last_seen_at, last_sighting_id)
      select v."id", v."caseKey", v."serviceId", v."pageUrl", v."pageOrigin", v."finding", 'open', v."count", v."firstSeenAt", v."lastSeenAt", v."lastSightingId"
      from jsonb_to_recordset(${cases}::jsonb) as v("id" text, "caseKey" text, "serviceId" text, "pageUrl" text, "pageOrigin" text, "finding" text, "count" integer, "firstSeenAt" timestamptz, "lastSeenAt" timestamptz, "lastSightingId" text)
      on conflict (case_key) do update set
        sightings_count = misuse_cases.sightings_count + excluded.sightings_count,
        first_seen_at = least(misuse_cases.first_seen_at, excluded.first_seen_at),
        last_seen_at = greatest(misuse_cases.last_seen_at, excluded.last_seen_at),
        last_sighting_id = excluded.last_sighting_id,
        awaiting = case when ${REOPENS} then null else misuse_cases.awaiting end,
        awaiting_until = case when ${REOPENS} then null else misuse_cases.awaiting_until end,
        reopen_count = misuse_cases.reopen_count + case when ${REOPENS} then 1 else 0 end,
        reopened_sighting_id = case when ${REOPENS} then excluded.last_sighting_id else misuse_cases.reopened_sighting_id end
      returning id, (xmax = 0) as opened, reopen_count, last_seen_at,
        (xmax <> 0 and reopened_sighting_id is not null and reopened_sighting_id = last_sighting_id) as reopened
    ), k as (
      update idempotency_keys as k set state = 'done', response_status = v.status, response_body = v.body
      from jsonb_to_recordset(${answers}::jsonb) as v(crawler_key_id text, key text, status integer, body jsonb)
      where k.crawler_key_id = v.crawler_key_id and k.key = v.key
    )
    select id, opened, reopened, reopen_count, last_seen_at from c where opened or reopened`.execute(db);
  const rows = r.rows as { id: string; opened: boolean; reopened: boolean; reopen_count: number; last_seen_at: Date | string }[];
  return {
    opened: rows.filter((row) => row.opened).map((row) => row.id),
    reopened: rows
      .filter((row) => !row.opened && row.reopened)
      .map((row) => ({ id: row.id, reopenCount: Number(row.reopen_count), lastSeenAt: new Date(row.last_seen_at) })),
  };
}

/**
 * Issue 14: an open case waiting for a request (Art. 15, 16) reopens when its finding is seen on the page again
 * after the request's due day ended; a dismissed case does not (staff judged that page), it only counts.
 */
const REOPENS = sql`(misuse_cases.status = 'open' and misuse_cases.awaiting_until is not null and excluded.last_seen_at >= misuse_cases.awaiting_until)`;

export interface ReopenedCase {
  id: string;
  reopenCount: number;
  lastSeenAt: Date;
}

/** The sightings behind one case (same service, page and finding), newest first. */
export async function sightingsOfCase(db: Db, c: { service_id: string | null; page_url: string; finding: string }, limit: number): Promise<SightingRow[]> {
  let q = db.selectFrom('sightings').selectAll().where('page_url', '=', c.page_url);
  q = c.service_id === null ? q.where('service_id', 'is', null) : q.where('service_id', '=', c.service_id);
  return q
    .where(sql<boolean>`findings @> ${JSON.stringify([c.finding])}::jsonb`)
    .orderBy('seen_at', 'desc')
    .orderBy('id', 'desc')
    .limit(limit)
    .execute();
}

// --- Idempotency-Key (IETF draft): one row per crawler key and Idempotency-Key

export async function findIdempotencyKey(db: Db, crawlerKeyId: string, key: string): Promise<IdempotencyRow | undefined> {
  return db.selectFrom('idempotency_keys').selectAll().where('crawler_key_id', '=', crawlerKeyId).where('key', '=', key).executeTakeFirst();
}

/**
 * Claims Idempotency-Keys in their own committed statement, before any work (group commit: the keys of concurrent
 * requests at once): of two requests with one key, exactly one inserts the row. Returns the claimed ones as
 * `crawlerKeyId key`; a key twice in the batch is claimed once, by its first request.
 */
export async function claimIdempotencyKeys(
  db: Db,
  owner: string,
  claims: readonly { crawlerKeyId: string; key: string; requestHash: string; at: Date }[],
): Promise<Set<string>> {
  const first = new Map<string, (typeof claims)[number]>();
  for (const k of claims) if (!first.has(`${k.crawlerKeyId} ${k.key}`)) first.set(`${k.crawlerKeyId} ${k.key}`, k);
  const unique = [...first.values()];
  if (unique.length === 0) return new Set();
  const rows = await db
    .insertInto('idempotency_keys')
    .values(
      unique.map((k) => ({
        crawler_key_id: k.crawlerKeyId,
        key: k.key,
        request_hash: k.requestHash,
        state: 'in_flight' as const,
        response_status: null,
        response_body: null,
        created_at: k.at,
        owner,
      })),
    )
    .onConflict((oc) => oc.columns(['crawler_key_id', 'key']).doNothing())
    .returning(['crawler_key_id', 'key'])
    .execute();
  return new Set(rows.map((r) => `${r.crawler_key_id} ${r.key}`));
}

/** Takes over a claim whose request died before answering (in flight since before `staleBefore`). */
export async function takeOverAbandonedClaim(
  db: Db,
  k: { crawlerKeyId: string; key: string; requestHash: string; staleBefore: Date; at: Date; owner: string },
): Promise<boolean> {
  const r = await db
    .updateTable('idempotency_keys')
    .set({ created_at: k.at, request_hash: k.requestHash, owner: k.owner })
    .where('crawler_key_id', '=', k.crawlerKeyId)
    .where('key', '=', k.key)
    .where('state', '=', 'in_flight')
    .where('created_at', '<', k.staleBefore)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) > 0;
}

/** The work failed (a 4xx, or worse): the key is free again for a corrected request. */
export async function releaseIdempotencyKey(db: Db, crawlerKeyId: string, key: string): Promise<void> {
  await db.deleteFrom('idempotency_keys').where('crawler_key_id', '=', crawlerKeyId).where('key', '=', key).where('state', '=', 'in_flight').execute();
}

/**
 * Frees the in-flight claims of server processes that are gone (they died mid-request), so a retry is not told
 * "still being processed". PGlite: one process owns the database, so every claim not this process's own is left
 * over. PostgreSQL: an owner is alive while one of its connections is (application_name ends in `/{owner}`).
 */
export async function releaseClaimsOfGoneInstances(database: Database): Promise<number> {
  const { db } = database;
  const q = db.deleteFrom('idempotency_keys').where('state', '=', 'in_flight').where('owner', '<>', database.instanceId);
  const r =
    database.kind === 'pglite'
      ? await q.executeTakeFirst()
      : await q
          .where(({ eb, selectFrom }) =>
            eb.not(
              eb.exists(
                selectFrom(sql`pg_stat_activity`.as('a'))
                  .select(sql`1`.as('one'))
                  .where(sql<boolean>`a.application_name like '%/' || idempotency_keys.owner`)
                  .where(sql<boolean>`idempotency_keys.owner <> ''`),
              ),
            ),
          )
          .executeTakeFirst();
  return Number(r.numDeletedRows);
}

/** Idempotency-Keys are kept 24 hours (the README says so); older ones are deleted, done or not. */
export const IDEMPOTENCY_KEY_TTL_MS = 24 * 60 * 60 * 1000;

export async function deleteExpiredIdempotencyKeys(db: Db, now: Date): Promise<number> {
  const r = await db
    .deleteFrom('idempotency_keys')
    .where('created_at', '<', new Date(now.getTime() - IDEMPOTENCY_KEY_TTL_MS))
    .executeTakeFirst();
  return Number(r.numDeletedRows);
}

/** Whether a sighting of one of these services carries the image (a scoped role may see only those). */
export async function imageSeenOnServices(db: Db, sha256: string, serviceIds: readonly string[]): Promise<boolean> {
  if (serviceIds.length === 0) return false;
  const row = await db
    .selectFrom('sightings')
    .select('id')
    .where('image_sha256', '=', sha256)
    .where('service_id', 'in', [...serviceIds])
    .limit(1)
    .executeTakeFirst();
  return row !== undefined;
}
