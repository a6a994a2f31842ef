/**
 * Signing in to the console: a passkey (WebAuthn, @simplewebauthn/server: options made here, the challenge kept in
 * the visitor's session, the signature counter checked and moved on), or the fallback of a password and a TOTP code.
 * Five failures of one account within 15 minutes lock it for 15 minutes; every sign-in, failure, lockout and
 * sign-out is written to the sign-in log. Times come from the injected clock.
 */
import {
  generateAuthenticationOptions,
  generateRegistrationOptions,
  verifyAuthenticationResponse,
  verifyRegistrationResponse,
  type AuthenticationResponseJSON,
  type RegistrationResponseJSON,
} from '@simplewebauthn/server';
import { inTransaction, type Db } from '../db/database';
import { AppError } from '../errors';
import * as accounts from '../repositories/staff-accounts';
import { completeEnrolment, openInvite, type ConsoleContext } from './accounts';
import { checkPassword, totpStep } from './factors';
import { LOCKOUT_FAILURES, LOCKOUT_MS, LOCKOUT_WINDOW_MS } from './policy';
import { endSession, rotateIntoSession, type Session } from './sessions';

/** One message for every failure: it does not tell which factor, or whether the account exists. */
export const SIGN_IN_FAILED = 'the e-mail address, password or code is not right';

export class LockedOut extends AppError {
  constructor(readonly until: Date) {
    super('rate_limited', 'too many failed sign-ins: this account is locked for 15 minutes', { extra: { until: until.toISOString() } });
  }
}

/** When the account is locked, until when; null when it is not. */
export async function lockedUntil(db: Db, accountId: string, now: Date): Promise<Date | null> {
  const failures = await accounts.failuresSince(db, accountId, new Date(now.getTime() - LOCKOUT_WINDOW_MS - LOCKOUT_MS));
  // the lockout starts at the fifth failure within a 15-minute window and lasts 15 minutes
  for (let i = failures.length - 1; i >= LOCKOUT_FAILURES - 1; i--) {
    const fifth = failures[i]!;
    const first = failures[i - LOCKOUT_FAILURES + 1]!;
    if (fifth.getTime() - first.getTime() <= LOCKOUT_WINDOW_MS) {
      const until = new Date(fifth.getTime() + LOCKOUT_MS);
      return until > now ? until : null;
    }
  }
  return null;
}

async function fail(db: Db, account: { id: string; email: string } | null, email: string, method: string, at: Date, detail: string): Promise<never> {
  await accounts.recordSignIn(db, { accountId: account?.id ?? null, email, kind: 'failed', method, detail, at });
  if (account) {
    const until = await lockedUntil(db, account.id, at);
    if (until) {
      await accounts.recordSignIn(db, { accountId: account.id, email, kind: 'locked', method, detail: `until ${until.toISOString()}`, at });
      throw new LockedOut(until);
    }
  }
  throw new AppError('unauthenticated', SIGN_IN_FAILED);
}

async function refuseIfLocked(db: Db, account: { id: string; email: string }, method: string, at: Date): Promise<void> {
  const until = await lockedUntil(db, account.id, at);
  if (!until) return;
  await accounts.recordSignIn(db, { accountId: account.id, email: account.email, kind: 'failed', method, detail: 'while locked', at });
  throw new LockedOut(until);
}

async function signedIn(ctx: ConsoleContext, previous: string | null, account: { id: string; email: string }, method: string): Promise<Session> {
  const session = await rotateIntoSession(ctx.db, ctx.clock, previous, account.id);
  await accounts.recordSignIn(ctx.db, { accountId: account.id, email: account.email, kind: 'signed_in', method, at: ctx.clock.now() });
  return session;
}

