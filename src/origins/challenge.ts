import { createHash, randomBytes } from 'node:crypto';
import { resolveTxt } from 'node:dns/promises';
import { safeFetch, type SafeFetchOptions } from '../net/safe-fetch';

/**
 * Proving a registered site (Art. 10.2, made two-sided; issue 15), after RFC 8555's http-01 and dns-01: certmark
 * gives a token, and the vendor shows it can put the token's key authorization where only the site's owner can:
 * at `https://{host}/.well-known/certmark-challenge/{token}`, or as the TXT record `_certmark-challenge.{host}`
 * holding its SHA-256 digest (base64url). The key authorization binds the token to the service and the origin,
 * so a proof made for one service or site proves nothing for another.
 */
export type ChallengeMethod = 'http-01' | 'dns-01';

export interface Challenge {
  serviceId: string;
  origin: string;
  method: ChallengeMethod;
  token: string;
}

export type ChallengeOutcome = { valid: true } | { valid: false; problem: string };

const b64url = (b: Buffer) => b.toString('base64url');

/** A new random token: 32 bytes, base64url (43 characters). */
export function newChallengeToken(): string {
  return b64url(randomBytes(32));
}

/** `{token}.{digest of service and origin}`: what the http-01 file holds. */
export function keyAuthorization(c: Pick<Challenge, 'serviceId' | 'origin' | 'token'>): string {
  return `${c.token}.${b64url(createHash('sha256').update(`certmark-site\n${c.serviceId}\n${c.origin}`).digest())}`;
}

/** The dns-01 TXT value: the key authorization's SHA-256 digest, base64url. */
export function dnsTxtValue(c: Pick<Challenge, 'serviceId' | 'origin' | 'token'>): string {
  return b64url(createHash('sha256').update(keyAuthorization(c)).digest());
}

export function httpChallengeUrl(c: Pick<Challenge, 'origin' | 'token'>): string {
  return `${c.origin}/.well-known/certmark-challenge/${c.token}`;
}

export function dnsChallengeName(origin: string): string {
  return `_certmark-challenge.${new URL(origin).hostname}`;
}

/** What the vendor must publish, in words a form or an e-mail can show. */
export function challengeInstructions(c: Challenge): { url: string; content: string } | { name: string; type: 'TXT'; value: string } {
  return c.method === 'http-01'
    ? { url: httpChallengeUrl(c), content: keyAuthorization(c) }
    : { name: dnsChallengeName(c.origin), type: 'TXT', value: dnsTxtValue(c) };
}

export interface ChallengeCheckDeps {
  fetch?: SafeFetchOptions;
  /** TXT records of a name (default: the system resolver). Tests stand in for it. */
  resolveTxt?: (name: string) => Promise<string[][]>;
}

/** Checks the challenge now. Never throws: a failure is an outcome with the problem in words. */
export async function checkChallenge(c: Challenge, deps: ChallengeCheckDeps = {}): Promise<ChallengeOutcome> {
  if (c.method === 'http-01') {
    const r = await safeFetch(httpChallengeUrl(c), deps.fetch);
    if (!r.ok) return { valid: false, problem: `${r.refusal}: ${r.detail}` };
    if (r.status !== 200) return { valid: false, problem: `the challenge URL answered ${r.status}, not 200` };
    return r.body.toString('utf8').trim() === keyAuthorization(c)
      ? { valid: true }
      : { valid: false, problem: 'the challenge URL does not hold the key authorization' };
  }
  let records: string[][];
  try {
    records = await (deps.resolveTxt ?? resolveTxt)(dnsChallengeName(c.origin));
  } catch {
    return { valid: false, problem: `no TXT record at ${dnsChallengeName(c.origin)}` };
  }
  const want = dnsTxtValue(c);
  // a TXT record may come in several strings: they are one value joined
  return records.some((chunks) => chunks.join('') === want)
    ? { valid: true }
    : { valid: false, problem: `no TXT record at ${dnsChallengeName(c.origin)} holds the expected value` };
}
