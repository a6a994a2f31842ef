/**
 * The secret that encrypts the private signing keys at rest. Configured (CERTMARK_KEY_SECRET), or generated once
 * and kept in {DATA_DIR}/key-secret (mode 0600) beside the embedded database.
 *
 * PostgreSQL without a configured secret: the DATA_DIR file is used too (one host, several processes sharing
 * DATA_DIR work), with a warning; a process whose secret does not open the current signing key refuses to start
 * (see loadKeyRing), so servers on several hosts must share CERTMARK_KEY_SECRET.
 */
import { randomBytes } from 'node:crypto';
import { link, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

export const KEY_SECRET_FILE = 'key-secret';

export interface KeySecret {
  secret: string;
  /** Where it came from, for log lines and error messages. */
  source: 'config' | string;
}

/** Thrown when signing keys cannot be opened or made; the shells print it and exit. */
export class KeySecretError extends Error {}

export async function resolveKeySecret(config: { keySecret: string | null; dataDir: string }): Promise<KeySecret> {
  if (config.keySecret) return { secret: config.keySecret, source: 'config' };
  const file = join(config.dataDir, KEY_SECRET_FILE);
  const existing = await readSecretFile(file);
  if (existing) return { secret: existing, source: file };
  await mkdir(config.dataDir, { recursive: true });
  // Write beside, then link: two processes starting together agree on the one that linked first.
  const candidate = randomBytes(32).toString('base64url');
  const temp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}`;
  await writeFile(temp, `${candidate}\n`, { mode: 0o600 });
  try {
    await link(temp, file);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
  } finally {
    await rm(temp, { force: true });
  }
  const secret = await readSecretFile(file);
  if (!secret) throw new KeySecretError(`could not read the key secret in ${file}`);
  return { secret, source: file };
}

async function readSecretFile(file: string): Promise<string | null> {
  try {
    const text = (await readFile(file, 'utf8')).trim();
    if (text.length < 32) throw new KeySecretError(`${file} holds no usable key secret (at least 32 characters): delete it or set CERTMARK_KEY_SECRET`);
    return text;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw e;
  }
}
