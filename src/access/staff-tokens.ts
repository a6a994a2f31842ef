/**
 * Staff bearer tokens: issued (the secret shown once, stored hashed), listed and revoked by admins. Each issue
 * and revocation is on the chain (the token's id and a fingerprint, never the secret).
 */
import { randomUUID } from 'node:crypto';
import { inTransaction, type Db } from '../db/database';
import type { StaffTokenRow } from '../db/schema';
import type { LifecycleContext } from '../domain/lifecycle/context';
import { AppError } from '../errors';
import { recordOnChain } from '../repositories/records';
import * as staff from '../repositories/staff';

export type StaffRole = StaffTokenRow['role'];

export interface StaffTokenView {
  id: string;
  name: string;
  role: StaffRole;
  createdAt: string;
  revokedAt: string | null;
}

/** The database, the clock and who acts (a staff token id, or `bootstrap`). */
export type AccessContext = Pick<LifecycleContext, 'db' | 'clock' | 'actor'>;

const view = (t: Pick<StaffTokenRow, 'id' | 'name' | 'role' | 'created_at' | 'revoked_at'>): StaffTokenView => ({
  id: t.id,
  name: t.name,
  role: t.role,
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
  input: { name: string; role: StaffRole; secret?: string; id?: string },
): Promise<(StaffTokenView & { token: string }) | null> {
  const id = input.id ?? randomUUID();
  const token = input.secret ?? newStaffSecret();
  const at = ctx.clock.now();
  const inserted = await inTransaction(ctx.db, async (tx) => {
    if (!(await staff.insertStaffToken(tx, { id, name: input.name, role: input.role, token, at }))) return false;
    await recordOnChain(tx, 'staff_token', 'staff_token.issued', id, ctx.actor, at);
    return true;
  });
  return inserted ? { ...view({ id, name: input.name, role: input.role, created_at: at, revoked_at: null }), token } : null;
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
  });
}

/** The live token with this secret, for the staff API's authentication. */
export async function authenticateStaff(db: Db, secret: string): Promise<{ id: string; name: string; role: StaffRole } | null> {
  const row = await staff.findStaffByToken(db, secret);
  return row ? { id: row.id, name: row.name, role: row.role } : null;
}

/** The token's record whether or not it was revoked (bootstrap: a revoked CERTMARK_ADMIN_TOKEN stays revoked). */
export async function staffTokenBySecret(db: Db, secret: string) {
  return staff.findStaffTokenRecord(db, secret);
}

export const countStaffTokens = staff.countStaffTokens;
