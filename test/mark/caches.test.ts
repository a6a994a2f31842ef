import type { KyselyPlugin } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { revoke } from '../../src/domain/lifecycle/closure';
import { announcedService, Holds } from '../../src/mark/local-commits';
import { StatusCache } from '../../src/mark/status-cache';
import { testApp, type TestApp } from '../support/app';
import { testDatabase } from '../support/db';
import { certifiedWithToken, get, lifecycle, SITE } from '../tokens/support';
import { sql } from 'kysely';

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
    count.state.queries = 0;
    for (let i = 0; i < 25; i++) for (const p of paths) expect((await get(t, p, { Origin: SITE })).status).toBe(200);
    expect(count.state.queries).toBe(0);
  });

  it('reads the service again after a lifecycle event, once', async () => {
    const s = await certifiedWithToken(t);
    await get(t, `/mark/${s.token}.svg`);
    await revoke(lifecycle(t), s.id, { ground: 1, reason: 'x', notice: 'y' });
    // On PostgreSQL our own NOTIFY arrives a moment after the commit (until then the service is read through).
    for (let i = 0; i < 400 && t.deps.statuses.holds.isHeld(s.id); i++) await new Promise((r) => setTimeout(r, 5));
    count.state.queries = 0;
    expect((await get(t, `/mark/${s.token}.svg`)).status).toBe(410);
    const afterFirst = count.state.queries;
    expect(afterFirst).toBeGreaterThan(0);
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

  it('reads through a service held by a local transaction until its NOTIFY arrives', async () => {
    const s = await certifiedWithToken(t);
    const cache = new StatusCache(t.deps.database.db);
    await cache.get(s.id);
    cache.hold(s.id);
    expect(cache.peek(s.id)).toBeUndefined();
    await cache.get(s.id);
    expect(cache.peek(s.id)).toBeUndefined();
    cache.holds.release(s.id);
    await cache.get(s.id);
    expect(cache.peek(s.id)).toBeDefined();
  });

  it('holds are counted and end by themselves should a transaction roll back', () => {
    let now = 0;
    const real = performance.now;
    performance.now = () => now;
    try {
      const holds = new Holds(1000);
      holds.hold('a');
      holds.hold('a');
      holds.release('a');
      expect(holds.isHeld('a')).toBe(true);
      holds.release('a');
      expect(holds.isHeld('a')).toBe(false);
      holds.hold('b');
      now = 1001;
      expect(holds.isHeld('b')).toBe(false);
    } finally {
      performance.now = real;
    }
  });

  it('the cached status equals statusAt on the events at every instant, around expiry and before later events', async () => {
    const { fileRenewal, extend } = await import('../../src/domain/lifecycle/renewal');
    const { statusAt } = await import('../../src/domain/lifecycle/state');
    const { loadServiceFacts, statusFromFacts } = await import('../../src/mark/status-cache');
    const start = t.clock.now();
    const s = await certifiedWithToken(t);
    t.clock.set('2028-02-15T03:00:00Z');
    await fileRenewal(lifecycle(t), s.id, { selfDeclaration: { usedMarkCorrectly: true, statement: 'ok' }, overrideReason: null });
    t.clock.set('2028-03-30T03:00:00Z');
    await extend(lifecycle(t), s.id, { until: '2028-05-10', reason: 'pending' });
    const facts = (await loadServiceFacts(t.deps.database.db, s.id))!;
    const instants = ['2026-03-01T00:00:00Z', '2026-04-01T03:00:00Z', '2027-01-01T00:00:00Z', '2028-02-15T02:59:59Z', '2028-02-15T03:00:00Z', '2028-04-01T14:59:59Z', '2028-04-01T15:00:00Z', '2028-05-10T14:59:59.999Z', '2028-05-10T15:00:00Z', '2030-01-01T00:00:00Z'];
    for (const at of instants) expect(statusFromFacts(facts, new Date(at)), at).toBe(statusAt(facts.events, new Date(at)));
    t.clock.set(start);
  });

  it('recognises the announcement appendEvents sends, and nothing else', () => {
    expect(announcedService(sql`select pg_notify(${'certmark_changes'}, ${'svc-1'})`.toOperationNode() as never)).toBe('svc-1');
    expect(announcedService(sql`select pg_notify(${'certmark_keys'}, ${'k'})`.toOperationNode() as never)).toBeNull();
    expect(announcedService(sql`select 1`.toOperationNode() as never)).toBeNull();
  });
});
