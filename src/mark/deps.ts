/**
 * What the mark, badge, token and key endpoints need, loaded once by prepareDeps (the shells' I/O): the signing
 * keys, the caches of verified tokens and of service state (with their LISTEN subscription), the renderer.
 */
import type { Clock } from '../clock';
import type { Config } from '../config';
import { CHANGES_CHANNEL, onLocalCommit, type Database } from '../db/database';
import { loadKeyRing, type KeyRing } from '../keys/ring';
import { resolveKeySecret } from '../keys/secret';
import type { Logger } from '../logger';
import { TokenCache } from '../tokens/verify';
import { DEFAULT_MARK_DIR, loadMarkMasters } from './masters';
import { createMarkRenderer, type MarkRenderer } from './render';
import { StatusCache } from './status-cache';

export interface MarkDeps {
  /** Ed25519 keys that sign embed tokens. */
  keys: KeyRing;
  /** Verified embed tokens, kept in memory (verified once, not per request). */
  tokens: TokenCache;
  /** Each service's folded state, kept in memory and dropped on every lifecycle event. */
  statuses: StatusCache;
  /** The official mark's masters and their PNG renderings. */
  mark: MarkRenderer;
}

export async function prepareMarkDeps(config: Config, database: Database, clock: Clock, logger: Logger): Promise<MarkDeps> {
  const secret = await resolveKeySecret(config);
  if (secret.source !== 'config' && database.kind === 'postgres') {
    logger.warn({ keySecretFile: secret.source }, 'CERTMARK_KEY_SECRET is not set: the signing keys are sealed with the secret in this file; every server on this database must share it');
  }
  const keys = await loadKeyRing(database, secret, clock, logger);
  const statuses = new StatusCache(database.db);
  const tokens = new TokenCache({ db: database.db, keys, issuer: config.publicBaseUrl });
  // This process's own commits drop the caches before the request that made them answers; the NOTIFY, heard by
  // every process, arrives a moment later (Art. 10.8).
  onLocalCommit(database.db, (channel, serviceId) => {
    if (channel !== CHANGES_CHANNEL) return;
    statuses.drop(serviceId);
    tokens.dropService(serviceId);
  });
  // One subscription: a lifecycle event (or a token retired) drops the service's state and its verified tokens.
  await statuses.listen(database, {
    drop: (serviceId) => tokens.dropService(serviceId),
    gap: { down: () => tokens.keep(false), up: () => tokens.keep(true) },
  });
  const mark = createMarkRenderer(await loadMarkMasters(config.markDir ?? DEFAULT_MARK_DIR));
  return { keys, tokens, statuses, mark };
}
