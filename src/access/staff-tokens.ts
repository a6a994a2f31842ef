/**
 * Staff bearer tokens: issued (the secret shown once, stored hashed), listed and revoked by admins. Each issue
 * and revocation is on the chain (the token's id and a fingerprint, never the secret).
 */
import { randomUUID } from 'node:crypto';
import { inTransaction, type Db } from '../db/database';
import type { StaffTokenRow } from '../db/schema';
import { AppError } from '../errors';
import { findDelegate } from '../repositories/delegates';
import { recordOnChain, recordsOnChain } from '../repositories/records';
import type { AccessContext } from './context';
import { scopeOf, type ServiceScope } from './scope';
import * as staff from '../repositories/staff';

export type StaffRole = StaffTokenRow['role'];

export interface StaffTokenView {
  id: string;
  name: string;
  role: StaffRole;
  /** Art. 19: the delegated body of a `delegate` token. */
  delegate: string | null;
  createdAt: string;
  revokedAt: string | null;
}

const view = (t: Pick<StaffTokenRow, 'id' | 'name' | 'role' | 'created_at' | 'revoked_at' | 'delegate_id'>): StaffTokenView => ({
  id: t.id,
  name: t.name,
  role: t.role,
  delegate: t.delegate_id,
  createdAt: new Date(t.created_at).toISOString(),
  revokedAt: t.revoked_at ? new Date(t.revoked_at).toISOString() : null,
});

export const newStaffSecret = () => staff.newSecret('cmstf');

/**
 * Issues a token. `secret` is given by bootstrap (CERTMARK_ADMIN_TOKEN) and tests; otherwise one is made.
 * Returns null when a token with the same secret exists already (two servers starting with one bootstrap token).
 */
export async function issueStaffToken(
  ctx: AccessContext,
  input: { name: string; role: StaffRole; delegate?: string | null; secret?: string; id?: string },
): Promise<(StaffTokenView & { token: string }) | null> {
  const id = input.id ?? randomUUID();
  const token = input.secret ?? newStaffSecret();
  const delegateId = await delegateOf(ctx.db, input.role, input.delegate ?? null);
  const at = ctx.clock.now();
  const inserted = await inTransaction(ctx.db, async (tx) => {
    if (!(await staff.insertStaffToken(tx, { id, name: input.name, role: input.role, token, at, delegateId }))) return false;
    await recordOnChain(tx, 'staff_token', 'staff_token.issued', id, ctx.actor, at);
    return true;
  });
  return inserted ? { ...view({ id, name: input.name, role: input.role, created_at: at, revoked_at: null, delegate_id: delegateId }), token } : null;
}

/** Art. 19: a `delegate` token belongs to a delegated body whose delegation has not ended; no other role has one. */
async function delegateOf(db: Db, role: StaffRole, delegate: string | null): Promise<string | null> {
  if (role !== 'delegate') {
    if (delegate !== null) throw new AppError('invalid', 'only a delegate token names a delegated body', { field: 'delegate' });
    return null;
  }
  if (delegate === null) throw new AppError('invalid', 'a delegate token names the delegated body it works for (Art. 19)', { field: 'delegate' });
  const body = await findDelegate(db, delegate);
  if (!body) throw new AppError('unprocessable', `no delegated body ${delegate}`, { field: 'delegate' });
  if (body.ended_on !== null) throw new AppError('unprocessable', `the delegation to ${body.name_ja} ended on ${body.ended_on}`, { field: 'delegate' });
  return body.id;
}

export async function listStaffTokens(db: Db): Promise<StaffTokenView[]> {
  return (await staff.listStaffTokens(db)).map(view);
}

/** Revokes a live token; a token cannot revoke itself (an admin would lock the desk out by mistake). */
export async function revokeStaffToken(ctx: AccessContext, id: string): Promise<void> {
  if (ctx.actor === `staff:${id}`) throw new AppError('conflict', 'a token cannot revoke itself; use another admin token', { field: 'token' });
  const at = ctx.clock.now();
  await inTransaction(ctx.db, async (tx) => {
    if (!(await staff.revokeStaffToken(tx, id, at))) throw new AppError('not_found', `no active staff token ${id}`, { field: 'token' });
    await recordOnChain(tx, 'staff_token', 'staff_token.revoked', id, ctx.actor, at);
    await recordsOnChain(tx, 'staff_assignment', 'staff_assignment.ended', await staff.endAssignments(tx, id, null, at), ctx.actor, at);
  });
}

/** The live token with this secret, and the services it may reach, for the staff API's authentication. */
export async function authenticateStaff(db: Db, secret: string): Promise<{ id: string; name: string; role: StaffRole; scope: ServiceScope } | null> {
  const row = await staff.findStaffByToken(db, secret);
  return row ? { id: row.id, name: row.name, role: row.role, scope: await scopeOf(db, row) } : null;
}

/** The token's record whether or not it was revoked (bootstrap: a revoked CERTMARK_ADMIN_TOKEN stays revoked). */
export async function staffTokenBySecret(db: Db, secret: string) {
  return staff.findStaffTokenRecord(db, secret);
}

export const countStaffTokens = staff.countStaffTokens;
