/**
 * What staff see of the integration checker's results (issue 15, "Embedding"): for each verified site of a
 * service, the newest check certmark ran on one of its pages (src/portal/integration-check.ts keeps them in
 * `integration_checks`). Read-only. The rest of the service page is an audited read (Art. 20), so this one is too:
 * one entry when there is a result to show.
 */
import { auditConfidentialRead, type StaffReader } from '../domain/confidential';
import { latestIntegrationChecks, type IntegrationCheckView } from '../repositories/integration-checks';
import { verifiedOriginsOf } from '../repositories/origin-proofs';

/** A check as staff see it. */
export type StaffIntegrationCheck = IntegrationCheckView;

/** One verified site and its newest check (null: never checked). */
export interface OriginIntegration {
  origin: string;
  latest: StaffIntegrationCheck | null;
}

/** The service's verified sites, each with its newest integration check, in the sites' order. */
export async function integrationForStaff(reader: StaffReader, serviceId: string): Promise<OriginIntegration[]> {
  const origins = await verifiedOriginsOf(reader.db, serviceId);
  if (origins.length === 0) return [];
  const latest = await latestIntegrationChecks(reader.db, serviceId, origins);
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
