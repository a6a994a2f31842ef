import { sql, type Selectable } from 'kysely';
import type { Db, Tx } from '../db/database';
import type { IdempotencyKeyTable, ImageTable, SightingTable } from '../db/schema';

export type SightingRow = Selectable<SightingTable>;
export type ImageRow = Selectable<ImageTable>;
export type IdempotencyRow = Selectable<IdempotencyKeyTable>;

// --- images: stored once by the SHA-256 of the bytes as received (the stored bytes are the metadata-free PNG)

export async function insertImageOnce(tx: Tx, image: { sha256: string; type: string; width: number; height: number; bytes: Buffer; at: Date }): Promise<void> {
  await tx
    .insertInto('images')
    .values({ sha256: image.sha256, type: image.type, width: image.width, height: image.height, bytes: image.bytes, created_at: image.at })
    .onConflict((oc) => oc.column('sha256').doNothing())
    .execute();
}

export async function findImage(db: Db, sha256: string): Promise<ImageRow | undefined> {
  return db.selectFrom('images').selectAll().where('sha256', '=', sha256).executeTakeFirst();
}

export async function imageKnown(db: Db, sha256: string): Promise<boolean> {
  return (await db.selectFrom('images').select('sha256').where('sha256', '=', sha256).executeTakeFirst()) !== undefined;
}

// --- sightings

/** Services with this origin registered (Art. 10.2): a mark on such a page is that vendor's use of it. */
export async function servicesWithOrigin(db: Db, origin: string): Promise<string[]> {
  const rows = await db.selectFrom('service_origins').select('service_id').where('origin', '=', origin).orderBy('service_id').execute();
  return [...new Set(rows.map((r) => r.service_id))];
}

export async function insertSighting(tx: Tx, s: Omit<SightingRow, 'findings' | 'evidence'> & { findings: string[]; evidence: Record<string, unknown> }): Promise<void> {
  await tx
    .insertInto('sightings')
    .values({ ...s, findings: JSON.stringify(s.findings) as never, evidence: JSON.stringify(s.evidence) as never })
    .execute();
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

/**
 * Claims the key in its own committed statement, before any work: of two requests at once, exactly one
 * inserts the row. True when this call made the claim.
 */
export async function claimIdempotencyKey(db: Db, k: { crawlerKeyId: string; key: string; requestHash: string; at: Date }): Promise<boolean> {
  const r = await db
    .insertInto('idempotency_keys')
    .values({ crawler_key_id: k.crawlerKeyId, key: k.key, request_hash: k.requestHash, state: 'in_flight', response_status: null, response_body: null, created_at: k.at })
    .onConflict((oc) => oc.columns(['crawler_key_id', 'key']).doNothing())
    .executeTakeFirst();
  return Number(r.numInsertedOrUpdatedRows ?? 0) > 0;
}

export async function findIdempotencyKey(db: Db, crawlerKeyId: string, key: string): Promise<IdempotencyRow | undefined> {
  return db.selectFrom('idempotency_keys').selectAll().where('crawler_key_id', '=', crawlerKeyId).where('key', '=', key).executeTakeFirst();
}

/** Takes over a claim whose request died before answering (in flight since before `staleBefore`). */
export async function takeOverAbandonedClaim(db: Db, k: { crawlerKeyId: string; key: string; requestHash: string; staleBefore: Date; at: Date }): Promise<boolean> {
  const r = await db
    .updateTable('idempotency_keys')
    .set({ created_at: k.at, request_hash: k.requestHash })
    .where('crawler_key_id', '=', k.crawlerKeyId)
    .where('key', '=', k.key)
    .where('state', '=', 'in_flight')
    .where('created_at', '<', k.staleBefore)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) > 0;
}

/** Stores the answer with the work, in the work's transaction. */
export async function completeIdempotencyKey(tx: Tx, k: { crawlerKeyId: string; key: string; status: number; body: Record<string, unknown> }): Promise<void> {
  await tx
    .updateTable('idempotency_keys')
    .set({ state: 'done', response_status: k.status, response_body: JSON.stringify(k.body) as never })
    .where('crawler_key_id', '=', k.crawlerKeyId)
    .where('key', '=', k.key)
    .execute();
}

/** The work failed (a 4xx, or worse): the key is free again for a corrected request. */
export async function releaseIdempotencyKey(db: Db, crawlerKeyId: string, key: string): Promise<void> {
  await db.deleteFrom('idempotency_keys').where('crawler_key_id', '=', crawlerKeyId).where('key', '=', key).where('state', '=', 'in_flight').execute();
}
