/** The staff console's security settings in one place (issue 14; OWASP Session Management Cheat Sheet). */

const MINUTE = 60_000;

/** A session ends after 30 minutes without a request, and 12 hours after sign-in whatever happens. */
export const SESSION_IDLE_MS = 30 * MINUTE;
export const SESSION_ABSOLUTE_MS = 12 * 60 * MINUTE;
/** An enrolment invitation is good once, for 24 hours. */
export const INVITE_VALID_MS = 24 * 60 * MINUTE;
/** Five failed sign-ins of one account within 15 minutes lock it for 15 minutes from the fifth. */
export const LOCKOUT_FAILURES = 5;
export const LOCKOUT_WINDOW_MS = 15 * MINUTE;
export const LOCKOUT_MS = 15 * MINUTE;
/**
 * Sign-in attempts from one client address (every attempt, passkey or password, right or wrong), whatever account
 * they name: 60 in 15 minutes, against password spraying across accounts. Kept per process, by the socket's
 * address (no proxy header is trusted: behind a proxy all clients share it, so the figure is generous).
 */
export const SIGN_IN_RATE = { max: 60, windowMs: 15 * MINUTE };
/** Passwords: at least 12 characters (NIST SP 800-63B asks for 8 with a second factor; the desk asks more). */
export const PASSWORD_MIN = 12;
export const PASSWORD_MAX = 256;

export const COOKIE_SECURE = '__Host-certmark-staff';
/** On http://localhost a browser refuses __Host- cookies (they must be Secure): the plain name is used there. */
export const COOKIE_PLAIN = 'certmark-staff';

/** Whether the console runs over plain HTTP on the local machine (a demo): the only case its cookie is not Secure. */
export function isLocalHttp(baseUrl: string): boolean {
  const u = new URL(baseUrl);
  return u.protocol === 'http:' && ['localhost', '127.0.0.1', '[::1]'].includes(u.hostname);
}

export function cookieName(baseUrl: string): string {
  return isLocalHttp(baseUrl) ? COOKIE_PLAIN : COOKIE_SECURE;
}
