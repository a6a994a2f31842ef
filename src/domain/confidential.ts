/**
 * Art. 20: every read of confidential material, by any staff role, is written to the audit log before the
 * material leaves. This is the one place that writes those entries; the reads below the routes call it.
 */
import type { Clock } from '../clock';
import type { Db } from '../db/database';
import { audit, auditEntries } from '../repositories/staff';

/** Who reads, on what database and clock. */
export interface StaffReader {
  db: Db;
  clock: Clock;
  /** The staff token id. */
  staffId: string;
}

/**
 * A vendor user reading their own vendor's confidential material in the portal (a misuse case and its evidence, the
 * body's notices and their letters): "by anyone" (Art. 20, DOMAIN.md), so audited too, as `vendor-user:{id}`.
 */
export function vendorReader(db: Db, clock: Clock, user: { id: string }): StaffReader {
  return { db, clock, staffId: `vendor-user:${user.id}` };
}

/** One audit entry per kind of confidential material read (`read vendor contact`, `read case`, …). */
export async function auditConfidentialRead(reader: StaffReader, subject: string, kinds: readonly string[]): Promise<void> {
  const at = reader.clock.now();
  for (const kind of kinds) await audit(reader.db, { staffId: reader.staffId, at, action: `read ${kind}`, subject });
}

export interface AuditEntryView {
  id: number;
  at: string;
  staffTokenId: string;
  action: string;
  subject: string;
}

/**
 * The audit log, newest first (for auditors and admins). Reading it is itself a confidential read: it says who
 * looked at what.
 */
export async function readAuditLog(
  reader: StaffReader,
  filter: { staffTokenId: string | null; subject: string | null; before: number | null; limit: number },
): Promise<AuditEntryView[]> {
  const rows = await auditEntries(reader.db, filter);
  await auditConfidentialRead(reader, 'audit-log', ['audit log']);
  return rows.map((r) => ({ id: Number(r.id), at: new Date(r.at).toISOString(), staffTokenId: r.staff_token_id, action: r.action, subject: r.subject }));
}