/** The fallback: password and TOTP code, both right, the code not used before; a new session on success. */
export async function signInWithPassword(
  ctx: ConsoleContext,
  previous: string | null,
  input: { email: string; password: string; code: string },
): Promise<Session> {
  const at = ctx.clock.now();
  const email = input.email.trim().toLowerCase().slice(0, 254);
  const account = email ? await accounts.findAccountByEmail(ctx.db, email) : undefined;
  const usable = account?.enrolled_at && !account.disabled_at ? account : null;
  if (usable) await refuseIfLocked(ctx.db, usable, 'password', at);
  const password = usable ? await accounts.findPassword(ctx.db, usable.id) : undefined;
  const passwordOk = await checkPassword(password?.password_hash ?? null, input.password.slice(0, 1024));
  if (!usable || !password || !passwordOk) return fail(ctx.db, usable, email, 'password', at, passwordOk ? 'no password' : 'wrong password');
  const step = totpStep(password.totp_secret, input.code.trim(), at);
  if (step === null) return fail(ctx.db, usable, email, 'password', at, 'wrong code');
  // a code is good once (RFC 6238 §5.2)
  const fresh = await inTransaction(ctx.db, (tx) => accounts.useTotpStep(tx, usable.id, step));
  if (!fresh) return fail(ctx.db, usable, email, 'password', at, 'code used before');
  return signedIn(ctx, previous, usable, 'password');
}

// --- Passkeys: the WebAuthn ceremonies, shared with the vendor portal (src/portal/passkeys.ts)

export function relyingParty(baseUrl: string) {
  const u = new URL(baseUrl);
  return { rpID: u.hostname, origin: u.origin, rpName: 'certmark' };
}

/** A stored passkey, as both staff_passkeys and vendor_passkeys keep it. */
export interface StoredPasskey {
  id: string;
  public_key: Buffer | Uint8Array;
  counter: string | number;
  transports: unknown;
}

/** The options of a sign-in ceremony: any passkey of this site (discoverable credentials), user verification required. */
export function signInCeremonyOptions(baseUrl: string) {
  return generateAuthenticationOptions({ rpID: relyingParty(baseUrl).rpID, userVerification: 'required', allowCredentials: [] });
}

/**
 * Checks a sign-in ceremony's answer against the challenge and the stored passkey (user verification required):
 * the new signature counter, or null when it does not verify. The caller moves the counter on, forwards only.
 */
export async function verifiedSignIn(baseUrl: string, challenge: string, response: AuthenticationResponseJSON, stored: StoredPasskey): Promise<number | null> {
  const rp = relyingParty(baseUrl);
  try {
    const verified = await verifyAuthenticationResponse({
      response,
      expectedChallenge: challenge,
      expectedOrigin: rp.origin,
      expectedRPID: rp.rpID,
      requireUserVerification: true,
      credential: {
        id: stored.id,
        publicKey: new Uint8Array(stored.public_key),
        counter: Number(stored.counter),
        transports: parseTransports(stored.transports),
      },
    });
    return verified.verified ? verified.authenticationInfo.newCounter : null;
  } catch {
    return null;
  }
}

/** The options of a registration ceremony: a resident (discoverable) key with user verification, none of `existing` again. */
export function registrationCeremonyOptions(baseUrl: string, user: { id: string; name: string; displayName: string }, existing: readonly string[]) {
  const rp = relyingParty(baseUrl);
  return generateRegistrationOptions({
    rpName: rp.rpName,
    rpID: rp.rpID,
    userName: user.name,
    userDisplayName: user.displayName,
    userID: new TextEncoder().encode(user.id),
    attestationType: 'none',
    excludeCredentials: existing.map((id) => ({ id })),
    authenticatorSelection: { residentKey: 'required', userVerification: 'required' },
  });
}

/** Checks a registration ceremony's answer: the new credential, or an `invalid` error. */
export async function verifiedRegistration(baseUrl: string, challenge: string, response: RegistrationResponseJSON) {
  const rp = relyingParty(baseUrl);
  try {
    const r = await verifyRegistrationResponse({
      response,
      expectedChallenge: challenge,
      expectedOrigin: rp.origin,
      expectedRPID: rp.rpID,
      requireUserVerification: true,
    });
    if (!r.verified || !r.registrationInfo) throw new Error('not verified');
    const c = r.registrationInfo.credential;
    return { id: c.id, publicKey: c.publicKey, counter: c.counter, transports: (c.transports ?? []) as string[] };
  } catch {
    throw new AppError('invalid', 'the passkey could not be verified; try again', { field: 'passkey' });
  }
}

