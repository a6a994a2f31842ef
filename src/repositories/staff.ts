import { createHash, randomBytes } from 'node:crypto';
import type { Selectable } from 'kysely';
import type { Db, Tx } from '../db/database';
import type { StaffAssignmentTable, StaffTokenRow } from '../db/schema';

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
export async function insertStaffToken(
  db: Db,
  t: { id: string; name: string; role: StaffTokenRow['role']; token: string; at: Date; delegateId: string | null },
): Promise<boolean> {
  const r = await db
    .insertInto('staff_tokens')
    .values({ id: t.id, name: t.name, role: t.role, token_hash: hashSecret(t.token), created_at: t.at, revoked_at: null, delegate_id: t.delegateId })
    .onConflict((oc) => oc.column('token_hash').doNothing())
    .executeTakeFirst();
  return Number(r.numInsertedOrUpdatedRows ?? 0) > 0;
}

export async function listStaffTokens(db: Db) {
  return db.selectFrom('staff_tokens').select(['id', 'name', 'role', 'created_at', 'revoked_at', 'delegate_id']).orderBy('created_at').execute();
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

// --- Art. 7, 19: the services a `delegate` or `committee` token is assigned to.

export type StaffAssignmentRow = Selectable<StaffAssignmentTable>;

/** The live token, whatever its role; undefined when unknown or revoked. */
export async function findLiveStaffToken(db: Db, id: string): Promise<StaffTokenRow | undefined> {
  return db.selectFrom('staff_tokens').selectAll().where('id', '=', id).where('revoked_at', 'is', null).executeTakeFirst();
}

/** The service ids a token is assigned to now. */
export async function assignedServiceIds(db: Db, staffTokenId: string): Promise<string[]> {
  const rows = await db.selectFrom('staff_assignments').select('service_id').where('staff_token_id', '=', staffTokenId).where('ended_at', 'is', null).execute();
  return rows.map((r) => r.service_id);
}

/** Every assignment of a token, live and ended, oldest first. */
export async function assignmentsOf(db: Db, staffTokenId: string): Promise<StaffAssignmentRow[]> {
  return db.selectFrom('staff_assignments').selectAll().where('staff_token_id', '=', staffTokenId).orderBy('assigned_at').orderBy('id').execute();
}

/** Inserts a live assignment unless one exists for the token and service (false then). */
export async function insertAssignment(tx: Tx, a: { id: string; staffTokenId: string; serviceId: string; at: Date }): Promise<boolean> {
  const r = await tx
    .insertInto('staff_assignments')
    .values({ id: a.id, staff_token_id: a.staffTokenId, service_id: a.serviceId, assigned_at: a.at, ended_at: null })
    .onConflict((oc) => oc.columns(['staff_token_id', 'service_id']).where('ended_at', 'is', null).doNothing())
    .executeTakeFirst();
  return Number(r.numInsertedOrUpdatedRows ?? 0) > 0;
}

/** Ends the live assignments of a token (of one service, or all); returns their ids. */
export async function endAssignments(tx: Tx, staffTokenId: string, serviceId: string | null, at: Date): Promise<string[]> {
  let q = tx.updateTable('staff_assignments').set({ ended_at: at }).where('staff_token_id', '=', staffTokenId).where('ended_at', 'is', null);
  if (serviceId !== null) q = q.where('service_id', '=', serviceId);
  return (await q.returning('id').execute()).map((r) => r.id);
}

/** The live tokens of a delegated body. */
export async function liveTokensOfDelegate(tx: Tx, delegateId: string): Promise<string[]> {
  const rows = await tx.selectFrom('staff_tokens').select('id').where('delegate_id', '=', delegateId).where('revoked_at', 'is', null).execute();
  return rows.map((r) => r.id);
}
