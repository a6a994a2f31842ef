import type { KyselyPlugin } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { revoke } from '../../src/domain/lifecycle/closure';
import { inTransaction, onCommit } from '../../src/db/database';
import { StatusCache } from '../../src/standing/status-cache';
import { testApp, type TestApp } from '../support/app';
import { testDatabase } from '../support/db';
import { certifiedWithToken, get, lifecycle, SITE } from '../tokens/support';
import { sql } from 'kysely';

/**
 * On PostgreSQL our own NOTIFY arrives a moment after the commit and drops the service's entries once more (the
 * commit itself dropped them already): ask until a round reads nothing, for at most 2 s.
 */
async function settle(t: TestApp, count: { state: { queries: number } }, paths: string[]) {
  const until = performance.now() + 2000;
  for (;;) {
    count.state.queries = 0;
    for (const p of paths) await get(t, p, { Origin: SITE });
    if (count.state.queries === 0 || performance.now() > until) return;
    await new Promise((r) => setTimeout(r, 20));
  }
}

function counter() {
  const state = { queries: 0 };
  const plugin: KyselyPlugin = {
    transformQuery: (args) => {
      state.queries++;
      return args.node;
    },
    transformResult: async (args) => args.result,
  };
  return { state, plugin };
}

/** Issue: "a token's verification and a service's status are computed once, not per request". */
describe('the token and status caches', () => {
  let t: TestApp;
  const count = counter();
  beforeAll(async () => {
    const database = await testDatabase();
    database.db = database.db.withPlugin(count.plugin);
    t = await testApp({ database });
  });
  afterAll(async () => {
    await t.close();
  });

  it('answers repeated mark, PNG, badge and badge-image requests without touching the database', async () => {
    const s = await certifiedWithToken(t);
    const paths = [`/mark/${s.token}.svg`, `/mark/${s.token}.png?w=64`, `/api/v1/badge/${s.token}`, `/badge/${s.token}.svg`];
    for (const p of paths) expect((await get(t, p, { Origin: SITE })).status).toBe(200);
    await settle(t, count, paths);
    count.state.queries = 0;
    for (let i = 0; i < 25; i++) for (const p of paths) expect((await get(t, p, { Origin: SITE })).status).toBe(200);
    expect(count.state.queries).toBe(0);
  });

  it('reads the service again after a lifecycle event, once', async () => {
    const s = await certifiedWithToken(t);
    await get(t, `/mark/${s.token}.svg`);
    await revoke(lifecycle(t), s.id, { ground: 1, reason: 'x', notice: 'y', noticeSentBy: 'post' });
    // our own commit dropped the cached state before revoke() returned (the NOTIFY comes later, and drops again)
    expect(t.deps.statuses.peek(s.id)).toBeUndefined();
    count.state.queries = 0;
    expect((await get(t, `/mark/${s.token}.svg`)).status).toBe(410);
    expect(count.state.queries).toBeGreaterThan(0);
    await settle(t, count, [`/mark/${s.token}.svg`]);
    const afterFirst = count.state.queries;
    for (let i = 0; i < 10; i++) expect((await get(t, `/mark/${s.token}.svg`)).status).toBe(410);
    expect(count.state.queries).toBe(afterFirst);
  });

  it('does not keep state read while a drop happened (it may predate the change)', async () => {
    const s = await certifiedWithToken(t);
    const cache = new StatusCache(t.deps.database.db);
    const pending = cache.get(s.id);
    cache.drop(s.id);
    expect(await pending).not.toBeNull();
    expect(cache.peek(s.id)).toBeUndefined();
    await cache.get(s.id);
    expect(cache.peek(s.id)).not.toBeUndefined();
  });

  it('the cached status equals statusAt on the events at every instant, around expiry and before later events', async () => {
    const { fileRenewal, extend } = await import('../../src/domain/lifecycle/renewal');
    const { statusAt } = await import('../../src/domain/lifecycle/state');
    const { loadServiceFacts, statusFromFacts } = await import('../../src/standing/facts');
    const start = t.clock.now();
    const s = await certifiedWithToken(t);
    t.clock.set('2028-02-15T03:00:00Z');
    await fileRenewal(lifecycle(t), s.id, { selfDeclaration: { usedMarkCorrectly: true, statement: 'ok' }, overrideReason: null });
    t.clock.set('2028-03-30T03:00:00Z');
    await extend(lifecycle(t), s.id, { until: '2028-05-10', reason: 'pending' });
    const facts = (await loadServiceFacts(t.deps.database.db, s.id))!;
    const instants = [
      '2026-03-01T00:00:00Z',
      '2026-04-01T03:00:00Z',
      '2027-01-01T00:00:00Z',
      '2028-02-15T02:59:59Z',
      '2028-02-15T03:00:00Z',
      '2028-04-01T14:59:59Z',
      '2028-04-01T15:00:00Z',
      '2028-05-10T14:59:59.999Z',
      '2028-05-10T15:00:00Z',
      '2030-01-01T00:00:00Z',
    ];
    for (const at of instants) expect(statusFromFacts(facts, new Date(at)), at).toBe(statusAt(facts.events, new Date(at)));
    t.clock.set(start);
  });
});

describe('transactions: after-commit hooks and the outer-connection guard', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await testApp();
  });
  afterAll(async () => t.close());

  it('runs onCommit hooks once the outermost transaction commits, in order, and never after a rollback', async () => {
    const ran: string[] = [];
    await inTransaction(t.database.db, async (tx) => {
      onCommit(tx, () => ran.push('outer'));
      await inTransaction(tx, async (inner) => {
        onCommit(inner, () => ran.push('inner'));
        expect(ran).toEqual([]);
      });
      expect(ran).toEqual([]); // the nested call is part of the outer transaction
    });
    expect(ran).toEqual(['outer', 'inner']);
    await expect(
      inTransaction(t.database.db, async (tx) => {
        onCommit(tx, () => ran.push('rolled back'));
        throw new Error('fails');
      }),
    ).rejects.toThrow('fails');
    expect(ran).toEqual(['outer', 'inner']);
  });

  it('refuses a query on the outer connection inside a transaction of the same database', async () => {
    const db = t.database.db;
    await expect(inTransaction(db, async () => sql`select 1`.execute(db))).rejects.toThrow(/outer database connection inside a transaction/);
    // and the database is usable afterwards
    expect((await sql<{ one: number }>`select 1 as one`.execute(db)).rows[0]!.one).toBe(1);
  });

  it('drops the status and token caches of a service as soon as a local lifecycle commit returns', async () => {
    const s = await certifiedWithToken(t);
    expect((await get(t, `/mark/${s.token}.svg`, { Origin: SITE })).status).toBe(200);
    expect(t.deps.statuses.peek(s.id)).toBeDefined();
    await revoke(lifecycle(t), s.id, { ground: 1, reason: 'x', notice: 'y', noticeSentBy: 'post' });
    expect(t.deps.statuses.peek(s.id)).toBeUndefined();
    expect(t.deps.tokens.peek(s.token)).toBeUndefined();
    expect((await get(t, `/mark/${s.token}.svg`, { Origin: SITE })).status).toBe(410);
  });
});