export async function passkeySignInOptions(ctx: ConsoleContext, session: Session) {
  const options = await signInCeremonyOptions(ctx.baseUrl);
  await accounts.setChallenge(ctx.db, session.id, options.challenge);
  return options;
}

export async function signInWithPasskey(ctx: ConsoleContext, session: Session, response: AuthenticationResponseJSON): Promise<Session> {
  const at = ctx.clock.now();
  const challenge = await inTransaction(ctx.db, (tx) => accounts.takeChallenge(tx, session.id));
  if (!challenge) throw new AppError('conflict', 'no passkey sign-in was started here, or it was used; try again');
  const credential = typeof response?.id === 'string' ? await accounts.findPasskey(ctx.db, response.id) : undefined;
  const row = credential ? await accounts.findAccount(ctx.db, credential.account_id) : undefined;
  const account = row?.enrolled_at && !row.disabled_at ? row : null;
  if (!credential || !account) return fail(ctx.db, null, '(passkey)', 'passkey', at, 'unknown passkey');
  await refuseIfLocked(ctx.db, account, 'passkey', at);
  const next = await verifiedSignIn(ctx.baseUrl, challenge, response, credential);
  if (next === null) return fail(ctx.db, account, account.email, 'passkey', at, 'passkey not verified');
  // the counter moves forwards only (a cloned authenticator shows an old one); authenticators that keep none stay at 0
  const moved = await inTransaction(ctx.db, (tx) => accounts.usePasskey(tx, credential.id, Number(credential.counter), next, at));
  if (!moved) return fail(ctx.db, account, account.email, 'passkey', at, 'counter');
  return signedIn(ctx, session.id, account, 'passkey');
}

const parseTransports = (v: unknown) => (typeof v === 'string' ? JSON.parse(v) : v) as AuthenticatorTransportFuture[];
type AuthenticatorTransportFuture = 'ble' | 'cable' | 'hybrid' | 'internal' | 'nfc' | 'smart-card' | 'usb';

/** Enrolment with a passkey: the registration options for the invited account (a resident key, user verification). */
export async function passkeyEnrolOptions(ctx: ConsoleContext, session: Session, token: string) {
  const open = await openInvite(ctx, token);
  if (!open) throw new AppError('not_found', 'this enrolment link is not valid: it was used, it expired (24 h), or it never existed');
  const existing = await accounts.passkeysOf(ctx.db, open.account.id);
  const options = await registrationCeremonyOptions(
    ctx.baseUrl,
    { id: open.account.id, name: open.account.email, displayName: open.account.name },
    existing.map((p) => p.id),
  );
  await accounts.setChallenge(ctx.db, session.id, options.challenge);
  return options;
}

export async function enrolPasskey(ctx: ConsoleContext, session: Session, token: string, response: RegistrationResponseJSON): Promise<void> {
  const challenge = await inTransaction(ctx.db, (tx) => accounts.takeChallenge(tx, session.id));
  const open = await openInvite(ctx, token);
  if (!open) throw new AppError('not_found', 'this enrolment link is not valid: it was used, it expired (24 h), or it never existed');
  if (!challenge) throw new AppError('conflict', 'no passkey enrolment was started here, or it was used; try again');
  const credential = await verifiedRegistration(ctx.baseUrl, challenge, response);
  const at = ctx.clock.now();
  await completeEnrolment(ctx, open, 'passkey', async (tx) => {
    if (await accounts.findPasskey(tx, credential.id)) throw new AppError('conflict', 'this passkey is registered already');
    await accounts.insertPasskey(tx, { ...credential, accountId: open.account.id, at });
  });
}

export async function signOut(ctx: ConsoleContext, session: Session): Promise<void> {
  await endSession(ctx.db, ctx.clock, session.id);
  if (session.staff) {
    const row = await accounts.findAccount(ctx.db, session.staff.id);
    await accounts.recordSignIn(ctx.db, { accountId: session.staff.id, email: row?.email ?? '', kind: 'signed_out', at: ctx.clock.now() });
  }
}
