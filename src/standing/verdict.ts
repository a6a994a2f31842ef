/**
 * What the mark, badge and badge-image endpoints answer for a token, a request's origin and an instant
 * (CONTRACT.md, "The mark endpoint's answers"): 404 for a token that does not verify, 410 when the service's
 * status does not serve the mark (Art. 10.1, 10.6, 10.8), 403 when the request comes from a site the token does
 * not name or that is not registered for the service now (Art. 10.2), else 200. Token verification and service state come from the caches; the status is
 * computed here from the state and the instant.
 */
import { servesMark, type Status } from '../domain/lifecycle/state';
import type { Refusal } from '../tokens/jws';
import { originAllowed } from '../tokens/origins';
import type { VerifiedToken } from '../tokens/verify';
import type { NoticeReason } from '../mark/notice';
import { statusFromFacts, type ServiceFacts } from './facts';
import type { StatusCache } from './status-cache';
import type { TokenCache } from './token-cache';

export interface MarkSources {
  tokens: TokenCache;
  statuses: StatusCache;
}

export type MarkVerdict =
  | { code: 404; status: 'unknown'; reason: 'unknown'; refusal: Refusal | 'unknown_service' }
  | { code: 200 | 403 | 410; status: Status | null; reason: NoticeReason | null; token: VerifiedToken; facts: ServiceFacts; siteAllowed: boolean };

/** The value of the `Certification-Status` header. */
export const statusHeader = (v: MarkVerdict): string => (v.code === 404 ? 'unknown' : (v.status ?? 'unknown'));

const ENDED: ReadonlySet<string> = new Set(['revoked', 'expired', 'terminated', 'lapsed']);

export async function markVerdict(
  sources: MarkSources,
  token: string,
  origin: string | undefined,
  referer: string | undefined,
  now: Date,
): Promise<MarkVerdict> {
  const verification = sources.tokens.peek(token) ?? (await sources.tokens.verify(token));
  if (!verification.ok) return { code: 404, status: 'unknown', reason: 'unknown', refusal: verification.refusal };
  const t = verification.token;
  const cached = sources.statuses.peek(t.serviceId);
  const facts = cached === undefined ? await sources.statuses.get(t.serviceId) : cached;
  if (!facts || facts.number !== t.number) return { code: 404, status: 'unknown', reason: 'unknown', refusal: 'unknown_service' };
  const status = statusFromFacts(facts, now);
  // Art. 10.2: a site the token names and the service has registered now (removing an origin stops the mark
  // there, whatever tokens name it).
  const siteAllowed = originAllowed(t.origins, origin, referer) && originAllowed(facts.origins, origin, referer);
  // Art. 10.1, 10.6, 10.8: checked at request time, whatever any cache holds.
  if (!servesMark(status)) {
    return { code: 410, status, reason: status !== null && ENDED.has(status) ? (status as NoticeReason) : 'not_served', token: t, facts, siteAllowed };
  }
  // Art. 10.2: only on the registered sites the token names.
  if (!siteAllowed) return { code: 403, status, reason: 'not_registered', token: t, facts, siteAllowed };
  return { code: 200, status, reason: null, token: t, facts, siteAllowed };
}
