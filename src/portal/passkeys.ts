/**
 * Passkeys of vendor users (issue 15): a signed-in vendor user registers passkeys, sees them and removes one; at
 * /vendor/login anyone signs in with a discoverable passkey, user verification required, the signature counter
 * checked and moved on. The ceremonies are the console's (src/console/sign-in.ts); the challenge is kept in the
 * portal session and good for one ceremony. Sign-ins, failures and passkeys added or removed go to the portal's
 * sign-in log; a disabled user cannot sign in; a sign-in rotates the session.
 */
import type { AuthenticationResponseJSON, RegistrationResponseJSON } from '@simplewebauthn/server';
import type { Clock } from '../clock';
import { inTransaction, type Db } from '../db/database';
import { AppError } from '../errors';
import { registrationCeremonyOptions, signInCeremonyOptions, verifiedRegistration, verifiedSignIn } from '../console/sign-in';
import * as users from '../repositories/vendor-users';
import { rotateIntoPortalSession, vendorUserOf, type PortalSession, type VendorUser } from './sessions';

export interface PasskeyContext {
  db: Db;
  clock: Clock;
  /** certmark's public origin: the relying party. */
  baseUrl: string;
}

export interface VendorPasskeyView {
  id: string;
  createdAt: Date;
  lastUsedAt: Date | null;
  transports: string[];
}

/** One message for every failed passkey sign-in: it does not tell whether the passkey is known. */
export const PASSKEY_SIGN_IN_FAILED = 'the passkey could not be used to sign in; try again, or ask for a sign-in link by e-mail';

const transportsOf = (v: unknown): string[] => {
  const parsed = typeof v === 'string' ? (JSON.parse(v) as unknown) : v;
  return Array.isArray(parsed) ? parsed.filter((x): x is string => typeof x === 'string') : [];
};

export async function passkeysOfUser(db: Db, user: VendorUser): Promise<VendorPasskeyView[]> {
  return (await users.vendorPasskeysOf(db, user.id)).map((p) => ({
    id: p.id,
    createdAt: new Date(p.created_at),
    lastUsedAt: p.last_used_at ? new Date(p.last_used_at) : null,
    transports: transportsOf(p.transports),
  }));
}

/** The options of a sign-in ceremony, its challenge kept in the (not yet signed-in) session. */
export async function vendorPasskeySignInOptions(ctx: PasskeyContext, session: PortalSession) {
  const options = await signInCeremonyOptions(ctx.baseUrl);
  await users.setVendorChallenge(ctx.db, session.id, options.challenge);
  return options;
}

async function refused(ctx: PasskeyContext, user: { id: string; email: string } | null, detail: string): Promise<never> {
  await users.recordVendorSignIn(ctx.db, {
    userId: user?.id ?? null,
    email: user?.email ?? '(passkey)',
    kind: 'failed',
    detail: `passkey: ${detail}`,
    at: ctx.clock.now(),
  });
  throw new AppError('unauthenticated', PASSKEY_SIGN_IN_FAILED);
}

/** Signs in with a passkey: a known passkey of a user not disabled, verified, its counter moved on; a new session. */
export async function signInWithVendorPasskey(ctx: PasskeyContext, session: PortalSession, response: AuthenticationResponseJSON): Promise<PortalSession> {
  const challenge = await inTransaction(ctx.db, (tx) => users.takeVendorChallenge(tx, session.id));
  if (!challenge) throw new AppError('conflict', 'no passkey sign-in was started here, or it was used; try again');
  const id = typeof response?.id === 'string' ? response.id.slice(0, 1024) : null;
  const credential = id ? await users.findVendorPasskey(ctx.db, id) : undefined;
  if (!credential) return refused(ctx, null, 'unknown passkey');
  const row = await users.findVendorUser(ctx.db, credential.user_id);
  const user = await vendorUserOf(ctx.db, credential.user_id);
  if (!row || !user) return refused(ctx, row ?? null, 'user disabled');
  const next = await verifiedSignIn(ctx.baseUrl, challenge, response, credential);
  if (next === null) return refused(ctx, user, 'not verified');
  // the counter moves forwards only (a cloned authenticator shows an old one); authenticators that keep none stay at 0
  const at = ctx.clock.now();
  const moved = await inTransaction(ctx.db, (tx) => users.useVendorPasskey(tx, credential.id, Number(credential.counter), next, at));
  if (!moved) return refused(ctx, user, 'counter');
  const s = await rotateIntoPortalSession(ctx.db, ctx.clock, session.id, user);
  await users.recordVendorSignIn(ctx.db, { userId: user.id, email: user.email, kind: 'signed_in', detail: 'passkey', at });
  return s;
}

/** The options of a registration ceremony for the signed-in user, none of their passkeys again. */
export async function vendorPasskeyRegistrationOptions(ctx: PasskeyContext, session: PortalSession) {
  const user = signedIn(session);
  const existing = await users.vendorPasskeysOf(ctx.db, user.id);
  const options = await registrationCeremonyOptions(
    ctx.baseUrl,
    { id: user.id, name: user.email, displayName: user.name },
    existing.map((p) => p.id),
  );
  await users.setVendorChallenge(ctx.db, session.id, options.challenge);
  return options;
}

/** Registers the passkey of a registration ceremony to the signed-in user. */
export async function registerVendorPasskey(ctx: PasskeyContext, session: PortalSession, response: RegistrationResponseJSON): Promise<VendorPasskeyView> {
  const user = signedIn(session);
  const challenge = await inTransaction(ctx.db, (tx) => users.takeVendorChallenge(tx, session.id));
  if (!challenge) throw new AppError('conflict', 'no passkey registration was started here, or it was used; try again');
  const credential = await verifiedRegistration(ctx.baseUrl, challenge, response);
  const at = ctx.clock.now();
  await inTransaction(ctx.db, async (tx) => {
    if (await users.findVendorPasskey(tx, credential.id)) throw new AppError('conflict', 'this passkey is registered already');
    await users.insertVendorPasskey(tx, { ...credential, userId: user.id, at });
    await users.recordVendorSignIn(tx, { userId: user.id, email: user.email, kind: 'passkey_added', detail: credential.id, at });
  });
  return { id: credential.id, createdAt: at, lastUsedAt: null, transports: credential.transports };
}

/** Removes one of the signed-in user's passkeys; another user's answers as unknown. */
export async function removeVendorPasskey(ctx: Pick<PasskeyContext, 'db' | 'clock'>, user: VendorUser, id: string): Promise<void> {
  const at = ctx.clock.now();
  await inTransaction(ctx.db, async (tx) => {
    if (!(await users.deleteVendorPasskey(tx, user.id, id.slice(0, 1024)))) throw new AppError('not_found', 'no such passkey');
    await users.recordVendorSignIn(tx, { userId: user.id, email: user.email, kind: 'passkey_removed', detail: id.slice(0, 1024), at });
  });
}

function signedIn(session: PortalSession): VendorUser {
  if (!session.user) throw new AppError('unauthenticated', 'please sign in');
  return session.user;
}
