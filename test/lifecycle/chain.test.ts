import { sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { revoke } from '../../src/domain/lifecycle/closure';
import { onService } from '../../src/domain/lifecycle/context';
import { eventHash, verifyEventChain } from '../../src/repositories/events';
import { lifecycleHarness, type Harness } from './harness';

let h: Harness;
beforeEach(async () => {
  h = await lifecycleHarness();
});
afterEach(async () => h.close());

/** Changes one event row the way an intruder with database access would: with the append-only trigger bypassed. */
async function tamper(apply: (db: Harness['database']['db']) => Promise<unknown>) {
  await h.database.db.transaction().execute(async (tx) => {
    await sql`set local session_replication_role = replica`.execute(tx);
    await apply(tx);
  });
}

async function someEvents() {
  h.jst('2025-01-10');
  const a = await h.certified();
  const b = await h.certified();
  await revoke(h.ctx, a.id, { ground: 2, reason: '不正の手段', notice: '書面' });
  const ids = (await h.database.db.selectFrom('events').select('id').orderBy('id').execute()).map((r) => r.id);
  expect(ids.length).toBeGreaterThan(8);
  return { a, b, ids };
}

describe('the event hash chain (events are append-only)', () => {
  it('verifies an untouched chain', async () => {
    const { ids } = await someEvents();
    expect(await verifyEventChain(h.database.db)).toEqual({ ok: true, checked: ids.length });
  });

  it('refuses to update or delete an event while the append-only trigger is in place', async () => {
    const { ids } = await someEvents();
    await expect(h.database.db.updateTable('events').set({ actor: 'someone else' }).where('id', '=', ids[2]!).execute()).rejects.toThrow(/append-only/);
    await expect(h.database.db.deleteFrom('events').where('id', '=', ids[2]!).execute()).rejects.toThrow(/append-only/);
  });

  it('names the event whose payload was changed in the database', async () => {
    const { ids } = await someEvents();
    const target = ids[4]!;
    await tamper((db) => db.updateTable('events').set({ payload: JSON.stringify({ edited: true }) as never }).where('id', '=', target).execute());
    expect(await verifyEventChain(h.database.db)).toMatchObject({ ok: false, firstBadEventId: target, problem: 'contents do not match the hash' });
  });

  it('names the event whose time was moved, even by one millisecond', async () => {
    const { ids } = await someEvents();
    const target = ids.at(-1)!;
    await tamper((db) => db.updateTable('events').set({ occurred_at: sql`occurred_at + interval '1 millisecond'` as never }).where('id', '=', target).execute());
    expect(await verifyEventChain(h.database.db)).toMatchObject({ ok: false, firstBadEventId: target });
  });

  it('names an event whose stored hash was replaced', async () => {
    const { ids } = await someEvents();
    const target = ids[3]!;
    await tamper((db) => db.updateTable('events').set({ hash: 'f'.repeat(64) }).where('id', '=', target).execute());
    expect(await verifyEventChain(h.database.db)).toMatchObject({ ok: false, firstBadEventId: target });
  });

  it('names the event after one that was edited with its own hash recomputed: the link to it breaks', async () => {
    const { ids } = await someEvents();
    const target = ids[3]!;
    const row = await h.database.db.selectFrom('events').selectAll().where('id', '=', target).executeTakeFirstOrThrow();
    const { hash: _old, ...rest } = row;
    const forged = eventHash({ ...rest, actor: 'forger' });
    await tamper((db) => db.updateTable('events').set({ actor: 'forger', hash: forged }).where('id', '=', target).execute());
    expect(await verifyEventChain(h.database.db)).toMatchObject({ ok: false, firstBadEventId: ids[4], problem: 'prev_hash does not match the event before' });
  });

  it('names a deleted event', async () => {
    const { ids } = await someEvents();
    const target = ids[5]!;
    await tamper((db) => db.deleteFrom('events').where('id', '=', target).execute());
    expect(await verifyEventChain(h.database.db)).toMatchObject({ ok: false, firstBadEventId: target, problem: 'missing event (deleted)' });
  });

  it('notices the last events cut off', async () => {
    const { ids } = await someEvents();
    await tamper((db) => db.deleteFrom('events').where('id', '>=', ids.at(-2)!).execute());
    expect(await verifyEventChain(h.database.db)).toMatchObject({ ok: false, firstBadEventId: ids.at(-2) });
  });
});

describe('one operation, one transaction', () => {
  async function counts() {
    const n = async (t: 'events' | 'disclosure_items' | 'periods') => Number((await h.database.db.selectFrom(t).select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);
    const head = await h.database.db.selectFrom('event_chain_head').selectAll().executeTakeFirstOrThrow();
    return { events: await n('events'), items: await n('disclosure_items'), periods: await n('periods'), head };
  }

  it('leaves no partial rows when an operation fails after its events were appended', async () => {
    const id = await h.applied();
    const before = await counts();
    const failing = onService(h.ctx, id, () => ({
      events: [{ type: 'disclosure.changed', payload: { version: 9, changedKeys: ['x'], note: 'n' } }],
      project: async (tx, written) => {
        await tx.insertInto('disclosure_items').values({ service_id: id, version: 9, position: 0, key: 'x', label_ja: 'x', label_en: null, value_ja: 'x', value_en: null, withheld: false, withheld_reason: null, event_id: written[0]!.id }).execute();
        throw new Error('the projection failed');
      },
    }));
    await expect(failing).rejects.toThrow('the projection failed');
    expect(await counts()).toEqual(before);
    expect((await verifyEventChain(h.database.db)).ok).toBe(true);
  });

  it('leaves no rows when a rule refuses the operation', async () => {
    h.jst('2025-01-10');
    const { id } = await h.certified();
    const before = await counts();
    await expect(h.certify(id)).rejects.toMatchObject({ kind: 'forbidden_transition', article: 'Art. 6.1' });
    expect(await counts()).toEqual(before);
  });
});
