/**
 * Staff accounts of the console (issue 14): an admin (or `certmark staff invite`) invites a person with a role;
 * the one-time enrolment link (24 h, stored hashed) lets them set up a passkey, or a password with TOTP. Each
 * invitation, enrolment and disabling is on the chain (the account record's fingerprint, never a secret) and in
 * the sign-in log.
 */
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { Clock } from '../clock';
import { inTransaction, type Db, type Tx } from '../db/database';
import { AppError } from '../errors';
import { findDelegate } from '../repositories/delegates';
import { recordOnChain, recordsOnChain } from '../repositories/records';
import { newSecret } from '../repositories/staff';
import * as accounts from '../repositories/staff-accounts';
import type { StaffRole } from '../http/env';
import { hashPassword, isTotpSecret, totpStep } from './factors';
import { INVITE_VALID_MS, PASSWORD_MAX, PASSWORD_MIN } from './policy';

export interface ConsoleContext {
  db: Db;
  clock: Clock;
  /** The public base URL (PUBLIC_BASE_URL): the enrolment link, the passkeys' relying party and the Origin checked. */
  baseUrl: string;
}

export const ROLES = ['admin', 'reviewer', 'auditor', 'delegate', 'committee'] as const satisfies readonly StaffRole[];

export const InviteInput = z.object({
  email: z
    .string()
    .trim()
    .toLowerCase()
    .max(254)
    .pipe(z.email({ message: 'an e-mail address is needed' })),
  name: z.string().trim().min(1, 'a name is needed').max(200),
  role: z.enum(ROLES, { message: 'the role is one of admin, reviewer, auditor, delegate, committee' }),
  delegate: z
    .string()
    .trim()
    .max(100)
    .nullish()
    .transform((v) => v || null),
});
export type InviteInput = z.input<typeof InviteInput>;

export interface AccountView {
  id: string;
  email: string;
  name: string;
  role: StaffRole;
  delegate: string | null;
  createdAt: Date;
  enrolledAt: Date | null;
  disabledAt: Date | null;
}

const view = (a: accounts.StaffAccountRow): AccountView => ({
  id: a.id,
  email: a.email,
  name: a.name,
  role: a.role,
  delegate: a.delegate_id,
  createdAt: new Date(a.created_at),
  enrolledAt: a.enrolled_at ? new Date(a.enrolled_at) : null,
  disabledAt: a.disabled_at ? new Date(a.disabled_at) : null,
});

export const enrolmentUrl = (baseUrl: string, token: string) => `${baseUrl}/staff/enrol/${token}`;

/**
 * Invites a person: a new account (or a new link for an account not yet enrolled) and the one-time enrolment
 * URL, shown once. `actor` is who invites (`staff:{id}`, `cli`).
 */
export async function inviteStaff(ctx: ConsoleContext, actor: string, raw: InviteInput): Promise<{ account: AccountView; url: string; expiresAt: Date }> {
  const parsed = InviteInput.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new AppError('invalid', issue.message, { field: String(issue.path[0] ?? 'email') });
  }
  const input = parsed.data;
  const delegateId = await delegateOf(ctx.db, input.role, input.delegate);
  const at = ctx.clock.now();
  const token = newSecret('cmenrol');
  const expiresAt = new Date(at.getTime() + INVITE_VALID_MS);
  const account = await inTransaction(ctx.db, async (tx) => {
    let row = await accounts.findAccountByEmail(tx, input.email);
    if (row && (row.enrolled_at || row.disabled_at)) {
      throw new AppError('conflict', `${input.email} has an account already`, { field: 'email' });
    }
    if (!row) {
      row = {
        id: randomUUID(),
        email: input.email,
        name: input.name,
        role: input.role,
        delegate_id: delegateId,
        created_at: at,
        enrolled_at: null,
        disabled_at: null,
      };
      await accounts.insertAccount(tx, row);
      await recordOnChain(tx, 'staff_account', 'staff_account.invited', row.id, actor, at);
    } else {
      await accounts.endInvites(tx, row.id, at); // a new link replaces the old
    }
    await accounts.insertInvite(tx, { id: randomUUID(), accountId: row.id, token, createdBy: actor, at, expiresAt });
    await accounts.recordSignIn(tx, { accountId: row.id, email: row.email, kind: 'invited', detail: actor, at });
    return row;
  });
  return { account: view(account), url: enrolmentUrl(ctx.baseUrl, token), expiresAt };
}

