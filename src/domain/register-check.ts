/**
 * The register's own check: the event hash chain is whole, and every record kept beside it (tokens, keys,
 * cases, inquiries, disclosure items) still matches the fingerprint the chain holds for it.
 */
import type { Db } from '../db/database';
import { verifyEventChain } from '../repositories/events';
import { verifyRecords, type RecordProblem } from '../repositories/records';

export interface RegisterCheck {
  ok: boolean;
  /** Events whose hashes were recomputed. */
  checked: number;
  firstBadEventId: number | null;
  problem: string | null;
  records: { checked: number; problems: RecordProblem[] };
}

export async function checkRegister(db: Db): Promise<RegisterCheck> {
  const chain = await verifyEventChain(db);
  const records = await verifyRecords(db);
  return {
    ok: chain.ok && records.problems.length === 0,
    checked: chain.checked,
    firstBadEventId: chain.ok ? null : chain.firstBadEventId,
    problem: chain.ok ? null : chain.problem,
    records,
  };
}
