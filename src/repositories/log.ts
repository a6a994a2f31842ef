/**
 * The transparency log's rows (migrations/20261202_0006_transparency_log.ts): leaves, the perfect subtrees of the
 * Merkle tree, checkpoints, the log key, witnesses and their cosignatures. Nodes are read by id, a proof's few
 * at a time (src/transparency/merkle.ts names them).
 */
import { sql } from 'kysely';
import type { Db, Tx } from '../db/database';
import type { EventRow } from '../db/schema';
import type { LogCheckpointRow, LogKeyRow } from '../db/schema-log';
import type { NodeId, StoredNode } from '../transparency/merkle';

/** Serialises the log's appends across processes for the transaction. */
export async function lockLog(tx: Tx): Promise<void> {
  await sql`select pg_advisory_xact_lock(hashtext('certmark_transparency_log'))`.execute(tx);
}

/** The number of leaves, and the id of the last event they hold (0 when none). */
export async function logTip(db: Db): Promise<{ size: number; lastEventId: number }> {
  const row = await db.selectFrom('log_leaves').select(['idx', 'event_id']).orderBy('idx', 'desc').limit(1).executeTakeFirst();
  return row ? { size: row.idx + 1, lastEventId: row.event_id } : { size: 0, lastEventId: 0 };
}

/** The id of the newest event on the chain. */
export async function chainHeadId(db: Db): Promise<number> {
  const head = await db.selectFrom('event_chain_head').select('last_id').where('id', '=', 1).executeTakeFirst();
  return head?.last_id ?? 0;
}

export async function eventsAfter(db: Db, afterId: number, limit: number): Promise<EventRow[]> {
  return db.selectFrom('events').selectAll().where('id', '>', afterId).orderBy('id').limit(limit).execute();
}

export async function serviceNumbers(db: Db, ids: readonly string[]): Promise<Map<string, string | null>> {
  if (ids.length === 0) return new Map();
  const rows = await db.selectFrom('services').select(['id', 'number']).where('id', 'in', ids).execute();
  return new Map(rows.map((r) => [r.id, r.number]));
}

export async function readNodes(db: Db, ids: readonly NodeId[]): Promise<StoredNode[]> {
  if (ids.length === 0) return [];
  const rows = await db
    .selectFrom('log_nodes')
    .select(['level', 'idx', 'hash'])
    .where((eb) => eb.or(ids.map((n) => eb.and([eb('level', '=', n.level), eb('idx', '=', n.index)]))))
    .execute();
  return rows.map((r) => ({ level: r.level, index: r.idx, hash: Buffer.from(r.hash) }));
}

export interface NewLeaf {
  idx: number;
  eventId: number;
  entry: Buffer;
  /** Set on public entries only. */
  serviceNumber: string | null;
}

export async function insertLeaves(tx: Tx, leaves: readonly NewLeaf[], nodes: readonly StoredNode[]): Promise<void> {
  for (let i = 0; i < leaves.length; i += 2000) {
    await tx
      .insertInto('log_leaves')
      .values(leaves.slice(i, i + 2000).map((l) => ({ idx: l.idx, event_id: l.eventId, entry: l.entry, service_number: l.serviceNumber })))
      .execute();
  }
  // one statement per 5,000 nodes: a first start over a long chain appends many
  for (let i = 0; i < nodes.length; i += 5000) {
    await tx
      .insertInto('log_nodes')
      .values(nodes.slice(i, i + 5000).map((n) => ({ level: n.level, idx: n.index, hash: n.hash })))
      .execute();
  }
}

export async function insertCheckpoint(tx: Tx, row: { size: number; root: Buffer; keyName: string; note: string; at: Date }): Promise<void> {
  await tx.insertInto('log_checkpoints').values({ size: row.size, root_hash: row.root, key_name: row.keyName, note: row.note, signed_at: row.at }).execute();
}

export async function latestCheckpoint(db: Db): Promise<LogCheckpointRow | null> {
  return (await db.selectFrom('log_checkpoints').selectAll().orderBy('size', 'desc').limit(1).executeTakeFirst()) ?? null;
}

