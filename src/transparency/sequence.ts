/**
 * The sequencer: appends the events on the chain that the log does not hold yet, as leaves, stores the new
 * perfect subtrees and signs a checkpoint of the new size, in one transaction. Serialised across processes; old
 * checkpoints are kept. Reads the frontier (O(log n) nodes) and the appended events' services, nothing more.
 */
import type { Clock } from '../clock';
import { inTransaction, type Db } from '../db/database';
import type { LogKey } from '../keys/log-key';
import type { toLifecycleEvent } from '../repositories/events';
import * as repo from '../repositories/log';
import { serviceEvents } from '../repositories/events';
import { buildEntry, publicFactsOf } from './entry';
import { appendLeaves, frontier, leafHash, rootHash, sourceOf } from './merkle';
import { formatCheckpoint, signNote } from './note';

export interface SequenceResult {
  /** The tree size after this run. */
  size: number;
  appended: number;
  /** A checkpoint was signed in this run. */
  signed: boolean;
}

/** Signs the checkpoint of a tree of `size` leaves with this root. */
export function signCheckpoint(key: LogKey, origin: string, size: number, root: Buffer): string {
  return signNote(formatCheckpoint({ origin, size, root, extensions: [] }), key.name, key.privateKey, key.publicKey);
}

/** One batch: at most `limit` events. Call again while `appended === limit`. */
export async function sequenceBatch(db: Db, key: LogKey, origin: string, clock: Clock, limit = 1000): Promise<SequenceResult> {
  return inTransaction(db, async (tx) => {
    await repo.lockLog(tx);
    const tip = await repo.logTip(tx);
    const events = await repo.eventsAfter(tx, tip.lastEventId, limit);
    if (events.length === 0) {
      if (await repo.checkpointOfSize(tx, tip.size)) return { size: tip.size, appended: 0, signed: false };
    }
    const serviceIds = [...new Set(events.map((e) => e.service_id).filter((s): s is string => s !== null))];
    const numbers = await repo.serviceNumbers(tx, serviceIds);
    const histories = new Map<string, ReturnType<typeof toLifecycleEvent>[]>();
    for (const id of serviceIds) histories.set(id, await serviceEvents(tx, id));
    const leaves = events.map((row, i) => {
      const history = row.service_id ? histories.get(row.service_id)! : [];
      const upTo = history.filter((e) => e.id <= row.id);
      const facts = row.service_id ? publicFactsOf(upTo, numbers.get(row.service_id) ?? null) : [];
      const entry = buildEntry({ eventId: row.id, eventHash: row.hash, saltKey: key.saltKey, facts });
      return { idx: tip.size + i, eventId: row.id, entry, serviceNumber: facts.length > 0 ? (numbers.get(row.service_id!) ?? null) : null };
    });
    const front = await repo.readNodes(tx, frontier(tip.size));
    const grown = appendLeaves(
      tip.size,
      front,
      leaves.map((l) => leafHash(l.entry)),
    );
    await repo.insertLeaves(tx, leaves, grown.nodes);
    const root = rootHash(grown.size, sourceOf(grown.front));
    const at = clock.now();
    await repo.insertCheckpoint(tx, { size: grown.size, root, keyName: key.name, note: signCheckpoint(key, origin, grown.size, root), at });
    return { size: grown.size, appended: leaves.length, signed: true };
  });
}

/** Appends everything the chain holds beyond the log, batch after batch. */
export async function sequenceAll(db: Db, key: LogKey, origin: string, clock: Clock, limit = 1000): Promise<SequenceResult> {
  let total = 0;
  let signed = false;
  for (;;) {
    const r = await sequenceBatch(db, key, origin, clock, limit);
    total += r.appended;
    signed ||= r.signed;
    if (r.appended < limit) return { size: r.size, appended: total, signed };
  }
}
