import { createHash, verify } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inTransaction } from '../../src/db/database';
import { silentLogger } from '../../src/logger';
import { appendEvents } from '../../src/repositories/events';
import { revoke } from '../../src/domain/lifecycle/closure';
import { prepareLog } from '../../src/transparency/deps';
import { commitment, commitmentSalt, parseEntry } from '../../src/transparency/entry';
import { testApp, testConfig, type TestApp } from '../support/app';
import { testDatabase } from '../support/db';
import { lifecycle, NOW, type World } from '../public/world';
import { MTH, PATH, PROOF } from './rfc9162';

let t: TestApp;
let world: World;

const text = async (path: string) => {
  const res = await t.app.request(path);
  expect(res.status, path).toBe(200);
  return res.text();
};
const json = async <T>(path: string) => {
  const res = await t.app.request(path);
  expect(res.status, path).toBe(200);
  return (await res.json()) as T;
};

/** What an outsider does with node:crypto alone: checks the note's signature with the vkey and reads the tree head. */
function readCheckpoint(note: string, vkey: string) {
  const [name, idHex, keyB64] = [vkey.slice(0, vkey.indexOf('+')), vkey.split('+')[1]!, vkey.slice(vkey.indexOf('+', vkey.indexOf('+') + 1) + 1).trim()];
  const key = Buffer.from(keyB64, 'base64');
  expect(key[0]).toBe(1);
  expect(createHash('sha256').update(`${name}\n\x01`, 'latin1').update(key.subarray(1)).digest().subarray(0, 4).toString('hex')).toBe(idHex);
  const [body, sigs] = note.split('\n\n') as [string, string];
  const sig = Buffer.from(/^— (\S+) (\S+)$/mu.exec(sigs)![2]!, 'base64');
  expect(/^— (\S+) /u.exec(sigs)![1]).toBe(name);
  expect(sig.subarray(0, 4).toString('hex')).toBe(idHex);
  const pub = { key: { kty: 'OKP', crv: 'Ed25519', x: key.subarray(1).toString('base64url') }, format: 'jwk' } as const;
  expect(verify(null, Buffer.from(`${body}\n`), pub, sig.subarray(4))).toBe(true);
  const [origin, size, root] = body.split('\n') as [string, string, string];
  return { origin, size: Number(size), root: Buffer.from(root, 'base64') };
}

async function allEntries(size: number): Promise<Buffer[]> {
  const out: Buffer[] = [];
  for (let start = 0; start < size; start += 1000) {
    const page = await json<{ entries: { index: number; entry: string }[] }>(`/api/v1/log/entries?start=${start}&end=${Math.min(size, start + 1000)}`);
    for (const e of page.entries) {
      expect(e.index).toBe(out.length);
      out.push(Buffer.from(e.entry, 'base64'));
    }
  }
  return out;
}

beforeAll(async () => {
  t = await testApp({ now: NOW });
  world = await lifecycle(t).everyStatus();
  await t.deps.log!.sequence();
});
afterAll(async () => t.close());

