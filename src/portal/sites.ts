/**
 * A vendor's registered sites in the portal (Art. 10.2 made two-sided, issue 15): the service's origins with how
 * each was verified, the proofs asked for, and for each verified origin the pinned embed snippet (the same one
 * `certmark token issue` prints) with a preview of the badge. The vendor adds an origin, certmark gives the
 * challenge, and "check now" checks it through the SSRF-safe fetcher. Every call takes a service that
 * `vendorServiceOf` gave (the user's own vendor's); a proof of another service answers as unknown.
 */
import type { WidgetBundle } from '../../widget/build';
import type { Clock } from '../clock';
import type { Db } from '../db/database';
import type { ServiceRow } from '../db/schema';
import { AppError } from '../errors';
import type { KeyRing } from '../keys/ring';
import type { NoticeSettings } from '../notices/compose';
import type { ChallengeCheckDeps, ChallengeMethod, ChallengeOutcome } from '../origins/challenge';
import { checkOriginProof, originProofsOf, requestOriginProof, type OriginProofContext, type OriginProofView } from '../origins/proofs';
import { findOriginProof, originVerifications, verifiedOriginsOf } from '../repositories/origin-proofs';
import { embedSnippet } from '../routes/widget';
import { issueEmbedToken, listEmbedTokens } from '../tokens/issue';
import { badgeImageUrl } from '../urls';
import { integrationChecksOf, type IntegrationCheckView } from './integration-check';
import type { VendorUser } from './sessions';

export interface SitesContext {
  db: Db;
  clock: Clock;
  keys: KeyRing;
  /** {base}: the issuer of tokens and the root of the snippet's URLs. */
  base: string;
  widget: Pick<WidgetBundle, 'hash' | 'integrity'>;
  check: ChallengeCheckDeps;
  notices?: NoticeSettings;
}

/** `vendor:{user id}`: who acts, on the chain. */
export const vendorActor = (user: VendorUser) => `vendor:${user.id}`;

const proofContext = (ctx: SitesContext, user: VendorUser): OriginProofContext => ({
  db: ctx.db,
  clock: ctx.clock,
  actor: vendorActor(user),
  check: ctx.check,
  notices: ctx.notices,
});

/** What a check's outcome means, in a word the pages put into a sentence. */
export type CheckResult = 'verified' | 'wrong_content' | 'not_found' | 'timeout' | 'refused_address' | 'redirect' | 'no_record' | 'expired' | 'other';

export function resultOf(outcome: Pick<ChallengeOutcome, 'valid'> & { problem?: string | null }): CheckResult {
  if (outcome.valid) return 'verified';
  const p = outcome.problem ?? '';
  if (p.startsWith('timeout')) return 'timeout';
  if (p.startsWith('not_public') || p.startsWith('not_https') || p.startsWith('bad_url')) return 'refused_address';
  if (p.startsWith('redirect')) return 'redirect';
  if (p.includes('does not hold the key authorization') || p.includes('holds the expected value')) return 'wrong_content';
  if (p.includes('answered')) return 'not_found';
  if (p.startsWith('no TXT record')) return 'no_record';
  if (p.includes('expired')) return 'expired';
  return 'other';
}

export interface SiteLine {
  origin: string;
  /** `staff`, `http-01` or `dns-01`. */
  verifiedBy: string;
  /** Whether it may go into an embed token now. */
  verified: boolean;
  /** The pinned snippet of the newest live token naming this origin, and its badge image; null: no token yet. */
  embed: { jti: string; snippet: string; badgeUrl: string } | null;
}

export interface SitesView {
  serviceId: string;
  number: string | null;
  nameJa: string;
  sites: SiteLine[];
  proofs: (OriginProofView & { result: CheckResult | null })[];
  checks: IntegrationCheckView[];
  integrity: string;
}

