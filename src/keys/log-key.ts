/**
 * The transparency log's Ed25519 key, kept as the embed-token signing keys are: made on first start, its private
 * part sealed with the key secret (src/keys/seal.ts; CERTMARK_KEY_SECRET or {DATA_DIR}/key-secret, so the
 * embedded default needs no setting). The same sealed blob holds the salt key of the entries' commitments.
 * The key name is the log's origin when the key was made; one key signs the log for life.
 */
import { generateKeyPairSync, randomBytes, type KeyObject } from 'node:crypto';
import type { Clock } from '../clock';
import { inTransaction, type Db } from '../db/database';
import * as repo from '../repositories/log';
import { formatVkey, keyId, privateKeyFromJwk, rawPublicKey } from '../transparency/note';
import { open, seal } from './seal';
import { KeySecretError, type KeySecret } from './secret';

export interface LogKey {
  name: string;
  privateKey: KeyObject;
  /** The 32 raw bytes. */
  publicKey: Buffer;
  vkey: string;
  /** Derives each entry's commitment salt (src/transparency/entry.ts); never published. */
  saltKey: Buffer;
}

const sealId = (name: string) => `log:${name}`;

/** Opens the log key, making it on a new database. Refuses when this process's secret cannot open it. */
export async function loadLogKey(db: Db, secret: KeySecret, origin: string, clock: Clock): Promise<LogKey> {
  let row = await repo.findLogKey(db);
  if (!row) {
    await inTransaction(db, async (tx) => {
      await repo.lockLogKeys(tx);
      if (await repo.findLogKey(tx)) return;
      const { privateKey, publicKey } = generateKeyPairSync('ed25519');
      const raw = rawPublicKey(publicKey);
      const sealed = seal(
        secret.secret,
        sealId(origin),
        JSON.stringify({ jwk: privateKey.export({ format: 'jwk' }), saltKey: randomBytes(32).toString('base64') }),
      );
      await repo.insertLogKey(tx, { name: origin, keyId: keyId(origin, 1, raw).toString('hex'), publicKey: raw, privateEnc: sealed, at: clock.now() });
    });
    row = await repo.findLogKey(db);
  }
  if (!row) throw new KeySecretError('could not make the transparency log key');
  const plain = open(secret.secret, sealId(row.name), row.private_enc);
  if (!plain) throw new KeySecretError('the key secret does not open the transparency log key: set CERTMARK_KEY_SECRET to the secret the first server used');
  const { jwk, saltKey } = JSON.parse(plain) as { jwk: Record<string, unknown>; saltKey: string };
  const publicKey = Buffer.from(row.public_key);
  return { name: row.name, privateKey: privateKeyFromJwk(jwk), publicKey, vkey: formatVkey(row.name, publicKey), saltKey: Buffer.from(saltKey, 'base64') };
}
