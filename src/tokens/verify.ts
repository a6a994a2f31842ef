/**
 * Verifying an embed token: structure and header (jws.ts), a key from our own table, the signature, then the
 * token's row (issued here, not retired, naming the service whose number it carries). The embed token does not
 * make the mark valid; the service's status, checked at each request, does (CONTRACT.md, "The embed token").
 */
import type { Db } from '../db/database';
import type { KeyRing } from '../keys/ring';
import { findEmbedTokenWithService } from '../repositories/embed-tokens';
import { checkSignature, parseToken, TokenRefused, type Refusal } from './jws';
import { normalizeOrigin } from './origins';

export interface VerifiedToken {
  token: string;
  jti: string;
  kid: string;
  serviceId: string;
  number: string;
  /** Normalised origins where the badge may appear (Art. 10.2). */
  origins: ReadonlySet<string>;
  iat: number;
}

export type Verification = { ok: true; token: VerifiedToken } | { ok: false; refusal: Refusal };

export interface VerifyDeps {
  db: Db;
  keys: KeyRing;
  /** {base}: the only issuer accepted. */
  issuer: string;
}

/** One verification, without caching (the sightings check uses it for tokens found on pages). */
export async function verifyEmbedToken(token: string, deps: VerifyDeps): Promise<Verification> {
  try {
    const parsed = parseToken(token, deps.issuer);
    let key = deps.keys.publicKey(parsed.kid);
    // A kid this process has not seen may come from a rotation in another process: reload, at most once a second.
    if (!key && (await deps.keys.reloadIfOlderThan(1000))) key = deps.keys.publicKey(parsed.kid);
    if (!key) throw new TokenRefused('unknown_kid');
    await checkSignature(parsed, key);
    const row = await findEmbedTokenWithService(deps.db, parsed.claims.jti);
    if (!row || row.token !== token || row.kid !== parsed.kid) throw new TokenRefused('unknown_token');
    if (row.retired_at !== null) throw new TokenRefused('retired');
    if (row.number !== parsed.claims.sub) throw new TokenRefused('unknown_service');
    const origins = new Set<string>();
    for (const o of parsed.claims.origins) {
      const n = normalizeOrigin(o);
      if (n) origins.add(n);
    }
    return {
      ok: true,
      token: { token, jti: parsed.claims.jti, kid: parsed.kid, serviceId: row.service_id, number: row.number, origins, iat: parsed.claims.iat },
    };
  } catch (e) {
    if (e instanceof TokenRefused) return { ok: false, refusal: e.refusal };
    throw e;
  }
}