/** Art. 19: a delegate account belongs to a delegated body whose delegation has not ended; no other role has one. */
async function delegateOf(db: Db, role: StaffRole, delegate: string | null): Promise<string | null> {
  if (role !== 'delegate') {
    if (delegate !== null) throw new AppError('invalid', 'only a delegate names a delegated body', { field: 'delegate' });
    return null;
  }
  if (delegate === null) throw new AppError('invalid', 'a delegate names the delegated body it works for (Art. 19)', { field: 'delegate' });
  const body = await findDelegate(db, delegate);
  if (!body) throw new AppError('unprocessable', `no delegated body ${delegate}`, { field: 'delegate' });
  if (body.ended_on !== null) throw new AppError('unprocessable', `the delegation to ${body.name_ja} ended on ${body.ended_on}`, { field: 'delegate' });
  return body.id;
}

export async function listAccounts(db: Db): Promise<AccountView[]> {
  return (await accounts.listAccounts(db)).map(view);
}

export async function accountById(db: Db, id: string): Promise<AccountView | null> {
  const row = await accounts.findAccount(db, id);
  return row ? view(row) : null;
}

/** Disables an account: its sessions end at once and its invitations with them. An admin cannot disable itself. */
export async function disableStaffAccount(ctx: Pick<ConsoleContext, 'db' | 'clock'>, actor: string, id: string): Promise<void> {
  if (actor === `staff:${id}`) throw new AppError('conflict', 'you cannot disable your own account; ask another admin', { field: 'account' });
  const at = ctx.clock.now();
  await inTransaction(ctx.db, async (tx) => {
    const row = await accounts.findAccount(tx, id);
    if (!row || !(await accounts.disableAccount(tx, id, at))) throw new AppError('not_found', `no active staff account ${id}`, { field: 'account' });
    await accounts.endSessionsOf(tx, id, at);
    await accounts.endInvites(tx, id, at);
    await recordOnChain(tx, 'staff_account', 'staff_account.disabled', id, actor, at);
    await recordsOnChain(tx, 'staff_assignment', 'staff_assignment.ended', await accounts.endAccountAssignments(tx, id, at), actor, at);
    await accounts.recordSignIn(tx, { accountId: id, email: row.email, kind: 'disabled', detail: actor, at });
  });
}

// --- Enrolment

/** The invitation behind an enrolment link, if it is still good: unused, unexpired, for an account not disabled. */
export async function openInvite(ctx: Pick<ConsoleContext, 'db' | 'clock'>, token: string) {
  if (!/^cmenrol_[\w-]{43}$/.test(token)) return null;
  const invite = await accounts.findInvite(ctx.db, token);
  if (!invite || invite.used_at || new Date(invite.expires_at) <= ctx.clock.now()) return null;
  const account = await accounts.findAccount(ctx.db, invite.account_id);
  if (!account || account.disabled_at) return null;
  return { invite, account: view(account) };
}

const expiredLink = () =>
  new AppError('not_found', 'this enrolment link is not valid: it was used, it expired (24 h), or it never existed', { field: 'token' });

/**
 * Enrols with a password and TOTP: the code typed proves the authenticator app holds the secret shown.
 * Uses the invitation; the account is enrolled from now on.
 */
