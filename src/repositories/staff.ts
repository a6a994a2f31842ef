import { createHash, randomBytes } from 'node:crypto';
import type { Db } from '../db/database';
import type { StaffTokenRow } from '../db/schema';

/** Secrets are stored as SHA-256 hashes only; a bearer secret has 256 bits, so no slow hash is needed. */
export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex');
}

export function newSecret(prefix: string): string {
  return `${prefix}_${randomBytes(32).toString('base64url')}`;
}

export async function findStaffByToken(db: Db, token: string): Promise<StaffTokenRow | undefined> {
  return db.selectFrom('staff_tokens').selectAll().where('token_hash', '=', hashSecret(token)).where('revoked_at', 'is', null).executeTakeFirst();
}

/** The token's record whether or not it was revoked. */
export async function findStaffTokenRecord(db: Db, token: string): Promise<StaffTokenRow | undefined> {
  return db.selectFrom('staff_tokens').selectAll().where('token_hash', '=', hashSecret(token)).executeTakeFirst();
}

/** Inserts the token unless one with the same secret exists (two servers starting at once with one bootstrap token). */
export async function insertStaffToken(db: Db, t: { id: string; name: string; role: StaffTokenRow['role']; token: string; at: Date }): Promise<boolean> {
  const r = await db
    .insertInto('staff_tokens')
    .values({ id: t.id, name: t.name, role: t.role, token_hash: hashSecret(t.token), created_at: t.at, revoked_at: null })
    .onConflict((oc) => oc.column('token_hash').doNothing())
    .executeTakeFirst();
  return Number(r.numInsertedOrUpdatedRows ?? 0) > 0;
}

export async function listStaffTokens(db: Db) {
  return db.selectFrom('staff_tokens').select(['id', 'name', 'role', 'created_at', 'revoked_at']).orderBy('created_at').execute();
}

export async function revokeStaffToken(db: Db, id: string, at: Date): Promise<boolean> {
  const r = await db.updateTable('staff_tokens').set({ revoked_at: at }).where('id', '=', id).where('revoked_at', 'is', null).executeTakeFirst();
  return Number(r.numUpdatedRows) > 0;
}

export async function countStaffTokens(db: Db): Promise<number> {
  const r = await db
    .selectFrom('staff_tokens')
    .select((eb) => eb.fn.countAll().as('n'))
    .executeTakeFirst();
  return Number(r?.n ?? 0);
}

/** Art. 20: every staff read of confidential material is audited. */
export async function audit(db: Db, entry: { staffId: string; at: Date; action: string; subject: string }) {
  await db.insertInto('audit_log').values({ staff_token_id: entry.staffId, at: entry.at, action: entry.action, subject: entry.subject }).execute();
}

/** Audit entries, newest first; keyset by id. */
export async function auditEntries(db: Db, f: { staffTokenId: string | null; subject: string | null; before: number | null; limit: number }) {
  let q = db.selectFrom('audit_log').selectAll();
  if (f.staffTokenId) q = q.where('staff_token_id', '=', f.staffTokenId);
  if (f.subject) q = q.where('subject', '=', f.subject);
  if (f.before !== null) q = q.where('id', '<', f.before);
  return q.orderBy('id', 'desc').limit(f.limit).execute();
}
