import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { issueStaffToken } from '../../src/access/staff-tokens';
import type { Tx } from '../../src/db/database';
import { changeDisclosure } from '../../src/domain/lifecycle/changes';
import { checkRegister } from '../../src/domain/register-check';
import { adoptPendingRecords } from '../../src/repositories/records';
import { issueEmbedToken } from '../../src/tokens/issue';
import { markPng, postSighting, certifiedService, crawlerKey, ctxOf } from '../sightings/support';
import { testApp, type TestApp } from '../support/app';

/**
 * Every state change is on the chain (issue 12): records kept beside the lifecycle carry their id and a
 * fingerprint on the chain, disclosure events carry a digest of each item, and the history tables are
 * append-only. Each tampering is named by the register check, then put back.
 */
let t: TestApp;
let key: string;
beforeAll(async () => {
  t = await testApp();
  key = (await crawlerKey(t)).key;
});
afterAll(async () => t.close());

/** Runs fn with the triggers bypassed, as an intruder with database access could. */
async function asIntruder(fn: (tx: Tx) => Promise<unknown>) {
  await t.database.db.transaction().execute(async (tx) => {
    await sql`set local session_replication_role = replica`.execute(tx);
    await fn(tx);
  });
}

const check = () => checkRegister(t.database.db);

async function serviceWithItems() {
  const s = await certifiedService(t);
  await changeDisclosure(ctxOf(t), s.id, {
    note: 'items',
    items: [
      { key: 'dc', labelJa: 'データセンター', labelEn: 'Data centre', valueJa: '東京', valueEn: 'Tokyo', withheld: false, withheldReason: null },
      { key: 'sub', labelJa: '委託先', labelEn: null, valueJa: '非公開の委託先', valueEn: null, withheld: true, withheldReason: '契約上' },
    ],
  });
  return s;
}

