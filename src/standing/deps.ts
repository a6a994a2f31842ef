/**
 * The read model of what is valid now, loaded once by prepareDeps (the shells' I/O): the signing keys, the
 * caches of verified tokens and of service facts, and the LISTEN subscription that drops them on every change.
 */
import type { Clock } from '../clock';
import type { Config } from '../config';
import { CHANGES_CHANNEL, onLocalCommit, type Database } from '../db/database';
import { loadKeyRing, type KeyRing } from '../keys/ring';
import { resolveKeySecret } from '../keys/secret';
import type { Logger } from '../logger';
import { StatusCache } from './status-cache';
import { TokenCache } from './token-cache';

export interface StandingDeps {
  /** Ed25519 keys that sign embed tokens. */
  keys: KeyRing;
  /** Verified embed tokens, kept in memory (verified once, not per request). */
  tokens: TokenCache;
  /** Each service's facts, kept in memory and dropped on every lifecycle event. */
  statuses: StatusCache;
}

export async function prepareStanding(config: Config, database: Database, clock: Clock, logger: Logger): Promise<StandingDeps> {
  const secret = await resolveKeySecret(config);
  if (secret.source !== 'config' && database.kind === 'postgres') {
    logger.warn(
      { keySecretFile: secret.source },
      'CERTMARK_KEY_SECRET is not set: the signing keys are sealed with the secret in this file; every server on this database must share it',
    );
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
  // One subscription: a lifecycle event (or a token retired) drops the service's facts and its verified tokens.
  await statuses.listen(database, {
    drop: (serviceId) => tokens.dropService(serviceId),
    gap: { down: () => tokens.keep(false), up: () => tokens.keep(true) },
  });
  return { keys, tokens, statuses };
}