export async function enrolWithPassword(
  ctx: Pick<ConsoleContext, 'db' | 'clock'>,
  token: string,
  input: { password: string; confirm: string; totpSecret: string; code: string },
): Promise<AccountView> {
  const open = await openInvite(ctx, token);
  if (!open) throw expiredLink();
  if (input.password.length < PASSWORD_MIN || input.password.length > PASSWORD_MAX) {
    throw new AppError('invalid', `the password is ${PASSWORD_MIN} to ${PASSWORD_MAX} characters`, { field: 'password' });
  }
  if (input.password !== input.confirm) throw new AppError('invalid', 'the two passwords differ', { field: 'confirm' });
  if (!isTotpSecret(input.totpSecret)) throw new AppError('invalid', 'the authenticator secret is not valid; reload the page', { field: 'code' });
  const at = ctx.clock.now();
  const step = totpStep(input.totpSecret, input.code.trim(), at);
  if (step === null) throw new AppError('invalid', 'the 6-digit code does not match; check the authenticator app and its clock', { field: 'code' });
  const hashed = await hashPassword(input.password);
  await completeEnrolment(ctx, open, 'password', async (tx) => {
    await accounts.upsertPassword(tx, { accountId: open.account.id, hash: hashed, totpSecret: input.totpSecret, at });
    await accounts.useTotpStep(tx, open.account.id, step);
  });
  return open.account;
}

type Opened = NonNullable<Awaited<ReturnType<typeof openInvite>>>;

/** Uses the invitation and marks the account enrolled, with the credential written in the same transaction. */
export async function completeEnrolment(
  ctx: Pick<ConsoleContext, 'db' | 'clock'>,
  open: Opened,
  method: 'password' | 'passkey',
  writeCredential: (tx: Tx) => Promise<void>,
): Promise<void> {
  const at = ctx.clock.now();
  await inTransaction(ctx.db, async (tx) => {
    if (!(await accounts.useInvite(tx, open.invite.id, at))) throw expiredLink();
    await writeCredential(tx);
    const first = open.account.enrolledAt === null;
    await accounts.markEnrolled(tx, open.account.id, at);
    if (first) await recordOnChain(tx, 'staff_account', 'staff_account.enrolled', open.account.id, `staff:${open.account.id}`, at);
    await accounts.recordSignIn(tx, { accountId: open.account.id, email: open.account.email, kind: 'enrolled', method, at });
  });
}

/** Arts. 7, 19: assigns a service to a delegate or committee account; on the chain, as a token's assignment is. */
export async function assignServiceToAccount(ctx: Pick<ConsoleContext, 'db' | 'clock'>, actor: string, accountId: string, serviceId: string): Promise<string> {
  const account = await accounts.findAccount(ctx.db, accountId);
  if (!account || account.disabled_at) throw new AppError('not_found', `no active staff account ${accountId}`, { field: 'account' });
  if (account.role !== 'delegate' && account.role !== 'committee') {
    throw new AppError('unprocessable', `a ${account.role} works on every service; only delegates and committee members are assigned services`, {
      field: 'account',
    });
  }
  const id = randomUUID();
  const at = ctx.clock.now();
  await inTransaction(ctx.db, async (tx) => {
    if (!(await accounts.insertAccountAssignment(tx, { id, accountId, serviceId, at }))) {
      throw new AppError('conflict', 'the service is assigned to this account already', { field: 'service' });
    }
    await recordOnChain(tx, 'staff_assignment', 'staff_assignment.made', id, actor, at);
  });
  return id;
}

/** Arts. 7, 19: ends an account's assignment of a service; on the chain. */
export async function endServiceAssignmentOfAccount(
  ctx: Pick<ConsoleContext, 'db' | 'clock'>,
  actor: string,
  accountId: string,
  serviceId: string,
): Promise<void> {
  const at = ctx.clock.now();
  await inTransaction(ctx.db, async (tx) => {
    const ended = await accounts.endAccountAssignment(tx, accountId, serviceId, at);
    if (ended.length === 0) throw new AppError('not_found', 'the service is not assigned to this account', { field: 'service' });
    await recordsOnChain(tx, 'staff_assignment', 'staff_assignment.ended', ended, actor, at);
  });
}

export interface AccountAssignment {
  serviceId: string;
  number: string | null;
  nameJa: string;
  assignedAt: Date;
}

/** The services an account is assigned now (Arts. 7, 19). */
export async function accountAssignments(db: Db, accountId: string): Promise<AccountAssignment[]> {
  return (await accounts.assignmentsOfAccount(db, accountId)).map((a) => ({
    serviceId: a.service_id,
    number: a.number,
    nameJa: a.name_ja,
    assignedAt: new Date(a.assigned_at),
  }));
}
