/**
 * The detection engine (DOMAIN.md, "Misuse detection"): what one sighting means under Art. 10. The image verdict
 * (src/detection) says whether the mark is shown and whether it is whole and in its own colours; the token, the
 * link and the page say whose mark it is, where, and when. Every finding keeps what was measured.
 */
import { foldEvents, statusAt, type Status } from '../domain/lifecycle/state';
import type { ImageVerdict } from '../detection/image';
import type { LifecycleEvent } from '../domain/lifecycle/events';
import type { ServiceDirectory, ServiceFacts } from './directory';
import { verifyUrl } from '../urls';

export const FINDINGS = ['stale', 'revoked', 'wrong_site', 'no_link', 'recoloured', 'partial', 'distorted', 'ok'] as const;
export type Finding = (typeof FINDINGS)[number];

/** What the embed token check says (src/tokens/verify.ts answers in this shape). */
export type TokenCheck = { ok: true; token: { serviceId: string; number: string; origins: ReadonlySet<string> } } | { ok: false; refusal: string };

export interface DetectionInput {
  pageOrigin: string;
  seenAt: Date;
  linkHref: string | null;
  /** null: no token was found on the page. */
  token: TokenCheck | null;
  image: ImageVerdict;
}

export interface Detection {
  /** Empty when the image is not the mark at all (nothing to say); `ok` when the mark is used as the rules say. */
  findings: Finding[];
  serviceId: string | null;
  evidence: Record<string, unknown>;
}

const origin = (s: string): string | null => {
  try {
    const u = new URL(s);
    return u.protocol === 'http:' || u.protocol === 'https:' ? u.origin : null;
  } catch {
    return null;
  }
};

/** The certification number a link names when it is a verification URL `{base}/verify/{number}` (Art. 10.4). */
export function verifiedNumberOf(href: string | null, base: string): string | null {
  if (href === null) return null;
  let url: URL;
  try {
    url = new URL(href);
  } catch {
    return null;
  }
  const b = new URL(`${base.replace(/\/+$/, '')}/`);
  if (url.origin !== b.origin || !url.pathname.startsWith(`${b.pathname}verify/`)) return null;
  let number: string;
  try {
    number = decodeURIComponent(url.pathname.slice(b.pathname.length + 'verify/'.length));
  } catch {
    return null;
  }
  return /^[A-Z]{2}-\d{4}-\d{4}$/.test(number) ? number : null;
}

/** The origins registered for the service at the instant (from its events), else those registered now. */
function originsAt(facts: ServiceFacts, instant: Date): string[] {
  let at: string[] | null = null;
  for (const e of facts.events as LifecycleEvent[]) {
    if (e.at.getTime() > instant.getTime()) break;
    if (e.type === 'service.origins_changed') at = e.payload.origins;
  }
  return (at ?? [...facts.origins]).map((o) => origin(o)).filter((o): o is string => o !== null);
}

type Why = 'stale' | 'revoked' | 'never_certified' | null;

/** Art. 10.1, 10.6, 10.8: the mark may be shown only while the certification is in force. */
function statusFinding(status: Status | null, everCertified: boolean): Why {
  if (status === 'revoked') return 'revoked';
  if (status === 'expired' || status === 'terminated' || status === 'lapsed') return 'stale';
  if (status === 'certified' || status === 'renewal_pending') return null;
  return everCertified ? 'stale' : 'never_certified';
}

export async function detect(input: DetectionInput, directory: ServiceDirectory, base: string): Promise<Detection> {
  const { image } = input;
  const tokenEvidence =
    input.token === null
      ? { present: false }
      : input.token.ok
        ? { present: true, valid: true, number: input.token.token.number, origins: [...input.token.token.origins] }
        : { present: true, valid: false, refusal: input.token.refusal };
  const imageEvidence = { finding: image.finding, variant: image.variant, exact: image.exact, ...image.evidence };
  const linkNumber = verifiedNumberOf(input.linkHref, base);

  // Not the mark: nothing is shown that Art. 10 speaks of (the badge's own notices land here too).
  if (image.finding === 'unrelated') {
    return { findings: [], serviceId: input.token?.ok ? input.token.token.serviceId : null, evidence: { image: imageEvidence, token: tokenEvidence } };
  }

  const found = new Set<Finding>();
  let service: ServiceFacts | null = null;
  let identifiedBy: 'token' | 'link' | 'origin' | null = null;
  let namesNoService = false;
  if (input.token?.ok) {
    service = await directory.byId(input.token.token.serviceId);
    identifiedBy = 'token';
    if (!service) namesNoService = true;
  } else {
    // Art. 10.2, 10.3: a forged, unknown or retired token names no certified service.
    if (input.token) namesNoService = true;
    if (linkNumber) {
      service = await directory.byNumber(linkNumber);
      if (service) identifiedBy = 'link';
    }
    if (!service) {
      // A mark on a page of an origin registered for exactly one service is that vendor's use of it.
      const ids = await directory.idsWithOrigin(input.pageOrigin);
      if (ids.length === 1) {
        service = await directory.byId(ids[0]!);
        if (service) identifiedBy = 'origin';
      }
    }
    if (!service) namesNoService = true;
  }

  const evidence: Record<string, unknown> = { image: imageEvidence, token: tokenEvidence };
  const expectedLink = service?.number ? verifyUrl(base, service.number) : null;
  if (service) {
    const status = statusAt(service.events as LifecycleEvent[], input.seenAt);
    const ever = foldEvents(service.events as LifecycleEvent[], input.seenAt).periods.length > 0;
    const why = statusFinding(status, ever);
    if (why === 'stale' || why === 'revoked') found.add(why); // Art. 10.6 / 10.8
    if (why === 'never_certified') namesNoService = true; // Art. 10.2: not a certified service
    const registered = originsAt(service, input.seenAt);
    const tokenOrigins = input.token?.ok ? [...input.token.token.origins] : null;
    const onRegistered = registered.includes(input.pageOrigin);
    const onTokenOrigin = tokenOrigins === null || tokenOrigins.includes(input.pageOrigin);
    if (!onRegistered || !onTokenOrigin) found.add('wrong_site'); // Art. 10.2
    evidence.service = { id: service.id, number: service.number, identifiedBy, statusAtSeenAt: status ?? 'none' };
    evidence.origin = { page: input.pageOrigin, registered, tokenOrigins, onRegistered, onTokenOrigin };
    // Art. 10.4: the mark links to the verification page of this service.
    if (linkNumber === null || linkNumber !== service.number) found.add('no_link');
  } else {
    evidence.service = null;
    evidence.origin = { page: input.pageOrigin };
    if (linkNumber === null) found.add('no_link');
  }
  if (namesNoService) found.add('wrong_site'); // Art. 10.3: the mark names no certified service
  evidence.link = { href: input.linkHref, expected: expectedLink, verifiesNumber: linkNumber };
  // Art. 10.5: recoloured, partial or distorted copies.
  if (image.finding !== 'ok') found.add(image.finding);
  const findings = FINDINGS.filter((f) => found.has(f));
  return { findings: findings.length ? findings : ['ok'], serviceId: service?.id ?? null, evidence };
}
