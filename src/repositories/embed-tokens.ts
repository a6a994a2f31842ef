import type { Selectable } from 'kysely';
import { CHANGES_CHANNEL, notifyOnCommit, type Db, type Tx } from '../db/database';
import type { EmbedTokenTable } from '../db/schema';

export type EmbedTokenRow = Selectable<EmbedTokenTable>;

export async function insertEmbedToken(tx: Tx, row: { jti: string; serviceId: string; kid: string; origins: string[]; token: string; at: Date }) {
  await tx
    .insertInto('embed_tokens')
    .values({
      jti: row.jti,
      service_id: row.serviceId,
      kid: row.kid,
      origins: JSON.stringify(row.origins) as never,
      token: row.token,
      issued_at: row.at,
      retired_at: null,
    })
    .execute();
}

export async function findEmbedToken(db: Db, jti: string): Promise<EmbedTokenRow | undefined> {
  return db.selectFrom('embed_tokens').selectAll().where('jti', '=', jti).executeTakeFirst();
}

/** The token row with the number of its service, for verification: one read per token, then cached. */
export async function findEmbedTokenWithService(db: Db, jti: string) {
  return db
    .selectFrom('embed_tokens')
    .innerJoin('services', 'services.id', 'embed_tokens.service_id')
    .select(['embed_tokens.jti', 'embed_tokens.service_id', 'embed_tokens.kid', 'embed_tokens.token', 'embed_tokens.retired_at', 'services.number'])
    .where('embed_tokens.jti', '=', jti)
    .executeTakeFirst();
}

export async function serviceEmbedTokens(db: Db, serviceId: string): Promise<EmbedTokenRow[]> {
  return db.selectFrom('embed_tokens').selectAll().where('service_id', '=', serviceId).orderBy('issued_at').orderBy('jti').execute();
}

/** Every live token with its service's number (staff overview, the benchmark, demo URLs). */
export async function liveEmbedTokens(db: Db) {
  return db
    .selectFrom('embed_tokens')
    .innerJoin('services', 'services.id', 'embed_tokens.service_id')
    .select([
      'embed_tokens.jti',
      'embed_tokens.service_id',
      'embed_tokens.kid',
      'embed_tokens.origins',
      'embed_tokens.token',
      'embed_tokens.issued_at',
      'services.number',
    ])
    .where('embed_tokens.retired_at', 'is', null)
    .orderBy('embed_tokens.issued_at')
    .orderBy('embed_tokens.jti')
    .execute();
}

export async function retireEmbedToken(tx: Tx, jti: string, at: Date): Promise<EmbedTokenRow | undefined> {
  return tx.updateTable('embed_tokens').set({ retired_at: at }).where('jti', '=', jti).where('retired_at', 'is', null).returningAll().executeTakeFirst();
}

/** Every process drops what it cached about the service (its tokens included) on commit. */
export async function notifyServiceChanged(tx: Tx, serviceId: string): Promise<void> {
  await notifyOnCommit(tx, CHANGES_CHANNEL, serviceId);
}