describe('the log holds every event on the chain (CONTRACT.md, "The transparency log")', () => {
  it('signs a checkpoint of every event, verifiable with the published vkey, whose root is that of the served entries', async () => {
    const vkey = await text('/.well-known/certmark/log-key');
    expect(vkey).toMatch(/^certmark\.test\/certmark-log\+[0-9a-f]{8}\+[A-Za-z0-9+/]{44}\n$/);
    const cp = readCheckpoint(await text('/.well-known/certmark/checkpoint'), vkey);
    const head = await t.database.db.selectFrom('event_chain_head').select('last_id').executeTakeFirstOrThrow();
    expect(cp.origin).toBe('certmark.test/certmark-log');
    expect(cp.size).toBe(head.last_id);
    expect(cp.size).toBeGreaterThan(40);
    const entries = await allEntries(cp.size);
    expect(MTH(entries).equals(cp.root)).toBe(true);
  });

  it('proves the inclusion of every entry, as the RFC defines the path', async () => {
    const cp = readCheckpoint(await text('/.well-known/certmark/checkpoint'), await text('/.well-known/certmark/log-key'));
    const entries = await allEntries(cp.size);
    for (const size of [1, 2, 7, cp.size]) {
      for (let i = 0; i < size; i++) {
        const p = await json<{ index: number; size: number; hashes: string[] }>(`/api/v1/log/proof/inclusion?index=${i}&size=${size}`);
        expect(p).toEqual({ index: i, size, hashes: PATH(i, entries.slice(0, size)).map((h) => h.toString('base64')) });
      }
    }
  });

  it('keeps old checkpoints and proves each consistent with the newest', async () => {
    const before = readCheckpoint(await text('/.well-known/certmark/checkpoint'), await text('/.well-known/certmark/log-key'));
    const ctx = lifecycle(t);
    await ctx.certified({ certifiedOn: '2026-03-30' });
    await t.deps.log!.sequence();
    const after = readCheckpoint(await text('/.well-known/certmark/checkpoint'), await text('/.well-known/certmark/log-key'));
    expect(after.size).toBeGreaterThan(before.size);
    const kept = await t.database.db.selectFrom('log_checkpoints').select('size').orderBy('size').execute();
    expect(kept.map((k) => k.size)).toEqual(expect.arrayContaining([before.size, after.size]));
    const entries = await allEntries(after.size);
    for (const from of [1, 2, 3, before.size, after.size]) {
      const p = await json<{ from: number; to: number; hashes: string[] }>(`/api/v1/log/proof/consistency?from=${from}&to=${after.size}`);
      expect(p).toEqual({ from, to: after.size, hashes: PROOF(from, entries).map((h) => h.toString('base64')) });
    }
  });

  it('signs nothing new when nothing happened', async () => {
    await t.deps.log!.sequence();
    const n = (await t.database.db.selectFrom('log_checkpoints').select('size').execute()).length;
    expect((await t.deps.log!.sequence()).signed).toBe(false);
    expect((await t.database.db.selectFrom('log_checkpoints').select('size').execute()).length).toBe(n);
  });
});

describe('what an entry says (Arts. 11, 11.2, 20)', () => {
  it('shows a public event as the timeline does, with its number, and a confidential one as a salted commitment only', async () => {
    const size = (await t.deps.log!.checkpoint())!.size;
    const entries = (await allEntries(size)).map((b) => JSON.parse(b.toString('utf8')) as Record<string, unknown>);
    const facts = entries.flatMap((e) => (e.public as { type: string; number: string }[] | undefined) ?? []);
    expect(facts.filter((f) => f.type === 'revoked')).toEqual([
      {
        type: 'revoked',
        at: '2026-03-01T01:00:00.000Z',
        number: world.revoked.number,
        article: 'Art. 17.1(3)',
        ground: 3,
        reason: '認定マークを改変して使用した',
      },
    ]);
    expect(facts.filter((f) => f.type === 'extended')).toEqual([
      { type: 'extended', at: '2026-03-15T01:00:00.000Z', number: world.extended.number, article: 'Art. 12.2', until: '2026-06-30' },
    ]);
    // Never certified (applied, refused): nothing of them but commitments.
    for (const e of entries) {
      expect(Object.keys(e).sort()).toEqual(e.public ? ['commitment', 'public', 'v'] : ['commitment', 'v']);
    }
    const text = JSON.stringify(entries);
    for (const secret of ['書面で通知した', '審査中', '認定しない', '審査基準に適合しない', '拒否された申請', '申請書A', '合併'])
      expect(text).not.toContain(secret);
  });

  it('commits to the event as the chain holds it: the registry can open a commitment with the salt, nobody else can', async () => {
    const rows = await t.database.db
      .selectFrom('log_leaves')
      .innerJoin('events', 'events.id', 'log_leaves.event_id')
      .select(['idx', 'entry', 'events.id', 'hash'])
      .execute();
    for (const r of rows) {
      const entry = parseEntry(r.entry)!;
      expect(entry.commitment).toBe(commitment(commitmentSalt(t.deps.log!.key.saltKey, r.id), r.hash).toString('base64'));
      expect(entry.commitment).not.toBe(createHash('sha256').update(r.hash).digest('base64'));
    }
  });
});

