/**
 * Crawler keys (CONTRACT.md, "For crawlers"): made by admins (the key shown once, stored hashed), listed,
 * revoked. Each making and revocation is on the chain (the key's id and a fingerprint, never the key).
 */
import { randomUUID } from 'node:crypto';
import type { Db } from '../db/database';
import { inTransaction } from '../db/database';
import { AppError } from '../errors';
import * as keys from '../repositories/crawler-keys';
import { recordOnChain } from '../repositories/records';
import { hashSecret, newSecret } from '../repositories/staff';
import type { AccessContext } from './context';

export interface CrawlerKeyView {
  id: string;
  name: string;
  createdAt: string;
  revokedAt: string | null;
}

const view = (k: keys.CrawlerKeySummary): CrawlerKeyView => ({
  id: k.id,
  name: k.name,
  createdAt: new Date(k.created_at).toISOString(),
  revokedAt: k.revoked_at ? new Date(k.revoked_at).toISOString() : null,
});

export async function makeCrawlerKey(ctx: AccessContext, input: { name: string; key?: string }): Promise<CrawlerKeyView & { key: string }> {
  const id = randomUUID();
  const key = input.key ?? newSecret('cmcrl');
  const at = ctx.clock.now();
  await inTransaction(ctx.db, async (tx) => {
    await keys.insertCrawlerKey(tx, { id, name: input.name, key, at });
    await recordOnChain(tx, 'crawler_key', 'crawler_key.made', id, ctx.actor, at);
  });
  return { ...view({ id, name: input.name, created_at: at, revoked_at: null }), key };
}

export async function listCrawlerKeys(db: Db): Promise<CrawlerKeyView[]> {
  return (await keys.listCrawlerKeys(db)).map(view);
}

/** From the commit on, the key's sightings are refused. */
export async function revokeCrawlerKey(ctx: AccessContext, id: string): Promise<CrawlerKeyView> {
  const at = ctx.clock.now();
  return inTransaction(ctx.db, async (tx) => {
    if (!(await keys.revokeCrawlerKey(tx, id, at))) throw new AppError('not_found', `no live crawler key ${id}`, { field: 'key' });
    await recordOnChain(tx, 'crawler_key', 'crawler_key.revoked', id, ctx.actor, at);
    return view((await keys.findCrawlerKey(tx, id))!);
  });
}

/** The ids of the live keys among these secrets, in order (null: unknown or revoked). One query for many. */
export async function liveCrawlerKeyIds(db: Db, secrets: readonly string[]): Promise<(string | null)[]> {
  const hashes = secrets.map(hashSecret);
  const live = await keys.liveCrawlerKeysByHash(db, hashes);
  return hashes.map((h) => live.get(h)?.id ?? null);
}
