/** Data access of the vendor portal's users, sign-in links, sessions and sign-in log (issue 15). */
import type { Db, Tx } from '../db/database';
import type { VendorSignInTable, VendorUserRow } from '../db/schema-vendor';
import { hashSecret } from './staff';

export async function insertVendorUser(tx: Tx, u: Omit<VendorUserRow, 'disabled_at'>): Promise<void> {
  await tx
    .insertInto('vendor_users')
    .values({ ...u, disabled_at: null })
    .execute();
}

export async function findVendorUser(db: Db, id: string): Promise<VendorUserRow | undefined> {
  return db.selectFrom('vendor_users').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function findVendorUserByEmail(db: Db, email: string): Promise<VendorUserRow | undefined> {
  return db.selectFrom('vendor_users').selectAll().where('email', '=', email).executeTakeFirst();
}

export async function vendorUsersOf(db: Db, vendorId: string): Promise<VendorUserRow[]> {
  return db.selectFrom('vendor_users').selectAll().where('vendor_id', '=', vendorId).orderBy('created_at').execute();
}

export async function disableVendorUser(tx: Tx, id: string, at: Date): Promise<boolean> {
  const r = await tx.updateTable('vendor_users').set({ disabled_at: at }).where('id', '=', id).where('disabled_at', 'is', null).executeTakeFirst();
  return Number(r.numUpdatedRows) > 0;
}

// --- One-time sign-in links (stored hashed)

export async function insertSignInLink(tx: Tx, l: { id: string; userId: string; token: string; at: Date; expiresAt: Date }): Promise<void> {
  await tx
    .insertInto('vendor_sign_in_links')
    .values({ id: l.id, user_id: l.userId, token_hash: hashSecret(l.token), created_at: l.at, expires_at: l.expiresAt, used_at: null })
    .execute();
}

/** Links sent to a user since `since` (a user may ask for a few, not a flood). */
export async function linksSentSince(db: Db, userId: string, since: Date): Promise<number> {
  const r = await db
    .selectFrom('vendor_sign_in_links')
    .select((eb) => eb.fn.countAll().as('n'))
    .where('user_id', '=', userId)
    .where('created_at', '>=', since)
    .executeTakeFirstOrThrow();
  return Number(r.n);
}

/** Uses a link once: its user id when the link is unused and not expired, else null (and it stays used). */
export async function useSignInLink(tx: Tx, token: string, at: Date): Promise<string | null> {
  const r = await tx
    .updateTable('vendor_sign_in_links')
    .set({ used_at: at })
    .where('token_hash', '=', hashSecret(token))
    .where('used_at', 'is', null)
    .where('expires_at', '>', at)
    .returning('user_id')
    .executeTakeFirst();
  return r?.user_id ?? null;
}

export async function findSignInLink(db: Db, token: string) {
  return db.selectFrom('vendor_sign_in_links').selectAll().where('token_hash', '=', hashSecret(token)).executeTakeFirst();
}

// --- Sessions (ids stored hashed)

export async function insertVendorSession(db: Db, s: { id: string; userId: string | null; csrf: string; at: Date; expiresAt: Date }): Promise<void> {
  await db
    .insertInto('vendor_sessions')
    .values({
      id_hash: hashSecret(s.id),
      user_id: s.userId,
      csrf_token: s.csrf,
      created_at: s.at,
      last_seen_at: s.at,
      expires_at: s.expiresAt,
      ended_at: null,
    })
    .execute();
}

export async function findVendorSession(db: Db, id: string) {
  return db.selectFrom('vendor_sessions').selectAll().where('id_hash', '=', hashSecret(id)).where('ended_at', 'is', null).executeTakeFirst();
}

export async function touchVendorSession(db: Db, id: string, at: Date): Promise<void> {
  await db.updateTable('vendor_sessions').set({ last_seen_at: at }).where('id_hash', '=', hashSecret(id)).execute();
}

export async function endVendorSession(db: Db, id: string, at: Date): Promise<void> {
  await db.updateTable('vendor_sessions').set({ ended_at: at }).where('id_hash', '=', hashSecret(id)).where('ended_at', 'is', null).execute();
}

export async function endVendorSessionsOf(tx: Tx, userId: string, at: Date): Promise<void> {
  await tx.updateTable('vendor_sessions').set({ ended_at: at }).where('user_id', '=', userId).where('ended_at', 'is', null).execute();
}

export async function pruneVendorSessions(db: Db, idleSince: Date, now: Date): Promise<void> {
  await db
    .deleteFrom('vendor_sessions')
    .where((eb) => eb.or([eb('ended_at', 'is not', null), eb('expires_at', '<', now), eb('last_seen_at', '<', idleSince)]))
    .execute();
}

// --- The sign-in log (append-only)

export async function recordVendorSignIn(
  db: Db | Tx,
  e: { userId: string | null; email: string; kind: VendorSignInTable['kind']; detail?: string | null; at: Date },
): Promise<void> {
  await db
    .insertInto('vendor_sign_ins')
    .values({ user_id: e.userId, email: e.email, kind: e.kind, detail: e.detail ?? null, at: e.at })
    .execute();
}

export async function vendorSignInsOf(db: Db, userId: string, limit: number) {
  return db.selectFrom('vendor_sign_ins').selectAll().where('user_id', '=', userId).orderBy('id', 'desc').limit(limit).execute();
}

// --- Passkeys (migration 0015) and the session's passkey challenge

export async function setVendorChallenge(db: Db, sessionId: string, challenge: string | null): Promise<void> {
  await db.updateTable('vendor_sessions').set({ challenge }).where('id_hash', '=', hashSecret(sessionId)).execute();
}

/** Takes the session's passkey challenge: it is good for one ceremony only. */
export async function takeVendorChallenge(tx: Tx, sessionId: string): Promise<string | null> {
  const row = await tx
    .selectFrom('vendor_sessions')
    .select('challenge')
    .where('id_hash', '=', hashSecret(sessionId))
    .where('ended_at', 'is', null)
    .forUpdate()
    .executeTakeFirst();
  if (!row?.challenge) return null;
  await tx.updateTable('vendor_sessions').set({ challenge: null }).where('id_hash', '=', hashSecret(sessionId)).execute();
  return row.challenge;
}

export async function insertVendorPasskey(
  tx: Tx,
  p: { id: string; userId: string; publicKey: Uint8Array; counter: number; transports: string[]; at: Date },
): Promise<void> {
  await tx
    .insertInto('vendor_passkeys')
    .values({
      id: p.id,
      user_id: p.userId,
      public_key: Buffer.from(p.publicKey),
      counter: p.counter,
      transports: JSON.stringify(p.transports),
      created_at: p.at,
      last_used_at: null,
    })
    .execute();
}

export async function findVendorPasskey(db: Db, id: string) {
  return db.selectFrom('vendor_passkeys').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function vendorPasskeysOf(db: Db, userId: string) {
  return db
    .selectFrom('vendor_passkeys')
    .select(['id', 'transports', 'created_at', 'last_used_at'])
    .where('user_id', '=', userId)
    .orderBy('created_at')
    .orderBy('id')
    .execute();
}

/** Moves the signature counter on, only forwards: false when another sign-in got there first. */
export async function useVendorPasskey(tx: Tx, id: string, oldCounter: number, newCounter: number, at: Date): Promise<boolean> {
  const r = await tx
    .updateTable('vendor_passkeys')
    .set({ counter: newCounter, last_used_at: at })
    .where('id', '=', id)
    .where('counter', '=', oldCounter)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) > 0;
}

/** Removes one of the user's passkeys: false when the user has no such passkey. */
export async function deleteVendorPasskey(tx: Tx, userId: string, id: string): Promise<boolean> {
  const r = await tx.deleteFrom('vendor_passkeys').where('id', '=', id).where('user_id', '=', userId).executeTakeFirst();
  return Number(r.numDeletedRows) > 0;
}
