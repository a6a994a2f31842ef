import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Tx } from '../../src/db/database';
import { revoke } from '../../src/domain/lifecycle/closure';
import { onService } from '../../src/domain/lifecycle/context';
import { eventHash, verifyEventChain } from '../../src/repositories/events';
import { lifecycleHarness, type Harness } from './harness';

// One database for the file: each tampering test puts the rows back as they were afterwards.
let h: Harness;
beforeAll(async () => {
  h = await lifecycleHarness();
});
afterAll(async () => h.close());

/** Runs fn with the append-only trigger bypassed, as an intruder with database access could. */
async function asIntruder(fn: (tx: Tx) => Promise<unknown>) {
  await h.database.db.transaction().execute(async (tx) => {
    await sql`set local session_replication_role = replica`.execute(tx);
    await fn(tx);
  });
}

/** Changes event rows, runs the check, then restores the rows exactly; the chain is whole again after. */
async function tamper(ids: number[], change: (tx: Tx) => Promise<unknown>, check: () => Promise<void>) {
  const saved = await h.database.db.selectFrom('events').selectAll().where('id', 'in', ids).execute();
  await asIntruder(change);
  try {
    await check();
  } finally {
    await asIntruder(async (tx) => {
      await tx.deleteFrom('events').where('id', 'in', ids).execute();
      for (const r of saved)
        await tx
          .insertInto('events')
          .values({ ...r, payload: JSON.stringify(r.payload) as never })
          .execute();
    });
  }
  expect((await verifyEventChain(h.database.db)).ok).toBe(true);
}

async function someEvents() {
  h.jst('2025-01-10');
  const a = await h.certified();
  const b = await h.certified();
  await revoke(h.ctx, a.id, { ground: 2, reason: '不正の手段', notice: '書面', noticeSentBy: 'post' });
  const ids = (await h.database.db.selectFrom('events').select('id').orderBy('id').execute()).map((r) => r.id);
  expect(ids.length).toBeGreaterThan(8);
  return { a, b, ids };
}

describe('the event hash chain (events are append-only)', () => {
  it('verifies an untouched chain', async () => {
    const { ids } = await someEvents();
    expect(await verifyEventChain(h.database.db)).toEqual({ ok: true, checked: ids.at(-1) });
  });

  it('refuses to update or delete an event while the append-only trigger is in place', async () => {
    const { ids } = await someEvents();
    await expect(h.database.db.updateTable('events').set({ actor: 'someone else' }).where('id', '=', ids.at(-3)!).execute()).rejects.toThrow(/append-only/);
    await expect(h.database.db.deleteFrom('events').where('id', '=', ids.at(-3)!).execute()).rejects.toThrow(/append-only/);
  });

  it('names the event whose payload was changed in the database', async () => {
    const { ids } = await someEvents();
    const target = ids.at(-5)!;
    await tamper(
      [target],
      (tx) =>
        tx
          .updateTable('events')
          .set({ payload: JSON.stringify({ edited: true }) as never })
          .where('id', '=', target)
          .execute(),
      async () => {
        expect(await verifyEventChain(h.database.db)).toMatchObject({ ok: false, firstBadEventId: target, problem: 'contents do not match the hash' });
      },
    );
  });

  it('names the event whose time was moved, even by one millisecond', async () => {
    const { ids } = await someEvents();
    const target = ids.at(-1)!;
    await tamper(
      [target],
      (tx) =>
        tx
          .updateTable('events')
          .set({ occurred_at: sql`occurred_at + interval '1 millisecond'` as never })
          .where('id', '=', target)
          .execute(),
      async () => {
        expect(await verifyEventChain(h.database.db)).toMatchObject({ ok: false, firstBadEventId: target });
      },
    );
  });

  it('names an event whose stored hash was replaced', async () => {
    const { ids } = await someEvents();
    const target = ids.at(-6)!;
    await tamper(
      [target],
      (tx) =>
        tx
          .updateTable('events')
          .set({ hash: 'f'.repeat(64) })
          .where('id', '=', target)
          .execute(),
      async () => {
        expect(await verifyEventChain(h.database.db)).toMatchObject({ ok: false, firstBadEventId: target });
      },
    );
  });

  it('names the event after one that was edited with its own hash recomputed: the link to it breaks', async () => {
    const { ids } = await someEvents();
    const target = ids.at(-6)!;
    const row = await h.database.db.selectFrom('events').selectAll().where('id', '=', target).executeTakeFirstOrThrow();
    const { hash: _old, ...rest } = row;
    const forged = eventHash({ ...rest, actor: 'forger' });
    await tamper(
      [target],
      (tx) => tx.updateTable('events').set({ actor: 'forger', hash: forged }).where('id', '=', target).execute(),
      async () => {
        expect(await verifyEventChain(h.database.db)).toMatchObject({
          ok: false,
          firstBadEventId: target + 1,
          problem: 'prev_hash does not match the event before',
        });
      },
    );
  });

  it('names a deleted event', async () => {
    const { ids } = await someEvents();
    const target = ids.at(-4)!;
    await tamper(
      [target],
      (tx) => tx.deleteFrom('events').where('id', '=', target).execute(),
      async () => {
        expect(await verifyEventChain(h.database.db)).toMatchObject({ ok: false, firstBadEventId: target, problem: 'missing event (deleted)' });
      },
    );
  });

  it('notices the last events cut off', async () => {
    const { ids } = await someEvents();
    const cut = ids.slice(-2);
    await tamper(
      cut,
      (tx) => tx.deleteFrom('events').where('id', 'in', cut).execute(),
      async () => {
        expect(await verifyEventChain(h.database.db)).toMatchObject({ ok: false, firstBadEventId: cut[0] });
      },
    );
  });
});

describe('one operation, one transaction', () => {
  async function counts() {
    const n = async (t: 'events' | 'disclosure_items' | 'periods') =>
      Number(
        (
          await h.database.db
            .selectFrom(t)
            .select((eb) => eb.fn.countAll().as('n'))
            .executeTakeFirstOrThrow()
        ).n,
      );
    const head = await h.database.db.selectFrom('event_chain_head').selectAll().executeTakeFirstOrThrow();
    return { events: await n('events'), items: await n('disclosure_items'), periods: await n('periods'), head };
  }

  it('leaves no partial rows when an operation fails after its events were appended', async () => {
    const id = await h.applied();
    const before = await counts();
    const failing = onService(h.ctx, id, () => ({
      events: [{ type: 'disclosure.changed', payload: { version: 9, changedKeys: ['x'], note: 'n' } }],
      project: async (tx, written) => {
        await tx
          .insertInto('disclosure_items')
          .values({
            service_id: id,
            version: 9,
            position: 0,
            key: 'x',
            label_ja: 'x',
            label_en: null,
            value_ja: 'x',
            value_en: null,
            withheld: false,
            withheld_reason: null,
            event_id: written[0]!.id,
          })
          .execute();
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