export async function checkpointOfSize(db: Db, size: number): Promise<LogCheckpointRow | null> {
  return (await db.selectFrom('log_checkpoints').selectAll().where('size', '=', size).executeTakeFirst()) ?? null;
}

export async function countCheckpoints(db: Db): Promise<number> {
  const row = await db
    .selectFrom('log_checkpoints')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

export async function leafEntries(db: Db, start: number, end: number): Promise<{ idx: number; entry: Buffer }[]> {
  const rows = await db.selectFrom('log_leaves').select(['idx', 'entry']).where('idx', '>=', start).where('idx', '<', end).orderBy('idx').execute();
  return rows.map((r) => ({ idx: r.idx, entry: Buffer.from(r.entry) }));
}

/** The leaf index of each of these events that is in the log. */
export async function leafIndexesOfEvents(db: Db, eventIds: readonly number[]): Promise<Map<number, number>> {
  if (eventIds.length === 0) return new Map();
  const rows = await db.selectFrom('log_leaves').select(['idx', 'event_id']).where('event_id', 'in', eventIds).execute();
  return new Map(rows.map((r) => [r.event_id, r.idx]));
}

/** The public entries of one service, in log order. */
export async function publicLeavesOf(db: Db, number: string): Promise<{ idx: number; entry: Buffer }[]> {
  const rows = await db.selectFrom('log_leaves').select(['idx', 'entry']).where('service_number', '=', number).orderBy('idx').execute();
  return rows.map((r) => ({ idx: r.idx, entry: Buffer.from(r.entry) }));
}

export async function lockLogKeys(tx: Tx): Promise<void> {
  await sql`select pg_advisory_xact_lock(hashtext('certmark_log_keys'))`.execute(tx);
}

/** The log key: the oldest one (the log is signed by one key for life). */
export async function findLogKey(db: Db): Promise<LogKeyRow | null> {
  return (await db.selectFrom('log_keys').selectAll().orderBy('created_at').limit(1).executeTakeFirst()) ?? null;
}

export async function insertLogKey(tx: Tx, row: { name: string; keyId: string; publicKey: Buffer; privateEnc: string; at: Date }): Promise<void> {
  await tx
    .insertInto('log_keys')
    .values({ name: row.name, key_id: row.keyId, public_key: row.publicKey, private_enc: row.privateEnc, created_at: row.at })
    .execute();
}

export async function activeWitnesses(db: Db): Promise<{ name: string; vkey: string; url: string | null }[]> {
  return db.selectFrom('log_witnesses').select(['name', 'vkey', 'url']).where('removed_at', 'is', null).orderBy('name').execute();
}

export async function insertWitness(tx: Tx, row: { name: string; vkey: string; url: string | null; at: Date }): Promise<void> {
  await tx.insertInto('log_witnesses').values({ name: row.name, vkey: row.vkey, url: row.url, added_at: row.at, removed_at: null }).execute();
}

export async function insertCosignature(tx: Tx, row: { size: number; witness: string; line: string; cosignedAt: Date; at: Date }): Promise<void> {
  await tx
    .insertInto('log_cosignatures')
    .values({ checkpoint_size: row.size, witness_name: row.witness, signature_line: row.line, cosigned_at: row.cosignedAt, received_at: row.at })
    .onConflict((oc) => oc.columns(['checkpoint_size', 'witness_name']).doNothing())
    .execute();
}

export async function cosignaturesOf(db: Db, size: number): Promise<string[]> {
  const rows = await db.selectFrom('log_cosignatures').select('signature_line').where('checkpoint_size', '=', size).orderBy('witness_name').execute();
  return rows.map((r) => r.signature_line);
}

/** The largest checkpoint size this witness cosigned (0 when none). */
export async function lastCosignedSize(db: Db, witness: string): Promise<number> {
  const row = await db
    .selectFrom('log_cosignatures')
    .select('checkpoint_size')
    .where('witness_name', '=', witness)
    .orderBy('checkpoint_size', 'desc')
    .limit(1)
    .executeTakeFirst();
  return row?.checkpoint_size ?? 0;
}
