import { randomBytes } from 'node:crypto';
import { request } from 'node:http';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCertmark, type CertmarkProcess } from '../../bench/lib';
import { systemClock } from '../../src/clock';
import type { Database } from '../../src/db/database';
import { openPostgres } from '../../src/db/open';
import { apply, decide, registerService, registerVendor } from '../../src/domain/lifecycle/application';
import { onPostgres, TEST_DATABASE_URL } from '../support/db';

/**
 * Issue 17, capacity: WEB_CONCURRENCY=2 runs two server processes (node:cluster, src/cluster.ts) on one
 * PostgreSQL database. The real server in a child process, on a database of this file's own (the shared test
 * database's schemas are dropped by other runs). Which process answered a request is read from the request's log
 * line (its request id, as X-Request-Id says, and the worker's pid): nothing on the public answers names it.
 */

/** One request on a connection of its own (the cluster hands out connections, not requests, in turn). */
function get(url: string): Promise<{ status: number; requestId: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { agent: false, headers: { Connection: 'close' } }, (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode ?? 0, requestId: String(res.headers['x-request-id'] ?? '') }));
    });
    req.on('error', reject);
    req.end();
  });
}

/** requestId → pid of the process that logged it, from the server's JSON log lines. */
function servedBy(output: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of output.split('\n')) {
    if (!line.startsWith('{')) continue;
    try {
      const l = JSON.parse(line) as { msg?: string; requestId?: string; pid?: number };
      if (l.msg === 'request' && l.requestId && l.pid) out.set(l.requestId, l.pid);
    } catch {
      // a line cut by the output window
    }
  }
  return out;
}

/** The server's whole output (startCertmark keeps only its last 8 kB). */
function capture(server: CertmarkProcess): () => string {
  let all = server.output();
  server.child.stdout!.on('data', (b: Buffer) => (all += b.toString()));
  return () => all;
}

const until = async (what: string, ok: () => boolean, ms = 60_000) => {
  const end = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
};

describe.skipIf(!onPostgres)('WEB_CONCURRENCY=2 on PostgreSQL (issue 17)', () => {
  const name = `cluster_${randomBytes(5).toString('hex')}`;
  let url = '';
  let server: CertmarkProcess | null = null;
  let output: () => string = () => '';
  let database: Database | null = null;

  beforeAll(async () => {
    const admin = new pg.Client({ connectionString: TEST_DATABASE_URL! });
    await admin.connect();
    await admin.query(`create database ${name}`);
    await admin.end();
    const u = new URL(TEST_DATABASE_URL!);
    u.pathname = `/${name}`;
    url = u.toString();
    server = await startCertmark({ databaseUrl: url, demo: false, env: { WEB_CONCURRENCY: '2', LOG_LEVEL: 'info' }, readyTimeoutMs: 120_000 });
    output = capture(server);
    await until('both workers listening', () => (output().match(/"msg":"worker listening"/g) ?? []).length >= 2, 120_000);
    database = openPostgres({ url, max: 2 });
  }, 180_000);

  afterAll(async () => {
    await server?.stop();
    await database?.close();
    const admin = new pg.Client({ connectionString: TEST_DATABASE_URL! });
    await admin.connect();
    await admin.query(`drop database if exists ${name} with (force)`);
    await admin.end();
  }, 60_000);

  it('two worker processes serve, and a revocation through one stops the mark on both at once', async () => {
    const s = server!;
    const primary = s.child.pid!;
    const ctx = { db: database!.db, clock: systemClock, actor: 'test' };
    const vendor = await registerVendor(ctx, { nameJa: 'クラスタ株式会社', nameEn: 'Cluster K.K.', contact: {} });
    const { id } = await registerService(ctx, { vendorId: vendor.id, nameJa: 'クラスタ', nameEn: 'Cluster', origins: ['https://cluster.example'] });
    await apply(ctx, id, { documents: ['申請書'], feePaid: true, items: [] });
    await decide(ctx, id, { outcome: 'certify', notice: '認定', reason: null, committeeOpinion: null, decidedOn: null });
    const issuing = await s.admin('POST', `/api/v1/admin/services/${id}/tokens`, {});
    expect(issuing.status).toBe(201);
    const { token } = (await issuing.json()) as { token: string };
    const mark = `${s.url}/mark/${token}.svg`;

    // Before: the mark is served, by both workers (each has it in its caches then).
    const before = await Promise.all(Array.from({ length: 20 }, () => get(mark)));
    expect(before.map((r) => r.status)).toEqual(before.map(() => 200));

    const revoking = await s.admin('POST', `/api/v1/admin/services/${id}/revocation`, { ground: 3, reason: 'cluster test' });
    expect(revoking.status).toBeLessThan(300);
    const revokedBy = revoking.headers.get('x-request-id') ?? '';

    // Right after: every request, whichever process takes it, answers 410.
    const after: { status: number; requestId: string }[] = [];
    for (let i = 0; i < 30; i++) after.push(await get(mark));
    expect(after.map((r) => r.status)).toEqual(after.map(() => 410));

    // Who answered what (the log is written in chunks, flushed every second).
    const ids = [...before, ...after].map((r) => r.requestId);
    await until('the request lines', () => {
      const seen = servedBy(output());
      return ids.every((i) => seen.has(i)) && seen.has(revokedBy);
    });
    const seen = servedBy(output());
    const pidsBefore = new Set(before.map((r) => seen.get(r.requestId)));
    const pidsAfter = new Set(after.map((r) => seen.get(r.requestId)));
    expect(pidsBefore.size).toBe(2);
    expect(pidsAfter.size).toBe(2);
    expect(pidsAfter).toEqual(pidsBefore);
    expect(pidsAfter.has(primary)).toBe(false); // workers, not the primary
    // the revocation went through one of them, and the other stopped the mark too
    expect(pidsAfter.has(seen.get(revokedBy)!)).toBe(true);
  }, 120_000);
});
