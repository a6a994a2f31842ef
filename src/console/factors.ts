/**
 * The fallback sign-in factors: a password hashed with argon2id (@node-rs/argon2's default algorithm and its
 * OWASP-recommended costs) and a TOTP code (RFC 6238, 6 digits, 30 s, SHA-1: what every authenticator app reads).
 */
import { hash, verify } from '@node-rs/argon2';
import { Secret, TOTP } from 'otpauth';

const TOTP_PERIOD = 30;

export async function hashPassword(password: string): Promise<string> {
  return hash(password);
}

/** A hash of nothing anyone knows, verified against when the account is unknown, so timing does not tell. */
let decoy: Promise<string> | null = null;

export async function checkPassword(stored: string | null, password: string): Promise<boolean> {
  if (stored === null) {
    decoy ??= hash('certmark-decoy-password');
    await verify(await decoy, password).catch(() => false);
    return false;
  }
  return verify(stored, password).catch(() => false);
}

export function newTotpSecret(): string {
  return new Secret({ size: 20 }).base32;
}

export const isTotpSecret = (s: string) => /^[A-Z2-7]{32}$/.test(s);

/** The otpauth:// URI an authenticator app reads (shown as text and as a QR code at enrolment). */
export function totpUri(secret: string, issuer: string, label: string): string {
  return new TOTP({ issuer, label, secret: Secret.fromBase32(secret), period: TOTP_PERIOD }).toString();
}

/** The code for an instant (tests and the demo compute it with the injected clock). */
export function totpCode(secret: string, at: Date): string {
  return TOTP.generate({ secret: Secret.fromBase32(secret), period: TOTP_PERIOD, timestamp: at.getTime() });
}

/** The time step the code belongs to (one step either side accepted for clock drift), or null when it is wrong. */
export function totpStep(secret: string, code: string, at: Date): number | null {
  if (!/^\d{6}$/.test(code)) return null;
  const delta = TOTP.validate({ token: code, secret: Secret.fromBase32(secret), period: TOTP_PERIOD, timestamp: at.getTime(), window: 1 });
  return delta === null ? null : TOTP.counter({ period: TOTP_PERIOD, timestamp: at.getTime() }) + delta;
}
