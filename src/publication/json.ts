import { jstDate } from '../domain/calendar';
import type { PublicService } from './public-service';
import type { PublicEntry } from './timeline';
import { qrUrl, serviceApiUrl, verifyUrl } from '../urls';

/** A history entry as JSON: instants in RFC 3339, internal ids dropped. */
export function entryJson(e: PublicEntry): { id: string; type: string; at: string; on: string; article: string } & Record<string, string | number> {
  const { at, ...rest } = e;
  const facts: Record<string, string | number> = { ...rest };
  delete facts.improvementId;
  return { ...facts, id: e.id, type: e.type, at: at.toISOString(), on: e.on, article: e.article };
}

export function serviceUrls(base: string, number: string) {
  return { verificationUrl: verifyUrl(base, number), apiUrl: serviceApiUrl(base, number), qrUrl: qrUrl(base, number) };
}

/** A registry row: what the list needs to decide which service to look at. */
export function serviceSummaryJson(s: PublicService, base: string) {
  return {
    number: s.number,
    name: s.name,
    vendor: s.vendor,
    status: s.status,
    markServed: s.markServed,
    firstCertifiedOn: s.firstCertifiedOn,
    certifiedOn: s.certifiedOn,
    validThrough: s.validThrough,
    inForceThrough: s.inForceThrough,
    ...serviceUrls(base, s.number),
  };
}

/** CONTRACT.md: the verification page's facts as JSON. */
export function serviceJson(s: PublicService, base: string, checkedAt: Date) {
  return {
    ...serviceSummaryJson(s, base),
    renewal: s.renewal,
    extension: s.extension,
    revocation: s.revocation
      ? {
          revokedAt: s.revocation.at.toISOString(),
          revokedOn: jstDate(s.revocation.at),
          ground: s.revocation.ground,
          article: `Art. 17.1(${s.revocation.ground})`,
          reason: s.revocation.reason,
        }
      : null,
    termination: s.termination ? { terminatedAt: s.termination.at.toISOString(), terminatedOn: s.termination.on } : null,
    lapse: s.lapse ? { lapsedAt: s.lapse.at.toISOString(), lapsedOn: s.lapse.on, cause: s.lapse.cause } : null,
    expiredAfter: s.expiredAfter,
    periods: s.periods,
    disclosure: s.disclosure,
    origins: s.origins,
    improvementRequests: s.improvements.map((i) => ({
      publishedAt: i.publishedAt.toISOString(),
      dueOn: i.dueOn,
      content: i.content,
      completedOn: i.completedOn,
      overdue: i.overdue,
    })),
    history: s.history.map(entryJson),
    checkedAt: checkedAt.toISOString(),
  };
}

export type ServiceJson = ReturnType<typeof serviceJson>;
export type ServiceSummaryJson = ReturnType<typeof serviceSummaryJson>;
