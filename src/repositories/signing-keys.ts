import { sql } from 'kysely';
import type { Db, Tx } from '../db/database';
import type { SigningKeyTable } from '../db/schema';
import type { Selectable } from 'kysely';

export type SigningKeyRow = Selectable<SigningKeyTable>;

/** Announced on every key change (creation, rotation, a key leaving the JWKS): every process reloads its keys. */
export const KEYS_CHANNEL = 'certmark_keys';

export async function listSigningKeys(db: Db): Promise<SigningKeyRow[]> {
  return db.selectFrom('signing_keys').selectAll().orderBy('created_at').orderBy('kid').execute();
}

/** Serialises key creation and rotation across processes for the transaction. */
export async function lockSigningKeys(tx: Tx): Promise<void> {
  await sql`select pg_advisory_xact_lock(hashtext('certmark_signing_keys'))`.execute(tx);
}

export async function insertSigningKey(tx: Tx, row: { kid: string; alg: string; publicJwk: Record<string, unknown>; privateEnc: string; at: Date }) {
  await tx
    .insertInto('signing_keys')
    .values({
      kid: row.kid,
      alg: row.alg,
      public_jwk: JSON.stringify(row.publicJwk) as never,
      private_enc: row.privateEnc,
      created_at: row.at,
      retired_at: null,
    })
    .execute();
}

/** The key stops signing; it stays for verification while tokens it signed are live. */
export async function retireSigningKeys(tx: Tx, at: Date): Promise<void> {
  await tx.updateTable('signing_keys').set({ retired_at: at }).where('retired_at', 'is', null).execute();
}

/** Key ids with at least one live (not retired) embed token. */
export async function kidsWithLiveTokens(db: Db): Promise<Set<string>> {
  const rows = await db.selectFrom('embed_tokens').select('kid').where('retired_at', 'is', null).groupBy('kid').execute();
  return new Set(rows.map((r) => r.kid));
}

export async function liveTokenCounts(db: Db): Promise<Map<string, number>> {
  const rows = await db
    .selectFrom('embed_tokens')
    .select((eb) => ['kid', eb.fn.countAll<number>().as('n')])
    .where('retired_at', 'is', null)
    .groupBy('kid')
    .execute();
  return new Map(rows.map((r) => [r.kid, Number(r.n)]));
}

export async function notifyKeysChanged(tx: Tx, what: string): Promise<void> {
  await sql`select pg_notify(${KEYS_CHANNEL}, ${what})`.execute(tx);
}
