import { serve } from '@hono/node-server';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { run } from '../../src/cli/main';
import { ADMIN_TOKEN, testApp, type TestApp } from '../support/app';
import { certifiedService, crawlerKey, markPng, postSighting } from '../sightings/support';

/**
 * Issue 14: the CLI's back-office commands, through the staff API of a served app that needs two admins for a
 * revocation: cases, inquiries, origins, changes, emergencies, investigations, improvements and revocations.
 */

let t: TestApp;
let url: string;
let dir: string;
let second: string;
let key: string;
let close: () => Promise<void>;
const START = '2026-04-01T03:00:00Z';

beforeAll(async () => {
  t = await testApp({ now: START, config: { revocationApprovals: 2 } });
  dir = await mkdtemp(join(tmpdir(), 'certmark-cli-back-office-'));
  const server = await new Promise<ReturnType<typeof serve>>((resolve) => {
    const s = serve({ fetch: t.app.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(s));
  });
  (server as { keepAliveTimeout: number }).keepAliveTimeout = 120_000;
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  close = () => new Promise((resolve) => server.close(() => resolve()));
  second = (await cli(['staff-token', 'issue', '--name', 'second admin', '--role', 'admin', '--json'])).json().token;
  key = (await crawlerKey(t)).key;
});
afterAll(async () => {
  await close();
  await t.close();
  await rm(dir, { recursive: true, force: true });
});
beforeEach(() => t.clock.set(START));

async function cli(args: string[], token = ADMIN_TOKEN) {
  let out = '';
  let err = '';
  const code = await run(args, {
    env: { CERTMARK_URL: url, CERTMARK_TOKEN: token },
    cwd: dir,
    stdout: (s) => (out += s),
    stderr: (s) => (err += s),
    openDatabase: async () => ({ ...t.database, close: async () => {} }),
  });
  return { code, out, err, json: () => JSON.parse(out) };
}
async function done(args: string[], token?: string) {
  const r = await cli(args, token);
  expect(r.code, `${args.join(' ')}: ${r.err}`).toBe(0);
  return r;
}

/** A certified service whose mark is shown without a link on its own page: an open case. */
async function openCase() {
  const s = await certifiedService(t);
  const res = await postSighting(t, key, { image: await markPng(), pageUrl: s.page, seenAt: t.clock.now().toISOString() });
  expect(res.status).toBe(201);
  const { cases } = (await done(['cases', 'list', '--service', s.number, '--json'])).json();
  return { s, id: cases[0].id as string };
}

describe('certmark revoke and revocations (Art. 17, two admins)', () => {
  it('revoke proposes; another admin lists and approves it; the service is revoked', async () => {
    const s = await certifiedService(t);
    const proposed = await done(['revoke', s.number, '--ground', '3', '--reason', '標章の改変']);
    expect(proposed.out).toContain('revocation proposal');
    expect(proposed.out).toContain('pending');
    const id = (await done(['revocations', 'list', '--status', 'pending', '--service', s.number, '--json'])).json().proposals[0].id;
    expect((await done(['revocations', 'show', id])).out).toContain('標章の改変');
    const own = await cli(['revocations', 'approve', id]);
    expect(own.code).toBe(1);
    expect(own.err).toContain('another admin');
    const approved = await done(['revocations', 'approve', id, '--note', '確認', '--json'], second);
    expect(approved.json()).toMatchObject({ proposal: { status: 'approved' }, service: { status: 'revoked' } });
    expect((await done(['status', s.number, '--json'])).json().status).toBe('revoked');
  });

  it('rejects by another admin with the reason, and withdraws by the proposer', async () => {
    const a = await certifiedService(t);
    const b = await certifiedService(t);
    const pa = (await done(['revoke', a.id, '--ground', '3', '--reason', 'r', '--json'])).json().proposal.id;
    const pb = (await done(['revoke', b.id, '--ground', '3', '--reason', 'r', '--json'])).json().proposal.id;
    expect((await done(['revocations', 'reject', pa, '--reason', '改善要求が先'], second)).out).toContain('rejected');
    expect((await done(['revocations', 'withdraw', pb])).out).toContain('withdrawn');
    expect((await cli(['revocations', 'reject', pb])).code).toBe(2); // --reason is required
  });
});

describe('certmark cases', () => {
  it('lists, shows, investigates, improves, proposes a revocation, and shows the history with event ids', async () => {
    const { id } = await openCase();
    expect((await done(['cases', 'list', '--queue', 'review'])).out).toContain(id);
    const inv = await done(['cases', 'investigate', id, '--subject', '説明を求める', '--due', '2026-04-10', '--json']);
    expect(inv.json()).toMatchObject({ status: 'open', awaiting: 'investigation' });
    expect(inv.json().eventIds.length).toBe(2);
    expect((await done(['cases', 'improve', id, '--content', 'リンクを付けること', '--due', '2026-04-20'])).out).toContain(
      'awaiting improvement (due 2026-04-20)',
    );
    expect((await done(['cases', 'propose-revocation', id, '--reason', '改善されない'])).out).toContain('awaiting revocation');
    const shown = await done(['cases', 'show', id]);
    expect(shown.out).toMatch(/investigation by staff:\S+; events #\d+ #\d+/);
    expect(shown.out).toContain('revocation_proposal');
  });

  it('dismisses with the reason, and a missing reason is a usage error (exit 2)', async () => {
    const { id } = await openCase();
    expect((await cli(['cases', 'dismiss', id])).code).toBe(2);
    expect((await done(['cases', 'dismiss', id, '--reason', '検証用ページ'])).out).toContain('dismissed');
    expect((await done(['cases', 'list', '--status', 'dismissed', '--json'])).json().cases.map((c: { id: string }) => c.id)).toContain(id);
  });
});

describe('certmark inquiries (Art. 18)', () => {
  it('lists new ones, shows one, answers and closes it', async () => {
    const res = await t.json('POST', '/api/v1/inquiries', { name: '患者', email: 'p@example.jp', subject: '標章', body: '本物ですか' }, {});
    const { id } = (await res.json()) as { id: string };
    expect((await done(['inquiries', 'list', '--status', 'new'])).out).toContain(id);
    expect((await done(['inquiries', 'show', id])).out).toContain('本物ですか');
    expect((await done(['inquiries', 'answer', id, '--answer', '本物です'])).out).toContain('answered');
    expect((await done(['inquiries', 'close', id, '--json'])).json().inquiry).toMatchObject({ status: 'closed', answer: '本物です' });
  });
});

describe('certmark origins, changes, emergencies, investigations, improvements', () => {
  it('adds and removes registered origins (Art. 10.2)', async () => {
    const s = await certifiedService(t);
    await done(['origins', 'add', s.number, 'https://second.example.jp']);
    expect((await done(['origins', 'list', s.number, '--json'])).json().origins).toEqual([s.origin, 'https://second.example.jp'].sort());
    await done(['origins', 'remove', s.number, s.origin]);
    expect((await done(['origins', 'list', s.number])).out.trim()).toBe('https://second.example.jp');
    expect((await cli(['origins', 'remove', s.number, 'https://never.example.jp'])).code).toBe(2);
  });

  it('files a change notice and lists the versions (Art. 13.1)', async () => {
    const s = await certifiedService(t);
    const items = join(dir, 'change.json');
    await writeFile(items, JSON.stringify([{ key: 'service.overview', labelJa: '概要', valueJa: '新しい概要' }]));
    expect((await done(['changes', 'file', s.number, '--items', items, '--note', '概要の変更'])).out).toContain('disclosure.changed');
    expect((await done(['changes', 'list', s.number, '--json'])).json().versions.at(-1)).toMatchObject({ note: '概要の変更' });
  });

  it('reports an emergency and its progress until closed (Art. 14)', async () => {
    const s = await certifiedService(t);
    const made = (await done(['emergencies', 'report', s.number, '--kind', 'outage', '--summary', '障害', '--json'])).json();
    const emergency = made.result.id;
    await done(['emergencies', 'progress', s.number, emergency, '--report', '復旧', '--close']);
    expect((await done(['emergencies', 'list', s.number, '--json'])).json().emergencies[0]).toMatchObject({ id: emergency, reports: [{ report: '復旧' }] });
  });

  it('requests an investigation, lists it overdue, records the answer; requests, publishes and completes an improvement (Art. 15, 16)', async () => {
    const s = await certifiedService(t);
    const inv = (await done(['investigations', 'request', s.number, '--subject', '説明', '--due', '2026-04-05', '--json'])).json().result.id;
    t.clock.set('2026-04-06T03:00:00Z');
    expect((await done(['investigations', 'list'])).out).toContain(inv);
    expect((await done(['investigations', 'list', s.number])).out).toContain('OVERDUE');
    await done(['investigations', 'answer', s.number, inv, '--summary', '資料提出']);
    const imp = (await done(['improvements', 'request', s.number, '--investigation', inv, '--content', '是正', '--due', '2026-04-30', '--json'])).json().result
      .id;
    await done(['improvements', 'publish', s.number, imp]);
    await done(['improvements', 'complete', s.number, imp, '--note', '確認']);
    expect((await done(['improvements', 'list', s.number, '--json'])).json().improvements[0]).toMatchObject({ id: imp, overdue: false });
    expect((await done(['improvements', 'list', s.number])).out).toContain('completed');
  });
});
