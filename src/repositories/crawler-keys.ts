import type { Selectable } from 'kysely';
import type { Db } from '../db/database';
import type { CrawlerKeyTable } from '../db/schema';
import { hashSecret } from './staff';

/** A crawler's bearer key. Only its SHA-256 is stored; the key itself is shown once, when it is made. */
export type CrawlerKeyRow = Selectable<CrawlerKeyTable>;
export type CrawlerKeySummary = Omit<CrawlerKeyRow, 'key_hash'>;

export async function insertCrawlerKey(db: Db, k: { id: string; name: string; key: string; at: Date }): Promise<void> {
  await db
    .insertInto('crawler_keys')
    .values({ id: k.id, name: k.name, key_hash: hashSecret(k.key), created_at: k.at, revoked_at: null })
    .execute();
}

/** The live keys among these hashes (the sightings endpoint looks up the keys of concurrent requests at once). */
export async function liveCrawlerKeysByHash(db: Db, hashes: readonly string[]): Promise<Map<string, CrawlerKeySummary>> {
  if (hashes.length === 0) return new Map();
  const rows = await db
    .selectFrom('crawler_keys')
    .select(['id', 'name', 'created_at', 'revoked_at', 'key_hash'])
    .where('key_hash', 'in', [...new Set(hashes)])
    .where('revoked_at', 'is', null)
    .execute();
  return new Map(rows.map(({ key_hash, ...k }) => [key_hash, k]));
}

export async function listCrawlerKeys(db: Db): Promise<CrawlerKeySummary[]> {
  return db.selectFrom('crawler_keys').select(['id', 'name', 'created_at', 'revoked_at']).orderBy('created_at').orderBy('id').execute();
}

export async function findCrawlerKey(db: Db, id: string): Promise<CrawlerKeySummary | undefined> {
  return db.selectFrom('crawler_keys').select(['id', 'name', 'created_at', 'revoked_at']).where('id', '=', id).executeTakeFirst();
}

/** Revokes a live key; false when the key is unknown or already revoked. */
export async function revokeCrawlerKey(db: Db, id: string, at: Date): Promise<boolean> {
  const r = await db.updateTable('crawler_keys').set({ revoked_at: at }).where('id', '=', id).where('revoked_at', 'is', null).executeTakeFirst();
  return Number(r.numUpdatedRows) > 0;
}
