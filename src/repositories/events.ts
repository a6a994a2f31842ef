import { createHash } from 'node:crypto';
import { CHANGES_CHANNEL, notifyOnCommit, type Db, type Tx } from '../db/database';
import type { Insertable } from 'kysely';
import type { EventRow, EventTable } from '../db/schema';
import { canonicalJson } from '../domain/canonical-json';
import { EVENT_ARTICLES, type LifecycleEvent, type NewLifecycleEvent } from '../domain/lifecycle/events';

export const GENESIS_HASH = '0'.repeat(64);

export function eventHash(e: Omit<EventRow, 'hash'>): string {
  const body = canonicalJson([e.id, e.prev_hash, e.service_id, e.actor, new Date(e.occurred_at).toISOString(), e.type, e.article, e.payload]);
  return createHash('sha256').update(body).digest('hex');
}

/**
 * Appends events to the chain: each holds the hash of the one before. The chain head row is locked for the
 * transaction, so appends are serialised and the ids have no gaps. Listeners hear of the change on commit.
 */
export async function appendEvents(tx: Tx, serviceId: string | null, actor: string, at: Date, events: readonly NewLifecycleEvent[]): Promise<LifecycleEvent[]> {
  const head = await tx.selectFrom('event_chain_head').selectAll().where('id', '=', 1).forUpdate().executeTakeFirstOrThrow();
  let lastId = head.last_id;
  let lastHash = head.last_hash;
  const written: LifecycleEvent[] = [];
  const rows: Insertable<EventTable>[] = [];
  for (const e of events) {
    const row = {
      id: lastId + 1,
      service_id: serviceId,
      actor,
      occurred_at: at,
      type: e.type,
      article: e.article ?? EVENT_ARTICLES[e.type],
      payload: e.payload as unknown as Record<string, unknown>,
      prev_hash: lastHash,
    };
    const hash = eventHash(row);
    rows.push({ ...row, payload: JSON.stringify(row.payload) as never, hash });
    lastId = row.id;
    lastHash = hash;
    written.push({ id: row.id, type: e.type, at, actor, article: row.article, payload: e.payload } as LifecycleEvent);
  }
  if (rows.length > 0) await tx.insertInto('events').values(rows).execute(); // one statement, however many
  await tx.updateTable('event_chain_head').set({ last_id: lastId, last_hash: lastHash }).where('id', '=', 1).execute();
  if (serviceId) await notifyOnCommit(tx, CHANGES_CHANNEL, serviceId);
  return written;
}

export function toLifecycleEvent(r: EventRow): LifecycleEvent {
  return { id: r.id, type: r.type, at: new Date(r.occurred_at), actor: r.actor, article: r.article, payload: r.payload } as LifecycleEvent;
}

export async function serviceEvents(db: Db, serviceId: string): Promise<LifecycleEvent[]> {
  const rows = await db.selectFrom('events').selectAll().where('service_id', '=', serviceId).orderBy('id').execute();
  return rows.map(toLifecycleEvent);
}

/** Every service's events, grouped, in order: the registry derives all statuses from one read. */
export async function allServiceEvents(db: Db): Promise<Map<string, LifecycleEvent[]>> {
  const rows = await db.selectFrom('events').selectAll().where('service_id', 'is not', null).orderBy('id').execute();
  const byService = new Map<string, LifecycleEvent[]>();
  for (const r of rows) {
    const list = byService.get(r.service_id!) ?? [];
    list.push(toLifecycleEvent(r));
    byService.set(r.service_id!, list);
  }
  return byService;
}

export type ChainCheck = { ok: true; checked: number } | { ok: false; checked: number; firstBadEventId: number; problem: string };

/** Recomputes every hash in order; names the first event whose row no longer matches the chain. */
export async function verifyEventChain(db: Db, pageSize = 1000): Promise<ChainCheck> {
  let prevHash = GENESIS_HASH;
  let expectedId = 1;
  let checked = 0;
  for (;;) {
    const rows = await db.selectFrom('events').selectAll().where('id', '>=', expectedId).orderBy('id').limit(pageSize).execute();
    for (const r of rows) {
      if (r.id !== expectedId) return { ok: false, checked, firstBadEventId: expectedId, problem: 'missing event (deleted)' };
      if (r.prev_hash !== prevHash) return { ok: false, checked, firstBadEventId: r.id, problem: 'prev_hash does not match the event before' };
      const { hash, ...rest } = r;
      if (eventHash(rest) !== hash) return { ok: false, checked, firstBadEventId: r.id, problem: 'contents do not match the hash' };
      prevHash = hash;
      expectedId++;
      checked++;
    }
    if (rows.length < pageSize) break;
  }
  const head = await db.selectFrom('event_chain_head').selectAll().where('id', '=', 1).executeTakeFirst();
  if (head && (head.last_id !== expectedId - 1 || head.last_hash !== prevHash)) {
    return { ok: false, checked, firstBadEventId: expectedId, problem: 'events after this one were removed' };
  }
  return { ok: true, checked };
}
