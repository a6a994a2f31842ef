/**
 * The staff console's people (issue 14): accounts, invitations, passkeys, passwords with TOTP, sessions and the
 * append-only log of sign-ins. Secrets (invitation tokens, session ids) are stored as SHA-256 hashes only.
 */
import type { Db, Tx } from '../db/database';
import type { StaffAccountRow, StaffSessionRow, StaffSignInTable } from '../db/schema';
import { hashSecret } from './staff';

export type { StaffAccountRow, StaffSessionRow };
export type SignInKind = StaffSignInTable['kind'];

export async function findAccount(db: Db, id: string): Promise<StaffAccountRow | undefined> {
  return db.selectFrom('staff_accounts').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function findAccountByEmail(db: Db, email: string): Promise<StaffAccountRow | undefined> {
  return db.selectFrom('staff_accounts').selectAll().where('email', '=', email).executeTakeFirst();
}

export async function listAccounts(db: Db): Promise<StaffAccountRow[]> {
  return db.selectFrom('staff_accounts').selectAll().orderBy('created_at').orderBy('email').execute();
}

export async function insertAccount(tx: Tx, a: Omit<StaffAccountRow, 'enrolled_at' | 'disabled_at'>): Promise<void> {
  await tx
    .insertInto('staff_accounts')
    .values({ ...a, enrolled_at: null, disabled_at: null })
    .execute();
}

export async function markEnrolled(tx: Tx, id: string, at: Date): Promise<void> {
  await tx.updateTable('staff_accounts').set({ enrolled_at: at }).where('id', '=', id).where('enrolled_at', 'is', null).execute();
}

export async function disableAccount(tx: Tx, id: string, at: Date): Promise<boolean> {
  const r = await tx.updateTable('staff_accounts').set({ disabled_at: at }).where('id', '=', id).where('disabled_at', 'is', null).executeTakeFirst();
  return Number(r.numUpdatedRows) > 0;
}

// --- Invitations (one-time, stored hashed)

export async function insertInvite(tx: Tx, i: { id: string; accountId: string; token: string; createdBy: string; at: Date; expiresAt: Date }): Promise<void> {
  await tx
    .insertInto('staff_invites')
    .values({
      id: i.id,
      account_id: i.accountId,
      token_hash: hashSecret(i.token),
      created_by: i.createdBy,
      created_at: i.at,
      expires_at: i.expiresAt,
      used_at: null,
    })
    .execute();
}

export async function findInvite(db: Db, token: string) {
  return db.selectFrom('staff_invites').selectAll().where('token_hash', '=', hashSecret(token)).executeTakeFirst();
}

/** Uses the invitation once: false when it was used already (a second tab, a replay). */
export async function useInvite(tx: Tx, id: string, at: Date): Promise<boolean> {
  const r = await tx.updateTable('staff_invites').set({ used_at: at }).where('id', '=', id).where('used_at', 'is', null).executeTakeFirst();
  return Number(r.numUpdatedRows) > 0;
}

/** Ends the unused invitations of an account (a new one replaces them; disabling ends them). */
export async function endInvites(tx: Tx, accountId: string, at: Date): Promise<void> {
  await tx.updateTable('staff_invites').set({ used_at: at }).where('account_id', '=', accountId).where('used_at', 'is', null).execute();
}

// --- Credentials

export async function insertPasskey(
  tx: Tx,
  p: { id: string; accountId: string; publicKey: Uint8Array; counter: number; transports: string[]; at: Date },
): Promise<void> {
  await tx
    .insertInto('staff_passkeys')
    .values({
      id: p.id,
      account_id: p.accountId,
      public_key: Buffer.from(p.publicKey),
      counter: p.counter,
      transports: JSON.stringify(p.transports),
      created_at: p.at,
      last_used_at: null,
    })
    .execute();
}

export async function findPasskey(db: Db, id: string) {
  return db.selectFrom('staff_passkeys').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function passkeysOf(db: Db, accountId: string) {
  return db.selectFrom('staff_passkeys').select(['id', 'transports', 'created_at', 'last_used_at']).where('account_id', '=', accountId).execute();
}

/** Moves the signature counter on, only forwards: false when another sign-in got there first. */
export async function usePasskey(tx: Tx, id: string, oldCounter: number, newCounter: number, at: Date): Promise<boolean> {
  const r = await tx
    .updateTable('staff_passkeys')
    .set({ counter: newCounter, last_used_at: at })
    .where('id', '=', id)
    .where('counter', '=', oldCounter)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) > 0;
}

export async function upsertPassword(tx: Tx, p: { accountId: string; hash: string; totpSecret: string; at: Date }): Promise<void> {
  await tx
    .insertInto('staff_passwords')
    .values({ account_id: p.accountId, password_hash: p.hash, totp_secret: p.totpSecret, totp_last_step: null, created_at: p.at })
    .onConflict((oc) => oc.column('account_id').doUpdateSet({ password_hash: p.hash, totp_secret: p.totpSecret, totp_last_step: null, created_at: p.at }))
    .execute();
}

export async function findPassword(db: Db, accountId: string) {
  return db.selectFrom('staff_passwords').selectAll().where('account_id', '=', accountId).executeTakeFirst();
}

/** Accepts a TOTP time step once: false when this step (or a later one) was used already. */
export async function useTotpStep(tx: Tx, accountId: string, step: number): Promise<boolean> {
  const r = await tx
    .updateTable('staff_passwords')
    .set({ totp_last_step: step })
    .where('account_id', '=', accountId)
    .where((eb) => eb.or([eb('totp_last_step', 'is', null), eb('totp_last_step', '<', step)]))
    .executeTakeFirst();
  return Number(r.numUpdatedRows) > 0;
}

// --- Sessions (ids stored hashed)

export async function insertSession(
  db: Db,
  s: { id: string; accountId: string | null; csrf: string; at: Date; expiresAt: Date; challenge?: string | null },
): Promise<void> {
  await db
    .insertInto('staff_sessions')
    .values({
      id_hash: hashSecret(s.id),
      account_id: s.accountId,
      csrf_token: s.csrf,
      challenge: s.challenge ?? null,
      created_at: s.at,
      last_seen_at: s.at,
      expires_at: s.expiresAt,
      ended_at: null,
    })
    .execute();
}

export async function findSession(db: Db, id: string): Promise<StaffSessionRow | undefined> {
  return db.selectFrom('staff_sessions').selectAll().where('id_hash', '=', hashSecret(id)).where('ended_at', 'is', null).executeTakeFirst();
}

export async function touchSession(db: Db, id: string, at: Date): Promise<void> {
  await db.updateTable('staff_sessions').set({ last_seen_at: at }).where('id_hash', '=', hashSecret(id)).execute();
}

export async function setChallenge(db: Db, id: string, challenge: string | null): Promise<void> {
  await db.updateTable('staff_sessions').set({ challenge }).where('id_hash', '=', hashSecret(id)).execute();
}

/** Takes the session's passkey challenge: it is good for one ceremony only. */
export async function takeChallenge(tx: Tx, id: string): Promise<string | null> {
  const row = await tx
    .selectFrom('staff_sessions')
    .select('challenge')
    .where('id_hash', '=', hashSecret(id))
    .where('ended_at', 'is', null)
    .forUpdate()
    .executeTakeFirst();
  if (!row?.challenge) return null;
  await tx.updateTable('staff_sessions').set({ challenge: null }).where('id_hash', '=', hashSecret(id)).execute();
  return row.challenge;
}

export async function endSession(db: Db, id: string, at: Date): Promise<void> {
  await db.updateTable('staff_sessions').set({ ended_at: at }).where('id_hash', '=', hashSecret(id)).where('ended_at', 'is', null).execute();
}

export async function endSessionsOf(tx: Tx, accountId: string, at: Date): Promise<void> {
  await tx.updateTable('staff_sessions').set({ ended_at: at }).where('account_id', '=', accountId).where('ended_at', 'is', null).execute();
}

/** Drops sessions that ended or can no longer be used (before sign-in ones pile up otherwise). */
export async function pruneSessions(db: Db, idleSince: Date, now: Date): Promise<void> {
  await db
    .deleteFrom('staff_sessions')
    .where((eb) => eb.or([eb('ended_at', 'is not', null), eb('expires_at', '<', now), eb('last_seen_at', '<', idleSince)]))
    .execute();
}

// --- Sign-ins, failures, lockouts, sign-outs (append-only)

export async function recordSignIn(
  db: Db,
  e: { accountId: string | null; email: string; kind: SignInKind; method?: string | null; detail?: string | null; at: Date },
): Promise<void> {
  await db
    .insertInto('staff_sign_ins')
    .values({ account_id: e.accountId, email: e.email, kind: e.kind, method: e.method ?? null, detail: e.detail ?? null, at: e.at })
    .execute();
}

/** The failures of an account since an instant that count towards a lockout. */
export async function failuresSince(db: Db, accountId: string, since: Date): Promise<Date[]> {
  const rows = await db
    .selectFrom('staff_sign_ins')
    .select('at')
    .where('account_id', '=', accountId)
    .where('kind', '=', 'failed')
    .where('at', '>', since)
    .where((eb) => eb.or([eb('detail', 'is', null), eb('detail', '!=', 'while locked')]))
    .orderBy('at')
    .execute();
  return rows.map((r) => new Date(r.at));
}

export async function signInsOf(db: Db, accountId: string | null, limit: number) {
  let q = db.selectFrom('staff_sign_ins').selectAll();
  if (accountId) q = q.where('account_id', '=', accountId);
  return q.orderBy('id', 'desc').limit(limit).execute();
}

// --- Assignments of services to an account (Arts. 7, 19)

export async function assignedServiceIdsOfAccount(db: Db, accountId: string): Promise<string[]> {
  const rows = await db.selectFrom('staff_assignments').select('service_id').where('staff_account_id', '=', accountId).where('ended_at', 'is', null).execute();
  return rows.map((r) => r.service_id);
}

export async function insertAccountAssignment(tx: Tx, a: { id: string; accountId: string; serviceId: string; at: Date }): Promise<boolean> {
  const live = await tx
    .selectFrom('staff_assignments')
    .select('id')
    .where('staff_account_id', '=', a.accountId)
    .where('service_id', '=', a.serviceId)
    .where('ended_at', 'is', null)
    .executeTakeFirst();
  if (live) return false;
  await tx
    .insertInto('staff_assignments')
    .values({ id: a.id, staff_token_id: null, staff_account_id: a.accountId, service_id: a.serviceId, assigned_at: a.at, ended_at: null })
    .execute();
  return true;
}

/** The names of staff tokens and accounts by id (the audit log names who read). */
export async function staffNames(db: Db, ids: readonly string[]): Promise<Map<string, string>> {
  if (ids.length === 0) return new Map();
  const [tokens, people] = await Promise.all([
    db
      .selectFrom('staff_tokens')
      .select(['id', 'name'])
      .where('id', 'in', [...ids])
      .execute(),
    db
      .selectFrom('staff_accounts')
      .select(['id', 'name', 'email'])
      .where('id', 'in', [...ids])
      .execute(),
  ]);
  return new Map([...tokens.map((t) => [t.id, `${t.name} (token)`] as const), ...people.map((p) => [p.id, `${p.name} <${p.email}>`] as const)]);
}

/** Ends the live assignments of an account (it was disabled); returns their ids. */
export async function endAccountAssignments(tx: Tx, accountId: string, at: Date): Promise<string[]> {
  const rows = await tx
    .updateTable('staff_assignments')
    .set({ ended_at: at })
    .where('staff_account_id', '=', accountId)
    .where('ended_at', 'is', null)
    .returning('id')
    .execute();
  return rows.map((r) => r.id);
}

/** The live assignments of an account, with the services' numbers and names (the account's console page). */
export async function assignmentsOfAccount(db: Db, accountId: string) {
  return db
    .selectFrom('staff_assignments as a')
    .innerJoin('services as s', 's.id', 'a.service_id')
    .select(['a.id', 'a.service_id', 'a.assigned_at', 's.number', 's.name_ja'])
    .where('a.staff_account_id', '=', accountId)
    .where('a.ended_at', 'is', null)
    .orderBy('a.assigned_at')
    .execute();
}

/** Ends one live assignment of an account; the ids ended (none when the service was not assigned). */
export async function endAccountAssignment(tx: Tx, accountId: string, serviceId: string, at: Date): Promise<string[]> {
  const rows = await tx
    .updateTable('staff_assignments')
    .set({ ended_at: at })
    .where('staff_account_id', '=', accountId)
    .where('service_id', '=', serviceId)
    .where('ended_at', 'is', null)
    .returning('id')
    .execute();
  return rows.map((r) => r.id);
}
