/**
 * Issue 3's measurements: the mark SVG, the mark PNG and the badge JSON at 64 connections against the ceiling;
 * then the revocation-propagation delay between two server processes on one PostgreSQL database.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { systemClock } from '../src/clock';
import { migrateToLatest } from '../src/db/database';
import { openPostgres } from '../src/db/open';
import { apply, decide, registerService, registerVendor } from '../src/domain/lifecycle/application';
import { revoke } from '../src/domain/lifecycle/closure';
import { againstCeiling, note, sharedCertmark, startCertmark, type CertmarkProcess } from './lib';

const PG_URL = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

/** A demo token whose service is certified and whose origins include the Referer we send. */
export async function certifiedDemoToken(certmark: CertmarkProcess): Promise<{ token: string; referer: string }> {
  const { tokens } = (await (await certmark.admin('GET', '/api/v1/admin/tokens')).json()) as { tokens: { token: string; origins: string[] }[] };
  for (const t of tokens) {
    const badge = (await (await fetch(`${certmark.url}/api/v1/badge/${t.token}`)).json()) as { status: string };
    if (badge.status === 'certified') return { token: t.token, referer: `${t.origins[0]}/products/` };
  }
  throw new Error('no certified demo service with a token');
}

async function throughput() {
  const certmark = await sharedCertmark();
  const { token, referer } = await certifiedDemoToken(certmark);
  const pid = certmark.child.pid;
  const headers = { Referer: referer };
  await againstCeiling('mark SVG   /mark/{token}.svg', `${certmark.url}/mark/${token}.svg`, { headers, pid, seconds: 3 });
  await againstCeiling('mark PNG   /mark/{token}.png?w=128', `${certmark.url}/mark/${token}.png?w=128`, { headers, pid, seconds: 3 });
  await againstCeiling('badge JSON /api/v1/badge/{token}', `${certmark.url}/api/v1/badge/${token}`, {
    headers: { Origin: new URL(referer).origin },
    pid,
    seconds: 3,
  });
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function propagation(rounds = 5) {
  const admin = new pg.Client({ connectionString: PG_URL });
  try {
    await admin.connect();
  } catch (err) {
    note(`revocation propagation: skipped, PostgreSQL not reachable at ${PG_URL} (${(err as Error).message})`);
    return;
  }
  const schema = `bench_${randomBytes(5).toString('hex')}`;
  await admin.query(`create schema ${schema}`);
  const database = openPostgres({ url: PG_URL, schema, max: 4 });
  const servers: CertmarkProcess[] = [];
  try {
    await migrateToLatest(database.db, schema);
    const databaseUrl = `${PG_URL}${PG_URL.includes('?') ? '&' : '?'}options=${encodeURIComponent(`-c search_path=${schema}`)}`;
    // One public base for both, as behind one load balancer: the token's issuer is the same everywhere.
    const env = { PUBLIC_BASE_URL: 'https://mark.bench.example' };
    servers.push(...(await Promise.all([startCertmark({ databaseUrl, demo: false, env }), startCertmark({ databaseUrl, demo: false, env })])));
    const [a, b] = servers as [CertmarkProcess, CertmarkProcess];
    const ctx = { db: database.db, clock: systemClock, actor: 'bench' };
    const vendor = await registerVendor(ctx, { nameJa: 'ベンチ株式会社', nameEn: 'Bench K.K.', contact: {} });
    const sinceSend: number[] = [];
    const sinceAck: number[] = [];
    let through = 'server A’s staff API';
    for (let i = 0; i < rounds; i++) {
      const { id } = await registerService(ctx, { vendorId: vendor.id, nameJa: `ベンチ${i}`, nameEn: `Bench ${i}`, origins: ['https://bench.example'] });
      await apply(ctx, id, { documents: ['申請書'], feePaid: true, items: [] });
      await decide(ctx, id, { outcome: 'certify', notice: '認定', reason: null, committeeOpinion: null, decidedOn: null });
      const issuing = await a.admin('POST', `/api/v1/admin/services/${id}/tokens`, {});
      if (issuing.status !== 201) throw new Error(`issuing a token through A answered ${issuing.status}: ${await issuing.text()}`);
      const issued = (await issuing.json()) as { token: string };
      const markOnB = `${b.url}/mark/${issued.token}.svg`;
      for (let w = 0; w < 5; w++) {
        const warm = await fetch(markOnB);
        if (warm.status !== 200) throw new Error(`B does not serve the mark before the revocation: ${warm.status} ${warm.headers.get('certification-status')}`);
      }
      let seen = 0;
      let polling = true;
      const poller = (async () => {
        while (polling) {
          const r = await fetch(markOnB);
          await r.arrayBuffer();
          if (r.status === 410) {
            seen = performance.now();
            return;
          }
        }
      })();
      const sent = performance.now();
      const r = await a.admin('POST', `/api/v1/admin/services/${id}/revocation`, { ground: 3, reason: 'benchmark: revocation propagation' });
      if (r.status === 404 || r.status === 405) {
        // The staff lifecycle routes are not mounted in this build: revoke through the domain from this process.
        through = 'the domain, from a third process';
        await revoke(ctx, id, { ground: 3, reason: 'benchmark', notice: 'benchmark' });
      } else if (!r.ok) {
        throw new Error(`revocation through A answered ${r.status}: ${await r.text()}`);
      }
      const acked = performance.now();
      const timeout = setTimeout(() => (polling = false), 5000);
      await poller;
      clearTimeout(timeout);
      polling = false;
      if (!seen) throw new Error('B still served the mark 5 s after the revocation');
      sinceSend.push(seen - sent);
      sinceAck.push(seen - acked);
    }
    const fmt = (xs: number[]) => `median ${median(xs).toFixed(1)} ms, max ${Math.max(...xs).toFixed(1)} ms`;
    note(`revocation propagation (2 server processes on PostgreSQL, revoked through ${through}, ${rounds} rounds):`);
    note(`  revocation request sent → the other server answers 410: ${fmt(sinceSend)}`);
    note(`  revocation committed (answer received) → the other server answers 410: ${fmt(sinceAck)} (negative: before the answer arrived)`);
  } finally {
    await Promise.all(servers.map((s) => s.stop()));
    await database.close();
    await admin.query(`drop schema ${schema} cascade`);
    await admin.end();
  }
}

/** `BENCH_ONLY=propagation` or `BENCH_ONLY=throughput` runs one half. */
export default async function markBench() {
  const only = process.env.BENCH_ONLY;
  if (only !== 'propagation') await throughput();
  if (only !== 'throughput') await propagation();
}
