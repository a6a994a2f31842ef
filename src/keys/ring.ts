/**
 * The Ed25519 keys that sign embed tokens. One key signs at a time (the newest that is not retired); rotation
 * retires it and makes a new one. Every key stays known for verification, and a retired key stays published in
 * the JWKS while tokens it signed are live (CONTRACT.md, /.well-known/jwks.json).
 */
import { recordOnChain } from '../repositories/records';
import { createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { calculateJwkThumbprint } from 'jose';
import type { Clock } from '../clock';
import { inTransaction, type Database, type Db } from '../db/database';
import { AppError } from '../errors';
import type { Logger } from '../logger';
import * as repo from '../repositories/signing-keys';
import { open, seal } from './seal';
import { KeySecretError, type KeySecret } from './secret';

export const SIGNING_ALG = 'EdDSA';

export interface PublicJwk {
  kty: 'OKP';
  crv: 'Ed25519';
  x: string;
  kid: string;
  alg: typeof SIGNING_ALG;
  use: 'sig';
}

export interface Signer {
  kid: string;
  privateKey: KeyObject;
}

export interface KeyInfo {
  kid: string;
  alg: string;
  createdAt: Date;
  retiredAt: Date | null;
  signing: boolean;
  published: boolean;
  liveTokens: number;
}

/** RFC 7638 thumbprint of an Ed25519 public JWK: the key id. */
export function jwkThumbprint(jwk: { crv: string; kty: string; x: string }): Promise<string> {
  return calculateJwkThumbprint({ crv: jwk.crv, kty: jwk.kty, x: jwk.x }, 'sha256');
}

async function newKeyPair(secret: string) {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  const pub = publicKey.export({ format: 'jwk' }) as { kty: string; crv: string; x: string };
  const kid = await jwkThumbprint(pub);
  const privateEnc = seal(secret, kid, JSON.stringify(privateKey.export({ format: 'jwk' })));
  return { kid, publicJwk: { kty: pub.kty, crv: pub.crv, x: pub.x }, privateEnc };
}

export class KeyRing {
  private publicKeys = new Map<string, KeyObject>();
  private signer: Signer | null = null;
  private signingKid: string | null = null;
  private published: PublicJwk[] = [];
  private jwksJson = '{"keys":[]}';
  private lastReload = 0;

  constructor(
    private readonly db: Db,
    private readonly secret: KeySecret,
    private readonly clock: Clock,
  ) {}

  /** Reads every key again; opens the private part of the signing key with this process's secret. */
  async reload(): Promise<void> {
    const rows = await repo.listSigningKeys(this.db);
    const live = await repo.kidsWithLiveTokens(this.db);
    const keys = new Map<string, KeyObject>();
    const published: PublicJwk[] = [];
    for (const row of rows) {
      const jwk = row.public_jwk as { kty: string; crv: string; x: string };
      if (row.alg !== SIGNING_ALG || jwk.kty !== 'OKP' || jwk.crv !== 'Ed25519' || typeof jwk.x !== 'string') continue;
      keys.set(row.kid, createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: jwk.x }, format: 'jwk' }));
      if (row.retired_at === null || live.has(row.kid)) published.push({ kty: 'OKP', crv: 'Ed25519', x: jwk.x, kid: row.kid, alg: SIGNING_ALG, use: 'sig' });
    }
    const current = rows.filter((r) => r.retired_at === null).at(-1) ?? null;
    let signer: Signer | null = null;
    if (current) {
      const plain = open(this.secret.secret, current.kid, current.private_enc);
      if (plain) {
        const privateKey = createPrivateKey({ key: JSON.parse(plain), format: 'jwk' });
        signer = { kid: current.kid, privateKey };
      }
    }
    this.publicKeys = keys;
    this.signer = signer;
    this.signingKid = current?.kid ?? null;
    this.published = published;
    this.jwksJson = JSON.stringify({ keys: published });
    this.lastReload = performance.now();
  }

  /** A reload at most once per `minMs` (a token with a kid this process has not seen yet). */
  async reloadIfOlderThan(minMs: number): Promise<boolean> {
    if (performance.now() - this.lastReload < minMs) return false;
    this.lastReload = performance.now();
    await this.reload();
    return true;
  }

  /** The public key of a kid from our own table, or undefined. */
  publicKey(kid: string): KeyObject | undefined {
    return this.publicKeys.get(kid);
  }

  /** The key that signs now. */
  currentSigner(): Signer {
    if (this.signer) return this.signer;
    if (this.signingKid) {
      throw new AppError(
        'unavailable',
        'the signing key cannot be opened with this server’s key secret (CERTMARK_KEY_SECRET must be the same on every server)',
      );
    }
    throw new AppError('unavailable', 'no signing key exists yet');
  }

  jwks(): { keys: PublicJwk[] } {
    return { keys: this.published };
  }

  /** The JWKS document, serialised once per reload. */
  jwksBody(): string {
    return this.jwksJson;
  }

  /** Makes the first key when none signs; serialised across processes. */
  async ensureSigningKey(): Promise<void> {
    await inTransaction(this.db, async (tx) => {
      await repo.lockSigningKeys(tx);
      const rows = await repo.listSigningKeys(tx);
      if (rows.some((r) => r.retired_at === null)) return;
      await this.insertNewKey(tx);
    });
    await this.reload();
  }

  /** Rotation: the signing key retires (still verifying its live tokens), a new key signs from now on. */
  async rotate(actor = 'staff'): Promise<{ kid: string; retired: string[] }> {
    const result = await inTransaction(this.db, async (tx) => {
      await repo.lockSigningKeys(tx);
      const retired = (await repo.listSigningKeys(tx)).filter((r) => r.retired_at === null).map((r) => r.kid);
      const at = this.clock.now();
      await repo.retireSigningKeys(tx, at);
      for (const kid of retired) await recordOnChain(tx, 'signing_key', 'signing_key.retired', kid, actor, at);
      const kid = await this.insertNewKey(tx, actor);
      return { kid, retired };
    });
    await this.reload();
    return result;
  }

  async describe(): Promise<KeyInfo[]> {
    const rows = await repo.listSigningKeys(this.db);
    const counts = await repo.liveTokenCounts(this.db);
    const current = rows.filter((r) => r.retired_at === null).at(-1)?.kid ?? null;
    return rows.map((r) => ({
      kid: r.kid,
      alg: r.alg,
      createdAt: new Date(r.created_at),
      retiredAt: r.retired_at === null ? null : new Date(r.retired_at),
      signing: r.kid === current,
      published: r.retired_at === null || (counts.get(r.kid) ?? 0) > 0,
      liveTokens: counts.get(r.kid) ?? 0,
    }));
  }

  private async insertNewKey(tx: Parameters<typeof repo.insertSigningKey>[0], actor = 'system'): Promise<string> {
    const k = await newKeyPair(this.secret.secret);
    const at = this.clock.now();
    await repo.insertSigningKey(tx, { kid: k.kid, alg: SIGNING_ALG, publicJwk: k.publicJwk, privateEnc: k.privateEnc, at });
    await recordOnChain(tx, 'signing_key', 'signing_key.added', k.kid, actor, at);
    await repo.notifyKeysChanged(tx, k.kid);
    return k.kid;
  }
}

/**
 * Loads the keys (making the first one on a new database) and subscribes to key changes from every process.
 * Refuses, with a message naming the setting, when this process's secret cannot open the signing key.
 */
export async function loadKeyRing(database: Database, secret: KeySecret, clock: Clock, logger: Logger): Promise<KeyRing> {
  const ring = new KeyRing(database.db, secret, clock);
  await ring.ensureSigningKey();
  try {
    ring.currentSigner();
  } catch {
    throw new KeySecretError(
      secret.source === 'config'
        ? 'CERTMARK_KEY_SECRET does not open the signing key in this database: set it to the secret the first server used'
        : `the key secret in ${secret.source} does not open the signing key in this database: set CERTMARK_KEY_SECRET to the secret the first server used`,
    );
  }
  const reload = () => ring.reload().catch((err) => logger.error({ err }, 'could not reload the signing keys'));
  // A rotation announced while the connection was down is caught up when it listens again.
  await database.listen(repo.KEYS_CHANNEL, () => void reload(), {
    down: () => logger.warn('lost the LISTEN connection; reconnecting'),
    up: () => void reload(),
  });
  return ring;
}
