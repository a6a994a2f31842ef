/**
 * The integration checker's results (issue 15, "Embedding"; migration 0014): one row per check, kept as the record
 * the vendor and staff are shown. Written by src/portal/integration-check.ts; read by the portal's sites page and
 * the console's service page.
 */
import type { Db } from '../db/database';
import type { Insertable } from 'kysely';
import type { IntegrationCheckRow, IntegrationCheckTable } from '../db/schema-vendor';

export type CspVerdict = 'allowed' | 'blocked' | 'not_seen';

/** One check as the pages show it. */
export interface IntegrationCheckView {
  id: string;
  origin: string;
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

/** The requests the fetcher refused, from the row's details (anything malformed reads as none). */
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

export const integrationCheckView = (r: IntegrationCheckRow): IntegrationCheckView => ({
  id: r.id,
  origin: r.origin,
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
});

export async function insertIntegrationCheck(db: Db, row: Insertable<IntegrationCheckTable>): Promise<void> {
  await db.insertInto('integration_checks').values(row).execute();
}

/** The service's checks, newest first (at most `limit`). */
export async function integrationChecksOf(db: Db, serviceId: string, limit = 20): Promise<IntegrationCheckView[]> {
  const rows = await db
    .selectFrom('integration_checks')
    .selectAll()
    .where('service_id', '=', serviceId)
    .orderBy('checked_at', 'desc')
    .orderBy('id')
    .limit(limit)
    .execute();
  return rows.map(integrationCheckView);
}

/** The newest check of each of these sites of the service. */
export async function latestIntegrationChecks(db: Db, serviceId: string, origins: string[]): Promise<Map<string, IntegrationCheckView>> {
  if (origins.length === 0) return new Map();
  const rows = await db
    .selectFrom('integration_checks')
    .selectAll()
    .distinctOn('origin')
    .where('service_id', '=', serviceId)
    .where('origin', 'in', origins)
    .orderBy('origin')
    .orderBy('checked_at', 'desc')
    .orderBy('id', 'desc')
    .execute();
  return new Map(rows.map((r) => [r.origin, integrationCheckView(r)]));
}