export async function vendorSitesView(ctx: SitesContext, service: ServiceRow): Promise<SitesView> {
  const [registered, verified, proofs, tokens, checks] = await Promise.all([
    originVerifications(ctx.db, service.id),
    verifiedOriginsOf(ctx.db, service.id),
    originProofsOf(ctx.db, service.id),
    service.number ? listEmbedTokens(ctx, service.id) : Promise.resolve([]),
    integrationChecksOf(ctx.db, service.id),
  ]);
  const live = tokens.filter((k) => k.retiredAt === null).reverse(); // newest first
  const sites = registered.map((o): SiteLine => {
    const ok = verified.includes(o.origin);
    const token = ok ? live.find((k) => k.origins.includes(o.origin)) : undefined;
    return {
      origin: o.origin,
      verifiedBy: o.verified_by,
      verified: ok,
      embed: token
        ? {
            jti: token.jti,
            snippet: embedSnippet({ base: ctx.base, token: token.token, number: token.number, bundle: ctx.widget }),
            badgeUrl: badgeImageUrl(ctx.base.replace(/\/+$/, ''), token.token),
          }
        : null,
    };
  });
  return {
    serviceId: service.id,
    number: service.number,
    nameJa: service.name_ja,
    sites,
    proofs: proofs.map((p) => ({ ...p, result: p.checkedAt ? resultOf({ valid: p.status === 'valid', problem: p.problem }) : null })),
    checks,
    integrity: ctx.widget.integrity,
  };
}

const METHODS = new Set<string>(['http-01', 'dns-01']);

/** Art. 10.2: a challenge for an origin of the vendor's service. */
export async function addVendorSite(ctx: SitesContext, user: VendorUser, service: ServiceRow, input: { origin: string; method: string }) {
  if (!METHODS.has(input.method)) throw new AppError('invalid', 'the method is http-01 or dns-01', { field: 'method' });
  if (input.origin.length === 0 || input.origin.length > 255) throw new AppError('invalid', 'an origin is scheme://host[:port]', { field: 'origin' });
  return requestOriginProof(proofContext(ctx, user), service.id, { origin: input.origin.trim(), method: input.method as ChallengeMethod });
}

/** The proof, if it is one of this service's; any other answers as unknown (isolation). */
async function proofOf(ctx: SitesContext, service: ServiceRow, proofId: string) {
  const proof = await findOriginProof(ctx.db, proofId.slice(0, 100));
  if (!proof || proof.service_id !== service.id) throw new AppError('not_found', 'no such site check');
  return proof;
}

/**
 * "Check now": the challenge is checked through the SSRF-safe fetcher. A site proved now gets its embed token
 * (for that origin alone) when the service can have one, so its snippet is ready at once.
 */
export async function checkVendorSite(ctx: SitesContext, user: VendorUser, service: ServiceRow, proofId: string) {
  await proofOf(ctx, service, proofId);
  const r = await checkOriginProof(proofContext(ctx, user), proofId);
  if (r.outcome.valid)
    await ensureSiteToken(ctx, user, service, r.proof.origin).catch((err: unknown) => {
      if (!(err instanceof AppError)) throw err; // a service that cannot have a token yet keeps its proof; the page says why
    });
  return { ...r, result: resultOf(r.outcome) };
}

/** An embed token naming the verified origin, unless a live one does already. */
export async function ensureSiteToken(ctx: SitesContext, user: VendorUser, service: ServiceRow, origin: string) {
  if (!service.number) throw new AppError('forbidden_transition', 'the service has no certification number yet', { article: 'Art. 6.5' });
  if (!(await verifiedOriginsOf(ctx.db, service.id)).includes(origin))
    throw new AppError('not_found', 'no such verified site of this service', { field: 'origin' });
  const live = (await listEmbedTokens(ctx, service.id)).find((k) => k.retiredAt === null && k.origins.includes(origin));
  if (live) return live;
  return issueEmbedToken({ ...ctx, actor: vendorActor(user) }, service.id, { origins: [origin] });
}
