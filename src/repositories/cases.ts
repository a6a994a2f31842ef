import { createHash } from 'node:crypto';
import { sql, type Selectable } from 'kysely';
import type { Db, Tx } from '../db/database';
import type { MisuseCaseTable } from '../db/schema';
import { canonicalJson } from '../domain/canonical-json';

/** A misuse case: confidential to staff (Art. 20). */
export type CaseRow = Selectable<MisuseCaseTable>;
export type CaseStatus = CaseRow['status'];
/** A case with the number of the service it names, for staff views. */
export type CaseView = CaseRow & { service_number: string | null };

/** One case per service, page and finding (DOMAIN.md: the same finding on the same page is one case). */
export function caseKey(serviceId: string | null, pageUrl: string, finding: string): string {
  return createHash('sha256')
    .update(canonicalJson([serviceId ?? '-', pageUrl, finding]))
    .digest('hex');
}

/** The sightings of one case in one batch (group commit): the case opens with them, or counts them. */
export interface FindingTally {
  id: string;
  serviceId: string | null;
  pageUrl: string;
  pageOrigin: string;
  finding: string;
  count: number;
  firstSeenAt: Date;
  lastSeenAt: Date;
  lastSightingId: string;
}

export interface CaseFilter {
  status: CaseStatus | null;
  finding: string | null;
  serviceId: string | null;
  /** Only cases of these services (a delegate's, Art. 19); null: every case. */
  serviceIds?: readonly string[] | null;
  limit: number;
  /** Keyset: cases last seen before this one (newest first). */
  before: { lastSeenAt: Date; id: string } | null;
}

const withNumber = (db: Db) =>
  db
    .selectFrom('misuse_cases')
    .leftJoin('services', 'services.id', 'misuse_cases.service_id')
    .selectAll('misuse_cases')
    .select('services.number as service_number');

export async function listCases(db: Db, f: CaseFilter): Promise<CaseView[]> {
  let q = withNumber(db);
  if (f.status) q = q.where('misuse_cases.status', '=', f.status);
  if (f.finding) q = q.where('misuse_cases.finding', '=', f.finding);
  if (f.serviceId) q = q.where('misuse_cases.service_id', '=', f.serviceId);
  if (f.serviceIds) q = f.serviceIds.length ? q.where('misuse_cases.service_id', 'in', [...f.serviceIds]) : q.where(sql<boolean>`false`);
  const before = f.before;
  if (before) {
    q = q.where((eb) =>
      eb.or([
        eb('misuse_cases.last_seen_at', '<', before.lastSeenAt),
        eb.and([eb('misuse_cases.last_seen_at', '=', before.lastSeenAt), eb('misuse_cases.id', '<', before.id)]),
      ]),
    );
  }
  return q.orderBy('misuse_cases.last_seen_at', 'desc').orderBy('misuse_cases.id', 'desc').limit(f.limit).execute();
}

export async function findCase(db: Db, id: string): Promise<CaseView | undefined> {
  return withNumber(db).where('misuse_cases.id', '=', id).executeTakeFirst();
}

/** Locks the case for the transaction: two staff closing or acting at once are serialised. */
export async function lockCase(tx: Tx, id: string): Promise<CaseRow | undefined> {
  return tx.selectFrom('misuse_cases').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
}

export async function closeCase(
  tx: Tx,
  id: string,
  c: { status: Exclude<CaseStatus, 'open'>; at: Date; reason: string | null; action: Record<string, unknown> | null },
): Promise<void> {
  await tx
    .updateTable('misuse_cases')
    .set({ status: c.status, closed_at: c.at, close_reason: c.reason, action: c.action === null ? null : (JSON.stringify(c.action) as never) })
    .where('id', '=', id)
    .execute();
}
