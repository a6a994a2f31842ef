/**
 * What staff see of the integration checker's results (issue 15, "Embedding"): for each verified site of a
 * service, the newest check certmark ran on one of its pages (src/portal/integration-check.ts keeps them in
 * `integration_checks`). Read-only. The rest of the service page is an audited read (Art. 20), so this one is too:
 * one entry when there is a result to show.
 */
import { auditConfidentialRead, type StaffReader } from '../domain/confidential';
import { verifiedOriginsOf } from '../repositories/origin-proofs';

export type CspVerdict = 'allowed' | 'blocked' | 'not_seen';

export interface StaffIntegrationCheck {
  id: string;
  pageUrl: string;
  checkedAt: Date;
  requestedBy: string;
  outcome: 'done' | 'failed';
  badgePresent: boolean;
  badgeRenders: boolean;
  linksToVerify: boolean;
  altered: boolean;
  cspScript: CspVerdict;
  cspMark: CspVerdict;
  problem: string | null;
  refused: { url: string; reason: string }[];
}

/** One verified site and its newest check (null: never checked). */
export interface OriginIntegration {
  origin: string;
  latest: StaffIntegrationCheck | null;
}

function refusedOf(details: unknown): { url: string; reason: string }[] {
  let d: unknown = details;
  if (typeof d === 'string') {
    try {
      d = JSON.parse(d);
    } catch {
      return [];
    }
  }
  const list = (d as { refused?: unknown } | null)?.refused;
  if (!Array.isArray(list)) return [];
  return list
    .filter((r): r is { url: string; reason: string } => typeof r?.url === 'string' && typeof r?.reason === 'string')
    .map((r) => ({ url: r.url, reason: r.reason }));
}

/** The service's verified sites, each with its newest integration check, in the sites' order. */
export async function integrationForStaff(reader: StaffReader, serviceId: string): Promise<OriginIntegration[]> {
  const origins = await verifiedOriginsOf(reader.db, serviceId);
  if (origins.length === 0) return [];
  const rows = await reader.db
    .selectFrom('integration_checks')
    .selectAll()
    .distinctOn('origin')
    .where('service_id', '=', serviceId)
    .where('origin', 'in', origins)
    .orderBy('origin')
    .orderBy('checked_at', 'desc')
    .orderBy('id', 'desc')
    .execute();
  const latest = new Map(
    rows.map((r) => [
      r.origin,
      {
        id: r.id,
        pageUrl: r.page_url,
        checkedAt: new Date(r.checked_at),
        requestedBy: r.requested_by,
        outcome: r.outcome,
        badgePresent: r.badge_present,
        badgeRenders: r.badge_renders,
        linksToVerify: r.links_to_verify,
        altered: r.altered,
        cspScript: r.csp_script,
        cspMark: r.csp_mark,
        problem: r.problem,
        refused: refusedOf(r.details),
      } satisfies StaffIntegrationCheck,
    ]),
  );
  if (latest.size > 0) await auditConfidentialRead(reader, serviceId, ['integration checks']);
  return origins.map((origin) => ({ origin, latest: latest.get(origin) ?? null }));
}

/** What went wrong, as keys of the section's words (none: all is well). */
export type IntegrationFailure = 'notOpened' | 'noBadge' | 'notRendered' | 'noLink' | 'altered' | 'cspScript' | 'cspMark' | 'refused';

export function failuresOf(k: StaffIntegrationCheck): IntegrationFailure[] {
  if (k.outcome === 'failed') return ['notOpened', ...(k.refused.length ? (['refused'] as const) : [])];
  const out: IntegrationFailure[] = [];
  if (!k.badgePresent) out.push('noBadge');
  else {
    if (!k.badgeRenders) out.push('notRendered');
    if (!k.linksToVerify) out.push('noLink');
  }
  if (k.altered) out.push('altered');
  if (k.cspScript === 'blocked') out.push('cspScript');
  if (k.cspMark === 'blocked') out.push('cspMark');
  if (k.refused.length) out.push('refused');
  return out;
}
