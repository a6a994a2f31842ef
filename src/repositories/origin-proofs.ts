import type { Insertable, Updateable } from 'kysely';
import type { Db, Tx } from '../db/database';
import type { OriginProofRow, OriginProofTable } from '../db/schema';

/** The site proofs of Art. 10.2 (issue 15): one row per challenge, from request to lapse. */
export type { OriginProofRow };

const LIVE = ['pending', 'valid', 'failing'] as const;

export async function insertOriginProof(tx: Tx, row: Insertable<OriginProofTable>): Promise<void> {
  await tx.insertInto('origin_proofs').values(row).execute();
}

export async function findOriginProof(db: Db, id: string): Promise<OriginProofRow | undefined> {
  return db.selectFrom('origin_proofs').selectAll().where('id', '=', id).executeTakeFirst();
}

/** The proof row, locked for the rest of the transaction: two checks of one proof run one after the other. */
export async function lockOriginProof(tx: Tx, id: string): Promise<OriginProofRow | undefined> {
  return tx.selectFrom('origin_proofs').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
}

/** The proof in progress or in force for this service and origin, if any (at most one: a unique index). */
export async function liveOriginProof(db: Db, serviceId: string, origin: string): Promise<OriginProofRow | undefined> {
  return db
    .selectFrom('origin_proofs')
    .selectAll()
    .where('service_id', '=', serviceId)
    .where('origin', '=', origin)
    .where('status', 'in', [...LIVE])
    .executeTakeFirst();
}

export async function originProofsOfService(db: Db, serviceId: string): Promise<OriginProofRow[]> {
  return db.selectFrom('origin_proofs').selectAll().where('service_id', '=', serviceId).orderBy('requested_at', 'desc').orderBy('id').execute();
}

/** Proofs whose yearly re-check is due, and those failing it (checked again until they pass or lapse). */
export async function originProofsDue(db: Db, now: Date, failingCheckedBefore: Date, limit: number): Promise<OriginProofRow[]> {
  return db
    .selectFrom('origin_proofs')
    .selectAll()
    .where((eb) =>
      eb.or([
        eb.and([eb('status', '=', 'failing'), eb('checked_at', '<=', failingCheckedBefore)]),
        eb.and([eb('status', '=', 'valid'), eb('revalidate_at', '<=', now)]),
      ]),
    )
    .orderBy('revalidate_at')
    .limit(limit)
    .execute();
}

export async function updateOriginProof(tx: Tx, id: string, set: Updateable<OriginProofTable>): Promise<void> {
  await tx.updateTable('origin_proofs').set(set).where('id', '=', id).execute();
}

/** How each registered origin of the service was verified. */
export async function originVerifications(db: Db, serviceId: string): Promise<{ origin: string; verified_by: string; proof_id: string | null }[]> {
  return db.selectFrom('service_origins').select(['origin', 'verified_by', 'proof_id']).where('service_id', '=', serviceId).orderBy('origin').execute();
}

export async function markOriginProved(tx: Tx, serviceId: string, origin: string, method: string, proofId: string): Promise<void> {
  await tx
    .updateTable('service_origins')
    .set({ verified_by: method, proof_id: proofId })
    .where('service_id', '=', serviceId)
    .where('origin', '=', origin)
    .execute();
}

/**
 * The registered origins that count as verified (issue 15: only these go into embed tokens): those staff
 * registered from the written application, and those whose proof is in force (valid, or failing within its grace
 * period). A proved origin whose proof lapsed or was withdrawn is not, even while it is still listed.
 */
export async function verifiedOriginsOf(db: Db, serviceId: string): Promise<string[]> {
  const rows = await db
    .selectFrom('service_origins')
    .leftJoin('origin_proofs', 'origin_proofs.id', 'service_origins.proof_id')
    .select(['service_origins.origin', 'service_origins.verified_by', 'origin_proofs.status'])
    .where('service_origins.service_id', '=', serviceId)
    .orderBy('service_origins.origin')
    .execute();
  return rows.filter((r) => r.verified_by === 'staff' || r.status === 'valid' || r.status === 'failing').map((r) => r.origin);
}
