/**
 * The embed token as a compact JWS (RFC 7515) signed with Ed25519. jose signs and verifies; before it, a strict
 * pre-check: exactly three base64url segments, a header of exactly {alg, typ, kid} with alg pinned to EdDSA and
 * our typ, the claims of CONTRACT.md and nothing else. Anything else is refused before any key is looked at.
 */
import type { KeyObject } from 'node:crypto';
import { CompactSign, compactVerify } from 'jose';
import { SIGNING_ALG, type Signer } from '../keys/ring';

export const TOKEN_TYP = 'certmark-embed+jwt';
/** Refused before parsing: a real token is a few hundred bytes. */
export const MAX_TOKEN_LENGTH = 2048;

const SEGMENT = /^[A-Za-z0-9_-]+$/;
export const KID_PATTERN = /^[A-Za-z0-9_-]{16,64}$/;
export const JTI_PATTERN = /^[A-Za-z0-9_-]{16,64}$/;
const NUMBER = /^[A-Z]{2}-\d{4}-\d{4}$/;

export interface EmbedClaims {
  iss: string;
  /** The certification number. */
  sub: string;
  origins: string[];
  iat: number;
  jti: string;
}

export interface ParsedToken {
  /** The token as received, for jose to verify. */
  compact: string;
  kid: string;
  claims: EmbedClaims;
}

/** Why a token was refused; never shown to the public beyond "not a valid token". */
export type Refusal =
  | 'too_long'
  | 'malformed'
  | 'header'
  | 'alg'
  | 'typ'
  | 'kid'
  | 'claims'
  | 'issuer'
  | 'unknown_kid'
  | 'signature'
  | 'unknown_token'
  | 'retired'
  | 'unknown_service';

export class TokenRefused extends Error {
  constructor(readonly refusal: Refusal) {
    super(`embed token refused: ${refusal}`);
  }
}

export async function signToken(signer: Signer, claims: EmbedClaims): Promise<string> {
  // the claims in this order, nothing else: parseToken accepts exactly these
  const payload = new TextEncoder().encode(JSON.stringify({ iss: claims.iss, sub: claims.sub, origins: claims.origins, iat: claims.iat, jti: claims.jti }));
  return new CompactSign(payload).setProtectedHeader({ alg: SIGNING_ALG, typ: TOKEN_TYP, kid: signer.kid }).sign(signer.privateKey);
}

function decodeSegment(segment: string): Buffer {
  const bytes = Buffer.from(segment, 'base64url');
  // Canonical encoding only: one token, one spelling.
  if (bytes.toString('base64url') !== segment) throw new TokenRefused('malformed');
  return bytes;
}

function decodeJson(segment: string, refusal: Refusal): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(decodeSegment(segment).toString('utf8'));
  } catch (e) {
    if (e instanceof TokenRefused) throw e;
    throw new TokenRefused(refusal);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new TokenRefused(refusal);
  return value as Record<string, unknown>;
}

const sameKeys = (o: Record<string, unknown>, keys: readonly string[]) => {
  const own = Object.keys(o);
  return own.length === keys.length && keys.every((k) => Object.hasOwn(o, k));
};

/** Structure, header and claims; no signature yet. `issuer` is our {base}. */
export function parseToken(token: string, issuer: string): ParsedToken {
  if (token.length > MAX_TOKEN_LENGTH) throw new TokenRefused('too_long');
  const parts = token.split('.');
  // JSON serialisation, detached payloads, extra segments (JWE has five): all malformed here.
  if (parts.length !== 3 || !parts.every((p) => SEGMENT.test(p))) throw new TokenRefused('malformed');
  const [h, p, s] = parts as [string, string, string];
  const header = decodeJson(h, 'header');
  // Exactly {alg, typ, kid}: jku, x5u, x5c, jwk, crit, b64, zip and the rest are refused outright.
  if (!sameKeys(header, ['alg', 'typ', 'kid'])) throw new TokenRefused('header');
  if (header.alg !== SIGNING_ALG) throw new TokenRefused('alg');
  if (header.typ !== TOKEN_TYP) throw new TokenRefused('typ');
  if (typeof header.kid !== 'string' || !KID_PATTERN.test(header.kid)) throw new TokenRefused('kid');
  const c = decodeJson(p, 'claims');
  if (!sameKeys(c, ['iss', 'sub', 'origins', 'iat', 'jti'])) throw new TokenRefused('claims');
  if (typeof c.sub !== 'string' || !NUMBER.test(c.sub)) throw new TokenRefused('claims');
  if (typeof c.jti !== 'string' || !JTI_PATTERN.test(c.jti)) throw new TokenRefused('claims');
  if (typeof c.iat !== 'number' || !Number.isSafeInteger(c.iat) || c.iat < 0) throw new TokenRefused('claims');
  if (!Array.isArray(c.origins) || c.origins.length === 0 || c.origins.length > 32 || !c.origins.every((o) => typeof o === 'string' && o.length <= 255)) {
    throw new TokenRefused('claims');
  }
  if (c.iss !== issuer) throw new TokenRefused('issuer');
  const signature = decodeSegment(s);
  if (signature.length !== 64) throw new TokenRefused('signature');
  return {
    compact: token,
    kid: header.kid,
    claims: { iss: c.iss, sub: c.sub, origins: c.origins as string[], iat: c.iat, jti: c.jti },
  };
}

/** The signature, by jose, with EdDSA the only algorithm it may accept. */
export async function checkSignature(parsed: ParsedToken, key: KeyObject): Promise<void> {
  if (key.asymmetricKeyType !== 'ed25519') throw new TokenRefused('signature');
  try {
    await compactVerify(parsed.compact, key, { algorithms: [SIGNING_ALG] });
  } catch {
    throw new TokenRefused('signature');
  }
}
