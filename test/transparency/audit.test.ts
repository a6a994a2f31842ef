import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run } from '../../src/cli/main';
import { eventHash, GENESIS_HASH, verifyEventChain } from '../../src/repositories/events';
import { BASE, testApp, type TestApp } from '../support/app';
import { lifecycle, NOW, type World } from '../public/world';

let t: TestApp;
let world: World;
let dir: string;

/** Runs `certmark audit` against the test app (no network: requests go through app.request). */
async function auditCli(args: string[] = [], fetcher?: typeof fetch) {
  let stdout = '';
  let stderr = '';
  const code = await run(['audit', BASE, '--state', join(dir, 'state.json'), ...args], {
    env: {},
    cwd: dir,
    stdout: (s) => (stdout += s),
    stderr: (s) => (stderr += s),
    fetch: fetcher ?? (((url: string, init?: RequestInit) => t.app.request(url, init)) as typeof fetch),
  });
  return { code, stdout, stderr };
}

beforeAll(async () => {
  t = await testApp({ now: NOW });
  world = await lifecycle(t).everyStatus();
  await t.deps.log!.sequence();
  dir = await mkdtemp(join(tmpdir(), 'certmark-audit-'));
});
afterAll(async () => {
  await t.close();
  await rm(dir, { recursive: true, force: true });
});

describe('certmark audit {base}', () => {
  it('verifies a first checkpoint, every entry and every public event of every verification page, and keeps the checkpoint', async () => {
    const r = await auditCli();
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/verifies: checkpoint of \d+ entries \(first audit/);
    expect(r.stdout).toMatch(/; (\d+) public events of 7 verification pages proved included/);
    expect(Number(/; (\d+) public events/.exec(r.stdout)![1])).toBeGreaterThanOrEqual(9);
    const state = JSON.parse(await readFile(join(dir, 'state.json'), 'utf8')) as Record<string, { checkpoint: { size: number } }>;
    expect(state['certmark.test']!.checkpoint.size).toBe((await t.deps.log!.checkpoint())!.size);
  });

  it('verifies a later checkpoint as consistent with the one it saw', async () => {
    const before = (await t.deps.log!.checkpoint())!.size;
    await lifecycle(t).certified({ certifiedOn: '2026-03-31' });
    await t.deps.log!.sequence();
    const r = await auditCli(['--json']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ ok: true, previousSize: before, servicesChecked: 8, problems: [] });
  });

  it('fails, naming the problem, when the checkpoint’s signature does not verify', async () => {
    const forging = (async (url: string, init?: RequestInit) => {
      const res = await t.app.request(url, init);
      if (!url.endsWith('/.well-known/certmark/checkpoint')) return res;
      const note = await res.text();
      return new Response(
        note.replace(/\n(\d+)\n/u, (_, n) => `\n${Number(n) + 1}\n`),
        { status: 200 },
      );
    }) as typeof fetch;
    const r = await auditCli([], forging);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('signature does not verify');
  });

  it('fails when an entry served is not the one the checkpoint signs, naming the entry', async () => {
    const size = (await t.deps.log!.checkpoint())!.size;
    await lifecycle(t).certified({ certifiedOn: '2026-03-31' });
    await t.deps.log!.sequence();
    const bending = (async (url: string, init?: RequestInit) => {
      const res = await t.app.request(url, init);
      if (!url.includes('/api/v1/log/entries')) return res;
      const page = (await res.json()) as { entries: { index: number; entry: string }[] };
      for (const e of page.entries) if (e.index === size + 1) e.entry = Buffer.from('{"v":1,"commitment":"x"}').toString('base64');
      return Response.json(page);
    }) as typeof fetch;
    const r = await auditCli([], bending);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(`FAILED at entry #${size + 1}: the entries served do not hash to the checkpoint’s root`);
    expect((await auditCli()).code).toBe(0); // the state did not move on the failure; the true log still verifies
  });

  it('fails, naming the entry, when a verification page says of a public event other than its log entry does', async () => {
    const revokedAt = await t.database.db
      .selectFrom('events')
      .select('id')
      .where('service_id', '=', world.revoked.id)
      .where('type', '=', 'service.revoked')
      .executeTakeFirstOrThrow();
    const leaf = await t.database.db.selectFrom('log_leaves').select('idx').where('event_id', '=', revokedAt.id).executeTakeFirstOrThrow();
    const rewording = (async (url: string, init?: RequestInit) => {
      const res = await t.app.request(url, init);
      if (!url.endsWith(`/api/v1/services/${world.revoked.number}`)) return res;
      const body = (await res.json()) as { history: { type: string; reason?: string }[] };
      for (const h of body.history) if (h.type === 'revoked') h.reason = '別の理由';
      return Response.json(body);
    }) as typeof fetch;
    const r = await auditCli(['--number', world.revoked.number], rewording);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(`FAILED at entry #${leaf.idx}: ${world.revoked.number}: entry #${leaf.idx} says reason =`);
  });

  it('reports a consistency failure when a past event is rewritten and the tree recomputed and re-signed with the same key', async () => {
    const db = t.database.db;
    // The event to rewrite: the revocation, a public event well inside the checkpoint the auditor saw.
    const target = await db
      .selectFrom('events')
      .selectAll()
      .where('service_id', '=', world.revoked.id)
      .where('type', '=', 'service.revoked')
      .executeTakeFirstOrThrow();
    const leaf = await db.selectFrom('log_leaves').select('idx').where('event_id', '=', target.id).executeTakeFirstOrThrow();

    // Whoever can write to the database: the triggers off, the event changed, the hash chain recomputed from it on…
    for (const table of ['events', 'log_leaves', 'log_nodes', 'log_checkpoints', 'log_cosignatures'])
      await sql`alter table ${sql.table(table)} disable trigger user`.execute(db);
    const later = await db.selectFrom('events').selectAll().where('id', '>=', target.id).orderBy('id').execute();
    let prev =
      target.id === 1
        ? GENESIS_HASH
        : (
            await db
              .selectFrom('events')
              .select('hash')
              .where('id', '=', target.id - 1)
              .executeTakeFirstOrThrow()
          ).hash;
    for (const e of later) {
      const payload = e.id === target.id ? { ...(e.payload as object), reason: '書き換えた理由' } : e.payload;
      const row = { ...e, payload, prev_hash: prev } as typeof e;
      const hash = eventHash(row);
      await db
        .updateTable('events')
        .set({ payload: JSON.stringify(payload) as never, prev_hash: prev, hash: `${hash}-pending` })
        .where('id', '=', e.id)
        .execute();
      prev = hash;
    }
    await sql`update events set hash = replace(hash, '-pending', '')`.execute(db);
    await db.updateTable('event_chain_head').set({ last_hash: prev }).where('id', '=', 1).execute();
    // …and the whole log recomputed from the rewritten chain and signed again with the same key.
    for (const table of ['log_cosignatures', 'log_checkpoints', 'log_nodes', 'log_leaves']) await db.deleteFrom(table as 'log_leaves').execute();
    await t.deps.log!.sequence();

    // The registry's own chain check sees nothing: the history was rewritten consistently.
    expect((await verifyEventChain(db)).ok).toBe(true);
    // The auditor, who kept the checkpoint it saw before, does.
    const r = await auditCli();
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('consistency failure');
    expect(r.stdout).toContain(`FAILED at entry #${leaf.idx}`);
    expect(r.stdout).toContain(`entry #${leaf.idx} is not the entry seen before`);
    // and keeps failing: the state still holds the checkpoint it saw
    expect((await auditCli()).code).toBe(1);
  });
});
