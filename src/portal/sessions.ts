/**
 * Portal sessions, kept in the database as the console's are (OWASP Session Management Cheat Sheet): a random
 * 256-bit id stored hashed; 30 minutes idle, 12 hours absolute; a new id at sign-in. Each session has its own
 * CSRF token. A session's user is looked up on every request: a disabled user is out at once.
 */
import { randomBytes } from 'node:crypto';
import type { Clock } from '../clock';
import type { Db } from '../db/database';
import * as users from '../repositories/vendor-users';
import { SESSION_ABSOLUTE_MS, SESSION_IDLE_MS } from './policy';

/** Who is signed in to the portal: a person of one vendor, who sees and acts on that vendor's services only. */
export interface VendorUser {
  id: string;
  vendorId: string;
  email: string;
  name: string;
  role: 'admin' | 'member';
}

export interface PortalSession {
  /** The raw id, as the cookie holds it (never stored). */
  id: string;
  csrf: string;
  /** Null before sign-in. */
  user: VendorUser | null;
}

const newToken = () => randomBytes(32).toString('base64url');

export async function vendorUserOf(db: Db, id: string): Promise<VendorUser | null> {
  const u = await users.findVendorUser(db, id);
  if (!u || u.disabled_at) return null;
  return { id: u.id, vendorId: u.vendor_id, email: u.email, name: u.name, role: u.role };
}

/** A session before sign-in (the sign-in page makes one for its form's CSRF token). */
export async function startPortalSession(db: Db, clock: Clock): Promise<PortalSession> {
  const at = clock.now();
  await users.pruneVendorSessions(db, new Date(at.getTime() - SESSION_IDLE_MS), at);
  const s = { id: newToken(), csrf: newToken() };
  await users.insertVendorSession(db, { id: s.id, userId: null, csrf: s.csrf, at, expiresAt: new Date(at.getTime() + SESSION_ABSOLUTE_MS) });
  return { ...s, user: null };
}

/** The live session of a cookie, its last use moved to now; null when unknown, ended, idle too long or too old. */
export async function resumePortalSession(db: Db, clock: Clock, id: string | undefined): Promise<PortalSession | null> {
  if (!id || !/^[\w-]{43}$/.test(id)) return null;
  const row = await users.findVendorSession(db, id);
  if (!row) return null;
  const now = clock.now();
  if (now >= new Date(row.expires_at) || now.getTime() - new Date(row.last_seen_at).getTime() >= SESSION_IDLE_MS) {
    await users.endVendorSession(db, id, now);
    return null;
  }
  let user: VendorUser | null = null;
  if (row.user_id !== null) {
    user = await vendorUserOf(db, row.user_id);
    if (!user) {
      await users.endVendorSession(db, id, now); // disabled since
      return null;
    }
  }
  await users.touchVendorSession(db, id, now);
  return { id, csrf: row.csrf_token, user };
}

/** Signs in: a new session with a new id and CSRF token; the session the visitor came with ends. */
export async function rotateIntoPortalSession(db: Db, clock: Clock, previous: string | null, user: VendorUser): Promise<PortalSession> {
  const at = clock.now();
  if (previous) await users.endVendorSession(db, previous, at);
  const s = { id: newToken(), csrf: newToken() };
  await users.insertVendorSession(db, { id: s.id, userId: user.id, csrf: s.csrf, at, expiresAt: new Date(at.getTime() + SESSION_ABSOLUTE_MS) });
  return { ...s, user };
}

export async function endPortalSession(db: Db, clock: Clock, s: PortalSession): Promise<void> {
  const at = clock.now();
  await users.endVendorSession(db, s.id, at);
  if (s.user) await users.recordVendorSignIn(db, { userId: s.user.id, email: s.user.email, kind: 'signed_out', at });
}
