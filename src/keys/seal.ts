/**
 * Private keys at rest: AES-256-GCM under a key derived (HKDF-SHA256) from the key secret, the key id bound as
 * additional data so a sealed key cannot be moved to another row.
 */
import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';

const VERSION = 'v1';

function derive(secret: string): Buffer {
  return Buffer.from(hkdfSync('sha256', secret, 'certmark/signing-keys', 'aes-256-gcm/v1', 32));
}

export function seal(secret: string, kid: string, plaintext: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', derive(secret), iv);
  cipher.setAAD(Buffer.from(kid));
  const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final(), cipher.getAuthTag()]);
  return `${VERSION}.${iv.toString('base64url')}.${body.toString('base64url')}`;
}

/** The plaintext, or null when the secret (or the kid) is not the one it was sealed under. */
export function open(secret: string, kid: string, sealed: string): string | null {
  const [version, ivText, bodyText] = sealed.split('.');
  if (version !== VERSION || !ivText || !bodyText) return null;
  const body = Buffer.from(bodyText, 'base64url');
  if (body.length < 17) return null;
  try {
    const decipher = createDecipheriv('aes-256-gcm', derive(secret), Buffer.from(ivText, 'base64url'));
    decipher.setAAD(Buffer.from(kid));
    decipher.setAuthTag(body.subarray(body.length - 16));
    return Buffer.concat([decipher.update(body.subarray(0, body.length - 16)), decipher.final()]).toString('utf8');
  } catch {
    return null;
  }
}