describe('the log endpoints validate their input (400 problem+json)', () => {
  it.each([
    '/api/v1/log/entries?start=5&end=5',
    '/api/v1/log/entries?start=-1&end=3',
    '/api/v1/log/entries?start=0&end=999999',
    '/api/v1/log/entries?start=a&end=3',
    '/api/v1/log/entries?start=&end=3',
    '/api/v1/log/entries?end=3',
    '/api/v1/log/entries?start=1e3&end=2000',
    '/api/v1/log/proof/inclusion?index=3&size=3',
    '/api/v1/log/proof/inclusion?index=0&size=0',
    '/api/v1/log/proof/inclusion?index=0&size=999999',
    '/api/v1/log/proof/inclusion?index=0.5&size=3',
    '/api/v1/log/proof/consistency?from=0&to=3',
    '/api/v1/log/proof/consistency?from=4&to=3',
    '/api/v1/log/proof/consistency?from=1&to=999999',
    '/api/v1/log/proof/consistency?from=1',
  ])('%s', async (path) => {
    const res = await t.app.request(path);
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
  });

  it('answers at most 1,000 entries a page', async () => {
    await inTransaction(t.database.db, (tx) =>
      appendEvents(
        tx,
        null,
        'test',
        t.clock.now(),
        Array.from({ length: 1100 }, (_, i) => ({ type: 'case.opened' as const, payload: { record: `case-${i}`, fingerprint: 'f'.repeat(64) } })),
      ),
    );
    await t.deps.log!.sequence();
    const size = (await t.deps.log!.checkpoint())!.size;
    expect(size).toBeGreaterThan(1100);
    const page = await json<{ entries: { index: number }[] }>(`/api/v1/log/entries?start=0&end=${size}`);
    expect(page.entries).toHaveLength(1000);
    expect(page.entries.at(-1)!.index).toBe(999);
  });
});

describe('a checkpoint follows each event', () => {
  it('at once after a lifecycle change commits, with no call to the sequencer', async () => {
    const log = t.deps.log!;
    log.start(t.database, 3_600_000);
    try {
      await log.settled();
      const before = (await log.checkpoint())!.size;
      await revoke(lifecycle(t).ctx, world.certified.id, { ground: 2, reason: '虚偽の申請', notice: null, noticeSentBy: 'not_sent' });
      await log.settled();
      const head = await t.database.db.selectFrom('event_chain_head').select('last_id').executeTakeFirstOrThrow();
      const after = (await log.checkpoint())!.size;
      expect(after).toBeGreaterThan(before);
      expect(after).toBe(head.last_id);
    } finally {
      await log.stop();
    }
  });

  it('on the next tick after a commit that announces no service change (records, other processes)', async () => {
    const log = t.deps.log!;
    const before = (await log.checkpoint())!.size;
    await inTransaction(t.database.db, (tx) =>
      appendEvents(tx, null, 'test', t.clock.now(), [{ type: 'inquiry.received', payload: { record: 'inq-1', fingerprint: 'a'.repeat(64) } }]),
    );
    expect((await log.checkpoint())!.size).toBe(before);
    await log.catchUp();
    expect((await log.checkpoint())!.size).toBe(before + 1);
  });
});

describe('the log key', () => {
  it('is made on first start with no setting on the embedded default (the key secret file), and kept', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'certmark-log-'));
    const database = await testDatabase();
    try {
      const config = testConfig({ keySecret: null, dataDir: dir });
      const first = await prepareLog(config, database, t.clock, silentLogger);
      const again = await prepareLog(config, database, t.clock, silentLogger);
      expect(again.key.vkey).toBe(first.key.vkey);
      expect(again.key.saltKey.equals(first.key.saltKey)).toBe(true);
      await expect(prepareLog(testConfig({ keySecret: 'another-secret-0123456789abcdef0123456789' }), database, t.clock, silentLogger)).rejects.toThrow(
        /key secret/,
      );
    } finally {
      await database.close();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
