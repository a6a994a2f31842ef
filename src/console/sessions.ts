/**
 * Console sessions, kept in the database (OWASP Session Management Cheat Sheet): a random 256-bit id, stored
 * hashed; 30 minutes idle, 12 hours absolute; a new id at sign-in (the id a visitor had before is ended, so a
 * planted id gains nothing). A session before sign-in carries the sign-in form's CSRF token and the passkey
 * challenge. Each session has its own CSRF token (the synchronizer token of every form).
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { Clock } from '../clock';
import type { Db } from '../db/database';
import { findDelegate } from '../repositories/delegates';
import * as accounts from '../repositories/staff-accounts';
import type { Staff } from '../http/env';
import { isScoped } from '../access/scope';
import { SESSION_ABSOLUTE_MS, SESSION_IDLE_MS } from './policy';

export interface Session {
  /** The raw id, as the cookie holds it (never stored). */
  id: string;
  csrf: string;
  /** Null before sign-in. */
  staff: Staff | null;
  createdAt: Date;
}

const newToken = () => randomBytes(32).toString('base64url');

/** A session before sign-in (the sign-in and enrolment pages make one); old unusable sessions are dropped on the way. */
export async function startSession(db: Db, clock: Clock): Promise<Session> {
  const at = clock.now();
  await accounts.pruneSessions(db, new Date(at.getTime() - SESSION_IDLE_MS), at);
  const s = { id: newToken(), csrf: newToken() };
  await accounts.insertSession(db, { id: s.id, accountId: null, csrf: s.csrf, at, expiresAt: new Date(at.getTime() + SESSION_ABSOLUTE_MS) });
  return { ...s, staff: null, createdAt: at };
}

/** The live session of a cookie, its last use moved to now; null when unknown, ended, idle too long or too old. */
export async function resumeSession(db: Db, clock: Clock, id: string | undefined): Promise<Session | null> {
  if (!id || !/^[\w-]{43}$/.test(id)) return null;
  const row = await accounts.findSession(db, id);
  if (!row) return null;
  const now = clock.now();
  if (now >= new Date(row.expires_at) || now.getTime() - new Date(row.last_seen_at).getTime() >= SESSION_IDLE_MS) {
    await accounts.endSession(db, id, now);
    return null;
  }
  let staff: Staff | null = null;
  if (row.account_id !== null) {
    staff = await staffOfAccount(db, row.account_id);
    if (!staff) {
      await accounts.endSession(db, id, now); // disabled since, or the delegation ended
      return null;
    }
  }
  await accounts.touchSession(db, id, now);
  return { id, csrf: row.csrf_token, staff, createdAt: new Date(row.created_at) };
}

/**
 * The same `Staff` the bearer-token API puts on the context: id, name, role and, for a delegate or committee
 * member, the services assigned to the account. Null for a disabled account, or a delegate whose delegation ended.
 */
export async function staffOfAccount(db: Db, accountId: string): Promise<Staff | null> {
  const a = await accounts.findAccount(db, accountId);
  if (!a || a.disabled_at || !a.enrolled_at) return null;
  if (a.delegate_id !== null) {
    const body = await findDelegate(db, a.delegate_id);
    if (!body || body.ended_on !== null) return null;
  }
  const scope = isScoped(a.role) ? new Set(await accounts.assignedServiceIdsOfAccount(db, a.id)) : null;
  return { id: a.id, name: a.name, role: a.role, scope };
}

/** Signs in: a new session with a new id and CSRF token; the session the visitor came with ends. */
export async function rotateIntoSession(db: Db, clock: Clock, previous: string | null, accountId: string): Promise<Session> {
  const at = clock.now();
  if (previous) await accounts.endSession(db, previous, at);
  const s = { id: newToken(), csrf: newToken() };
  await accounts.insertSession(db, { id: s.id, accountId, csrf: s.csrf, at, expiresAt: new Date(at.getTime() + SESSION_ABSOLUTE_MS) });
  return { ...s, staff: await staffOfAccount(db, accountId), createdAt: at };
}

export async function endSession(db: Db, clock: Clock, id: string): Promise<void> {
  await accounts.endSession(db, id, clock.now());
}

/** The CSRF token a form sent against the session's, in constant time. */
export function csrfMatches(session: Pick<Session, 'csrf'>, sent: unknown): boolean {
  if (typeof sent !== 'string' || sent.length !== session.csrf.length) return false;
  return timingSafeEqual(Buffer.from(sent), Buffer.from(session.csrf));
}

/** A write must come from the console's own origin: the browser's Origin header names it (Fetch standard). */
export function sameOrigin(baseUrl: string, origin: string | undefined): boolean {
  return origin !== undefined && origin === new URL(baseUrl).origin;
}