describe('the register check: records beside the chain', () => {
  it('finds nothing wrong in a register written only through certmark', async () => {
    await serviceWithItems();
    const r = await check();
    expect(r.records.problems).toEqual([]);
    expect(r.ok).toBe(true);
    expect(r.records.checked).toBeGreaterThan(0);
  });

  it('names a disclosure item whose published value was edited in the database', async () => {
    const s = await serviceWithItems();
    const [row] = await t.database.db.selectFrom('disclosure_items').selectAll().where('service_id', '=', s.id).where('key', '=', 'dc').execute();
    await asIntruder((tx) => tx.updateTable('disclosure_items').set({ value_ja: '大阪' }).where('service_id', '=', s.id).where('key', '=', 'dc').execute());
    try {
      const r = await check();
      expect(r.ok).toBe(false);
      expect(r.records.problems).toContainEqual({ table: 'disclosure_items', record: `${s.id}/v${row!.version}`, problem: 'changed outside certmark' });
    } finally {
      await asIntruder((tx) =>
        tx.updateTable('disclosure_items').set({ value_ja: row!.value_ja }).where('service_id', '=', s.id).where('key', '=', 'dc').execute(),
      );
    }
    expect((await check()).ok).toBe(true);
  });

  it('names a disclosure item whose withheld flag was turned in the database', async () => {
    const s = await serviceWithItems();
    await asIntruder((tx) => tx.updateTable('disclosure_items').set({ withheld: false }).where('service_id', '=', s.id).where('key', '=', 'sub').execute());
    try {
      expect((await check()).records.problems).toContainEqual(expect.objectContaining({ table: 'disclosure_items', problem: 'changed outside certmark' }));
    } finally {
      await asIntruder((tx) => tx.updateTable('disclosure_items').set({ withheld: true }).where('service_id', '=', s.id).where('key', '=', 'sub').execute());
    }
  });

  it('names an embed token row whose origins were widened in the database', async () => {
    const s = await certifiedService(t);
    const issued = await issueEmbedToken({ db: t.database.db, clock: t.clock, keys: t.deps.keys, base: t.config.publicBaseUrl, actor: 'test' }, s.id, {
      origins: null,
    });
    await asIntruder((tx) =>
      tx
        .updateTable('embed_tokens')
        .set({ origins: JSON.stringify([s.origin, 'https://copycat.example']) as never })
        .where('jti', '=', issued.jti)
        .execute(),
    );
    try {
      expect((await check()).records.problems).toContainEqual({ table: 'embed_tokens', record: issued.jti, problem: 'changed outside certmark' });
    } finally {
      await asIntruder((tx) =>
        tx
          .updateTable('embed_tokens')
          .set({ origins: JSON.stringify([s.origin]) as never })
          .where('jti', '=', issued.jti)
          .execute(),
      );
    }
    expect((await check()).ok).toBe(true);
  });

  it('names a misuse case whose status was changed in the database, but not the sightings counted on it', async () => {
    const s = await certifiedService(t);
    expect((await postSighting(t, key, { image: await markPng(), pageUrl: s.page, seenAt: t.clock.now().toISOString() })).status).toBe(201);
    expect((await postSighting(t, key, { image: await markPng(), pageUrl: s.page, seenAt: t.clock.now().toISOString() })).status).toBe(201);
    const c = await t.database.db.selectFrom('misuse_cases').selectAll().where('service_id', '=', s.id).executeTakeFirstOrThrow();
    expect(c.sightings_count).toBe(2);
    expect((await check()).ok).toBe(true); // counting is not a change of the case
    await asIntruder((tx) => tx.updateTable('misuse_cases').set({ status: 'dismissed' }).where('id', '=', c.id).execute());
    try {
      expect((await check()).records.problems).toContainEqual({ table: 'misuse_cases', record: c.id, problem: 'changed outside certmark' });
    } finally {
      await asIntruder((tx) => tx.updateTable('misuse_cases').set({ status: 'open' }).where('id', '=', c.id).execute());
    }
  });

  it('puts a case dismissed through the API on the chain', async () => {
    const s = await certifiedService(t);
    expect((await postSighting(t, key, { image: await markPng(), pageUrl: s.page, seenAt: t.clock.now().toISOString() })).status).toBe(201);
    const c = await t.database.db.selectFrom('misuse_cases').select('id').where('service_id', '=', s.id).executeTakeFirstOrThrow();
    expect((await t.json('POST', `/api/v1/admin/cases/${c.id}/dismissal`, { reason: 'the vendor’s own test page' })).status).toBe(200);
    expect((await check()).ok).toBe(true);
    const closed = await t.database.db.selectFrom('events').select(['type', 'payload']).where('type', '=', 'case.closed').execute();
    expect(closed.map((e) => (e.payload as { record: string }).record)).toContain(c.id);
  });

  it('names a staff token written straight into the table, and one deleted from it', async () => {
    const issued = (await issueStaffToken({ db: t.database.db, clock: t.clock, actor: 'test' }, { name: 'to delete', role: 'auditor' }))!;
    const saved = await t.database.db.selectFrom('staff_tokens').selectAll().where('id', '=', issued.id).executeTakeFirstOrThrow();
    await asIntruder(async (tx) => {
      await tx
        .insertInto('staff_tokens')
        .values({ id: 'intruder', name: 'backdoor', role: 'admin', token_hash: 'f'.repeat(64), created_at: new Date(), revoked_at: null })
        .execute();
      await tx.deleteFrom('staff_tokens').where('id', '=', issued.id).execute();
    });
    try {
      const problems = (await check()).records.problems;
      expect(problems).toContainEqual({ table: 'staff_tokens', record: 'intruder', problem: 'not on the chain' });
      expect(problems).toContainEqual({ table: 'staff_tokens', record: issued.id, problem: 'deleted' });
    } finally {
      await asIntruder(async (tx) => {
        await tx.deleteFrom('staff_tokens').where('id', '=', 'intruder').execute();
        await tx.insertInto('staff_tokens').values(saved).execute();
      });
    }
    expect((await check()).ok).toBe(true);
  });

  it('puts key rotation, crawler keys and staff tokens on the chain with ids and fingerprints, never secrets', async () => {
    const before = (
      await t.database.db
        .selectFrom('events')
        .select((eb) => eb.fn.max('id').as('m'))
        .executeTakeFirstOrThrow()
    ).m;
    const made = await t.json('POST', '/api/v1/admin/crawler-keys', { name: 'chain crawler' });
    const { key: secret, id } = await made.json();
    expect((await t.json('POST', `/api/v1/admin/crawler-keys/${id}/revoke`)).status).toBe(200);
    const rotated = await (await t.json('POST', '/api/v1/admin/keys/rotate')).json();
    const events = await t.database.db.selectFrom('events').selectAll().where('id', '>', Number(before)).orderBy('id').execute();
    expect(events.map((e) => e.type)).toEqual(['crawler_key.made', 'crawler_key.revoked', 'signing_key.retired', 'signing_key.added']);
    expect(events[3]!.payload).toMatchObject({ record: rotated.kid, fingerprint: expect.stringMatching(/^[0-9a-f]{64}$/) });
    expect(JSON.stringify(events)).not.toContain(secret);
    expect(events.every((e) => e.actor.startsWith('staff:'))).toBe(true);
  });
});

describe('history tables are append-only, as events are', () => {
  it.each(['disclosure_items', 'periods', 'audit_log'] as const)('refuses to update or delete %s', async (table) => {
    await serviceWithItems();
    await t.database.db.insertInto('audit_log').values({ staff_token_id: 'x', at: new Date(), action: 'read test', subject: 'x' }).execute();
    await expect(sql`update ${sql.table(table)} set ${sql.ref(table === 'audit_log' ? 'subject' : 'service_id')} = 'y'`.execute(t.database.db)).rejects.toThrow(
      /append-only/,
    );
    await expect(sql`delete from ${sql.table(table)}`.execute(t.database.db)).rejects.toThrow(/append-only/);
  });
});

describe('records written before the chain covered them', () => {
  it('are adopted once, at the start after migration 0004, and are then checked like any other', async () => {
    await asIntruder(async (tx) => {
      await tx
        .insertInto('crawler_keys')
        .values({ id: 'before-0004', name: 'old crawler', key_hash: 'e'.repeat(64), created_at: new Date(), revoked_at: null })
        .execute();
    });
    expect((await check()).records.problems).toContainEqual({ table: 'crawler_keys', record: 'before-0004', problem: 'not on the chain' });
    expect(await adoptPendingRecords(t.database.db, t.clock.now())).toBe(0); // nothing pending: nothing adopted
    await t.database.db.insertInto('pending_adoptions').values({ name: 'records_on_chain' }).execute();
    expect(await adoptPendingRecords(t.database.db, t.clock.now())).toBeGreaterThan(0);
    expect((await check()).ok).toBe(true);
    expect(await adoptPendingRecords(t.database.db, t.clock.now())).toBe(0);
  });
});
