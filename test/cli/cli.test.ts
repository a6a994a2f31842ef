import { serve } from '@hono/node-server';
import { migrations } from '../../migrations/index';
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run } from '../../src/cli/main';
import { migrator } from '../../src/db/database';
import { ADMIN_TOKEN, testApp, type TestApp } from '../support/app';
import { testDatabase } from '../support/db';

let t: TestApp;
let url: string;
let dir: string;
let close: () => Promise<void>;

beforeAll(async () => {
  t = await testApp({ now: '2026-04-01T03:00:00Z' });
  dir = await mkdtemp(join(tmpdir(), 'certmark-cli-'));
  const server = await new Promise<ReturnType<typeof serve>>((resolve) => {
    const s = serve({ fetch: t.app.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(s));
  });
  // Keep idle connections open longer than any pause between commands: a server closing a kept-alive socket just
  // as the next request goes out on it makes that request fail (a race of the shared in-process client only).
  (server as { keepAliveTimeout: number }).keepAliveTimeout = 120_000;
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  close = () => new Promise((resolve) => server.close(() => resolve()));
});
afterAll(async () => {
  await close();
  await t.close();
  await rm(dir, { recursive: true, force: true });
});

/** Runs one command line in-process against the served app; direct database commands get the test's database. */
async function cli(args: string[], env: Record<string, string> = { CERTMARK_URL: url, CERTMARK_TOKEN: ADMIN_TOKEN }) {
  let out = '';
  let err = '';
  const code = await run(args, {
    env,
    cwd: dir,
    stdout: (s) => (out += s),
    stderr: (s) => (err += s),
    openDatabase: async () => ({ ...t.database, close: async () => {} }),
  });
  return { code, out, err, json: () => JSON.parse(out) };
}

/** A vendor and a service made through the CLI; returns the service id. */
async function newService(name = 'CLIカルテ') {
  const vendor = await cli(['vendor', 'add', '--name-ja', '株式会社CLI', '--contact', '{"person":"山田"}', '--json']);
  expect(vendor.code, vendor.err).toBe(0);
  const service = await cli(['service', 'add', '--vendor', vendor.json().id, '--name-ja', name, '--origin', 'https://clinic.example.jp', '--json']);
  expect(service.code, service.err).toBe(0);
  return service.json().id as string;
}

async function certifiedService() {
  const id = await newService();
  const items = `items-${id}.json`;
  await writeFile(
    join(dir, items),
    JSON.stringify([
      { key: 'service.overview', labelJa: '概要', valueJa: '電子カルテ' },
      { key: 'security.network', labelJa: '構成', valueJa: '非公開', withheld: true, withheldReason: '安全上の理由' },
    ]),
  );
  const applied = await cli(['apply', id, '--items', items, '--document', '申請書A', '--document', '登記事項証明書', '--fee-paid']);
  expect(applied.code, applied.err).toBe(0);
  const certified = await cli(['certify', id, '--notice', '認定を実施しました', '--json']);
  expect(certified.code, certified.err).toBe(0);
  return { id, number: certified.json().service.number as string };
}

describe('certmark services, vendors, service, status, events', () => {
  it('lists services as text and as JSON', async () => {
    const s = await certifiedService();
    const text = await cli(['services']);
    expect(text.code).toBe(0);
    expect(text.out).toMatch(new RegExp(`${s.number}\\s+certified\\s+served\\s+2028-04-01`));
    const json = await cli(['services', '--json', '--status', 'certified']);
    expect(json.json().services).toContainEqual(expect.objectContaining({ id: s.id, number: s.number, status: 'certified' }));
  });

  it('shows one service with its withheld items marked, its status at an instant, and its events', async () => {
    const s = await certifiedService();
    const view = await cli(['service', s.number]);
    expect(view.out).toContain('security.network: 非公開  [withheld: 安全上の理由]');
    expect(view.out).toContain('valid through 2028-04-01');
    expect((await cli(['status', s.number, '--at', '2028-04-01T23:59:00+09:00'])).out).toContain('certified');
    expect((await cli(['status', s.number, '--at', '2028-04-02T00:00:00+09:00', '--json'])).json()).toMatchObject({ status: 'expired', servesMark: false });
    expect((await cli(['events', s.id])).out).toMatch(/service\.certified\s+Art\. 6\.1/);
    expect((await cli(['vendors'])).out).toContain('株式会社CLI');
  });
});

describe('the lifecycle through the CLI', () => {
  it('renews with an override, extends, refuses nothing, terminates and records the certificate returned', async () => {
    const s = await certifiedService();
    const renewed = await cli(['renew', s.number, '--statement', '規程どおり使用', '--override', '前倒しの事情']);
    expect(renewed.out).toContain(`${s.number}: renewal_pending`);
    expect((await cli(['extend', s.number, '--until', '2028-05-31', '--reason', '委員会待ち'])).out).toContain('renewal.extended (Art. 12.2)');
    expect((await cli(['certify', s.number, '--notice', '更新'])).out).toContain('certified');
    expect((await cli(['terminate', s.id])).out).toContain('terminated');
    expect((await cli(['return-certificate', s.id])).out).toContain('certificate.returned (Art. 13.3)');
  });

  it('refuses an application with the reason, and lapses a certification', async () => {
    const id = await newService();
    const items = join(dir, 'refuse-items.json');
    await writeFile(items, JSON.stringify([{ key: 'service.overview', labelJa: '概要', valueJa: '内容' }]));
    await cli(['apply', id, '--items', items, '--document', '申請書', '--fee-paid']);
    expect((await cli(['refuse', id, '--reason', '基準に適合しない'])).out).toContain('refused');
    const s = await certifiedService();
    expect((await cli(['lapse', s.number, '--cause', 'merger', '--note', '合併'])).out).toContain('lapsed');
  });
});

describe('certmark revoke (Art. 17)', () => {
  it('revokes by certification number on a ground, and the status is revoked at once', async () => {
    const s = await certifiedService();
    const r = await cli(['revoke', s.number, '--ground', '3', '--reason', '認定マークの改変', '--notice', '書面で通知', '--sent-by', 'post']);
    expect(r.code, r.err).toBe(0);
    expect(r.out).toContain(`${s.number}: revoked`);
    expect(r.out).toMatch(/service\.revoked \(Art\. 17\.1\(3\)\)/);
    expect((await cli(['status', s.number, '--json'])).json()).toMatchObject({ status: 'revoked', servesMark: false });
  });

  it('reports a ground outside 1–9 as the server names it, and changes nothing', async () => {
    const s = await certifiedService();
    const r = await cli(['revoke', s.number, '--ground', '10', '--reason', '理由']);
    expect(r.code).toBe(1);
    expect(r.err).toContain('field ground');
    expect((await cli(['status', s.number, '--json'])).json().status).toBe('certified');
  });

  it('prints the problem as JSON with --json', async () => {
    const r = await cli(['revoke', 'MD-9999-9999', '--ground', '1', '--reason', '理由', '--json']);
    expect(r.code).toBe(1);
    expect(r.json()).toMatchObject({ status: 404, field: 'service' });
  });

  it.each([
    [['revoke', 'MD-0001-2604', '--ground', 'three', '--reason', 'r'], '--ground must be a number'],
    [['revoke', 'MD-0001-2604', '--ground', '3'], '--reason is required'],
    [['revoke', '--ground', '3', '--reason', 'r'], 'missing the service'],
    [['revoke', 'x', '--grund', '3'], "Unknown option '--grund'"],
  ])('refuses the command line %j with its usage (exit 2)', async (args, message) => {
    const r = await cli(args);
    expect(r.code).toBe(2);
    expect(r.err).toContain(message);
    expect(r.err).toContain('usage: certmark revoke {number|id} --ground {1-9} --reason {text} [--notice {text} --sent-by post|email|hand]');
  });

  it('says 403 for a reviewer’s token: revocation is the admin’s', async () => {
    const s = await certifiedService();
    const issued = (await cli(['staff-token', 'issue', '--name', '審査担当', '--role', 'reviewer', '--json'])).json();
    const r = await cli(['revoke', s.number, '--ground', '1', '--reason', 'r'], { CERTMARK_URL: url, CERTMARK_TOKEN: issued.token });
    expect(r.code).toBe(1);
    expect(r.err).toContain('403');
  });
});

describe('Arts. 7, 19: delegated bodies and scoped tokens from the command line', () => {
  it('names a body, issues its delegate token and assigns it one service, which is all the token then reaches', async () => {
    const mine = await certifiedService();
    const other = await certifiedService();
    const body = (await cli(['delegate', 'add', '--name-ja', '委託審査株式会社', '--scope-ja', '書類審査', '--json'])).json();
    const issued = (await cli(['staff-token', 'issue', '--name', '委託先', '--role', 'delegate', '--delegate', body.id, '--json'])).json();
    expect(issued).toMatchObject({ role: 'delegate', delegate: body.id });
    expect((await cli(['staff-token', 'assign', issued.id, mine.number])).code).toBe(0);
    const as = { CERTMARK_URL: url, CERTMARK_TOKEN: issued.token };
    expect((await cli(['status', mine.number], as)).code).toBe(0);
    const denied = await cli(['status', other.number], as);
    expect(denied.code).toBe(1);
    expect(denied.err).toContain('403');
    expect((await cli(['staff-token', 'unassign', issued.id, mine.number])).code).toBe(0);
    expect((await cli(['status', mine.number], as)).code).toBe(1);
  });
});

describe('settings and failures', () => {
  it('reads the token from {DATA_DIR}/admin-token when CERTMARK_TOKEN is not set', async () => {
    await writeFile(join(dir, 'admin-token'), `${ADMIN_TOKEN}\n`, { mode: 0o600 });
    expect((await cli(['vendors'], { CERTMARK_URL: url, DATA_DIR: '.' })).code).toBe(0);
  });

  it('says where to find a token when there is none (exit 2)', async () => {
    const r = await cli(['services'], { CERTMARK_URL: url, DATA_DIR: './nowhere' });
    expect(r.code).toBe(2);
    expect(r.err).toContain('CERTMARK_TOKEN');
  });

  it('says the server cannot be reached (exit 1)', async () => {
    const r = await cli(['services'], { CERTMARK_URL: 'http://127.0.0.1:9', CERTMARK_TOKEN: ADMIN_TOKEN });
    expect(r.code).toBe(1);
    expect(r.err).toContain('cannot reach http://127.0.0.1:9');
  });

  it('refuses a CERTMARK_URL that is not a URL, and an unknown command (exit 2)', async () => {
    expect((await cli(['services'], { CERTMARK_URL: 'localhost', CERTMARK_TOKEN: ADMIN_TOKEN })).err).toContain('CERTMARK_URL');
    const unknown = await cli(['frobnicate']);
    expect(unknown.code).toBe(2);
    expect(unknown.err).toContain('certmark services');
  });

  it('shows the commands on stderr and exits 2 when given no command at all (bad usage)', async () => {
    const none = await cli([]);
    expect(none.code).toBe(2);
    expect(none.out).toBe('');
    expect(none.err).toContain('certmark services');
    expect((await cli(['help'])).code).toBe(0);
  });

  it('lists every command in help, and a command’s options in help {command}', async () => {
    const help = await cli(['help']);
    for (const name of ['services', 'vendors', 'revoke', 'migrate', 'verify-chain', 'apply', 'certify', 'refuse', 'renew', 'extend', 'terminate', 'lapse'])
      expect(help.out).toContain(`certmark ${name}`);
    expect((await cli(['help', 'revoke'])).out).toContain('--ground {value}');
  });
});

describe('certmark verify-chain and migrate (direct to the database)', () => {
  it('says the chain is intact, then names the first event changed in the database (exit 1)', async () => {
    const s = await certifiedService();
    const ok = await cli(['verify-chain']);
    expect(ok.code).toBe(0);
    expect(ok.out).toMatch(/the event chain is intact \(\d+ events\)/);
    const target = (await cli(['events', s.id, '--json'])).json().events[1].id as number;
    await t.database.db.transaction().execute(async (tx) => {
      await sql`set local session_replication_role = replica`.execute(tx);
      await tx.updateTable('events').set({ actor: 'intruder' }).where('id', '=', target).execute();
    });
    const bad = await cli(['verify-chain', '--json']);
    expect(bad.code).toBe(1);
    expect(bad.json()).toMatchObject({ ok: false, firstBadEventId: target });
    expect((await cli(['verify-chain'])).out).toContain(`broken at event #${target}`);
  });

  it('migrates a database that is behind, then finds it up to date', async () => {
    // a database of its own: migrating down drops columns, which fails other files' catalogue scans on a shared one
    const database = await testDatabase({ ownDatabase: true });
    try {
      const { error } = await migrator(database.db, database.schema).migrateDown();
      expect(error).toBeUndefined();
      let out = '';
      const io = {
        env: {},
        cwd: dir,
        stdout: (s: string) => (out += s),
        stderr: (s: string) => (out += s),
        openDatabase: async () => ({ ...database, close: async () => {} }),
      };
      expect(await run(['migrate'], io)).toBe(0);
      // one step down undid the newest migration: that one is applied again
      const newest = Object.keys(migrations).sort().at(-1)!;
      expect(out).toMatch(new RegExp(`^migrated (the embedded database in \\./data|PostgreSQL):\\n  ${newest}\\n$`));
      out = '';
      expect(await run(['migrate', '--json'], io)).toBe(0);
      expect(JSON.parse(out)).toEqual({ applied: [], database: database.kind });
    } finally {
      await database.close();
    }
  });
});

describe('bin/certmark.mjs (npx certmark)', () => {
  it('runs as its own process against the server', async () => {
    const s = await certifiedService();
    const { stdout, code } = await new Promise<{ stdout: string; code: number }>((resolve) => {
      execFile(
        process.execPath,
        ['bin/certmark.mjs', 'status', s.number, '--json'],
        { env: { CERTMARK_URL: url, CERTMARK_TOKEN: ADMIN_TOKEN }, timeout: 30_000 },
        (error, stdout) => resolve({ stdout, code: error ? Number(error.code ?? 1) : 0 }),
      );
    });
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toMatchObject({ number: s.number, status: 'certified', servesMark: true });
  }, 40_000);
});
