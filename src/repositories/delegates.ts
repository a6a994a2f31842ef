import type { Db, Tx } from '../db/database';

/** Art. 19.2: the bodies to whom certification work is delegated. Published, so nothing here is confidential. */

export interface DelegateRow {
  id: string;
  name_ja: string;
  name_en: string | null;
  scope_ja: string;
  scope_en: string | null;
  delegated_on: string;
  ended_on: string | null;
}

/** Art. 19.2: the bodies to whom work is delegated, and their names, are published. */
export async function delegates(db: Db): Promise<DelegateRow[]> {
  return db
    .selectFrom('delegates')
    .select(['id', 'name_ja', 'name_en', 'scope_ja', 'scope_en', 'delegated_on', 'ended_on'])
    .orderBy('delegated_on')
    .orderBy('id')
    .execute();
}

export async function findDelegate(db: Db, id: string): Promise<DelegateRow | undefined> {
  return db
    .selectFrom('delegates')
    .select(['id', 'name_ja', 'name_en', 'scope_ja', 'scope_en', 'delegated_on', 'ended_on'])
    .where('id', '=', id)
    .executeTakeFirst();
}

/** A delegated body is named (published from then on). */
export async function insertDelegate(tx: Tx, d: DelegateRow): Promise<void> {
  await tx.insertInto('delegates').values(d).execute();
}

/** Ends a delegation that has not ended; false when there is none. */
export async function endDelegate(tx: Tx, id: string, endedOn: string): Promise<boolean> {
  const r = await tx.updateTable('delegates').set({ ended_on: endedOn }).where('id', '=', id).where('ended_on', 'is', null).executeTakeFirst();
  return Number(r.numUpdatedRows) > 0;
}
