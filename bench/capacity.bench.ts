/**
 * Issue 17's capacity measurements, each against a baseline measured in the same run:
 * 1. Idle memory: RSS of each server process after start with the demo data and 10 s idle (embedded: first start
 *    on a new DATA_DIR and a restart on it; PostgreSQL: one process, and WEB_CONCURRENCY=2's primary and workers),
 *    as a multiple of a bare node:http process. Target: at most 300 MB per process.
 * 2. Mark throughput (/mark/{token}.svg) with 1 and 2 server processes on PostgreSQL, against the ceiling (a bare
 *    node:http process sending the same bytes): rounds alternate ceiling, 1 process, 2 processes; best of each.
 * 3. Sightings per second on PostgreSQL, new images and images already seen, with 1 process and with 2
 *    (WEB_CONCURRENCY=2). Target: 200/s new with 2 processes.
 * The load clients (autocannon, fetch) run in this process on the same machine: with 2 cores, 2 server processes
 * share them with the client.
 * `BENCH_ONLY=memory|throughput|sightings` runs one part.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { generateCorpus } from '../test/corpus/generate';
import { newImages, seenImages, setup } from './detection.bench';
import { certifiedDemoToken } from './mark.bench';
import { load, note, processTree, report, rssMb, startCeiling, startCertmark, type CertmarkProcess, type LoadResult } from './lib';

const PG_URL = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const RSS_TARGET_MB = 300;
const NEW_WITH_TWO_TARGET = 200;
const IDLE_MS = 10_000;

/** A PostgreSQL database of the bench's own (dropped at the end), or null when PostgreSQL is not reachable. */
async function pgDatabase(): Promise<{ url: string; drop(): Promise<void> } | null> {
  const admin = new pg.Client({ connectionString: PG_URL });
  try {
    await admin.connect();
  } catch (err) {
    note(`PostgreSQL: skipped, not reachable at ${PG_URL} (${(err as Error).message})`);
    return null;
  }
  const name = `bench_cap_${randomBytes(5).toString('hex')}`;
  await admin.query(`create database ${name}`);
  const u = new URL(PG_URL);
  u.pathname = `/${name}`;
  return {
    url: u.toString(),
    async drop() {
      await admin.query(`drop database if exists ${name} with (force)`);
      await admin.end();
    },
  };
}

/** A certmark on a PostgreSQL database of its own, with the demo data; `workers` server processes. */
async function onPostgres(workers: number): Promise<{ certmark: CertmarkProcess; stop(): Promise<void> } | null> {
  const db = await pgDatabase();
  if (!db) return null;
  try {
    const certmark = await startCertmark({
      databaseUrl: db.url,
      demo: true,
      env: { WEB_CONCURRENCY: String(workers), LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? 'info' },
      readyTimeoutMs: 180_000,
    });
    // ready when worker 0 listens; the others follow
    const until = Date.now() + 120_000;
    while (workers > 1 && (certmark.output().match(/"msg":"worker listening"/g) ?? []).length < workers) {
      if (Date.now() > until) throw new Error(`not all ${workers} workers listen:\n${certmark.output()}`);
      await new Promise((r) => setTimeout(r, 200));
    }
    return {
      certmark,
      async stop() {
        await certmark.stop();
        await db.drop();
      },
    };
  } catch (err) {
    await db.drop();
    throw err;
  }
}

const mb = (x: number | null) => (x === null ? 'n/a' : `${x.toFixed(0)} MB`);
const times = (x: number | null, base: number | null) => (x === null || !base ? '' : `  (${(x / base).toFixed(1)}× the bare node:http process)`);

/** RSS of a certmark's processes: the server (or the primary) and its workers, not the esbuild helper. */
async function rssOf(certmark: CertmarkProcess): Promise<{ pid: number; mb: number | null }[]> {
  const out: { pid: number; mb: number | null }[] = [];
  for (const pid of await processTree(certmark.child.pid!)) {
    const cmd = await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '');
    if (cmd.includes('esbuild')) continue;
    out.push({ pid, mb: await rssMb(pid) });
  }
  return out;
}

function noteRss(label: string, rows: { pid: number; mb: number | null }[], base: number | null, names: string[]) {
  rows.forEach((r, i) => {
    const over = r.mb !== null && r.mb > RSS_TARGET_MB ? `  OVER the ${RSS_TARGET_MB} MB target` : '';
    note(`idle RSS, ${label}, ${names[i] ?? `process ${i}`}: ${mb(r.mb)}${times(r.mb, base)}${over}`);
  });
}

async function idleMemory(): Promise<void> {
  const bare = await startCeiling(new Uint8Array(16), { 'content-type': 'text/plain' });
  await new Promise((r) => setTimeout(r, 1000));
  const base = await rssMb(bare.child.pid!);
  await bare.stop();
  note(`idle RSS, bare node:http process (baseline): ${mb(base)}`);

  const dataDir = await mkdtemp(join(tmpdir(), 'certmark-bench-rss-'));
  try {
    for (const label of ['embedded, first start (new DATA_DIR, demo data)', 'embedded, restart on that DATA_DIR']) {
      const certmark = await startCertmark({ demo: true, dataDir, env: { LOG_LEVEL: 'info' } });
      await new Promise((r) => setTimeout(r, IDLE_MS));
      noteRss(label, await rssOf(certmark), base, ['server']);
      await certmark.stop();
    }
  } finally {
    await rm(dataDir, { recursive: true, force: true });
  }
  for (const workers of [1, 2]) {
    const pgServer = await onPostgres(workers);
    if (!pgServer) return;
    try {
      await new Promise((r) => setTimeout(r, IDLE_MS));
      const names = workers === 1 ? ['server'] : ['primary', ...Array.from({ length: workers }, (_, i) => `worker ${i + 1}`)];
      noteRss(`PostgreSQL, WEB_CONCURRENCY=${workers}`, await rssOf(pgServer.certmark), base, names);
    } finally {
      await pgServer.stop();
    }
  }
}

const better = (a: LoadResult | null, b: LoadResult) => (a && a.rps >= b.rps ? a : b);

async function markThroughput(): Promise<void> {
  const one = await onPostgres(1);
  if (!one) return;
  const two = await onPostgres(2).catch(async (err) => {
    await one.stop();
    throw err;
  });
  try {
    const targets = await Promise.all(
      [one, two!].map(async (s) => {
        const { token, referer } = await certifiedDemoToken(s.certmark);
        return { url: `${s.certmark.url}/mark/${token}.svg`, headers: { Referer: referer }, pid: s.certmark.child.pid };
      }),
    );
    const sample = await fetch(targets[0]!.url, { headers: targets[0]!.headers });
    if (!sample.ok) throw new Error(`the mark answered ${sample.status}`);
    const { servedHeaders } = await import('./lib');
    const ceiling = await startCeiling(new Uint8Array(await sample.arrayBuffer()), servedHeaders(sample));
    try {
      let top: LoadResult | null = null;
      const best: (LoadResult | null)[] = [null, null];
      for (let round = 0; round < 2; round++) {
        top = better(top, await load(ceiling.url, { seconds: 3, headers: targets[0]!.headers, pid: ceiling.child.pid }));
        for (const [i, t] of targets.entries()) best[i] = better(best[i]!, await load(t.url, { seconds: 3, headers: t.headers, pid: t.pid }));
      }
      report('mark SVG, PostgreSQL (ceiling, 1 process)', top!);
      const r1 = report('mark SVG, PostgreSQL, 1 process', best[0]!, top);
      const r2 = report('mark SVG, PostgreSQL, 2 processes', best[1]!, top, 'cpu: primary + workers');
      note(`mark SVG: 2 processes serve ${(r2.rps / r1.rps).toFixed(2)}× the requests/s of 1 (the load client shares the same cores)`);
    } finally {
      await ceiling.stop();
    }
  } finally {
    await Promise.all([one.stop(), two?.stop()]);
  }
}

async function sightings(): Promise<void> {
  const corpus = await generateCorpus({ full: true });
  const seen = corpus.find((c) => c.cls === 'colour-png-128')!.bytes;
  const rates: Record<number, { fresh: number; seen: number }> = {};
  for (const workers of [1, 2]) {
    const pgServer = await onPostgres(workers);
    if (!pgServer) return;
    try {
      const s = { ...(await setup(pgServer.certmark)), label: `PostgreSQL, ${workers} process${workers > 1 ? 'es' : ''}` };
      rates[workers] = {
        fresh: await newImages(s, corpus, workers > 1 ? NEW_WITH_TWO_TARGET : undefined),
        seen: await seenImages(s, seen),
      };
    } finally {
      await pgServer.stop();
    }
  }
  const [a, b] = [rates[1], rates[2]];
  if (a && b) note(`sightings on PostgreSQL, 2 processes against 1 in this run: new ${(b.fresh / a.fresh).toFixed(2)}×, seen ${(b.seen / a.seen).toFixed(2)}×`);
}

export default async function capacityBench(): Promise<void> {
  const only = process.env.BENCH_ONLY;
  if (!only || only === 'memory') await idleMemory();
  if (!only || only === 'throughput') await markThroughput();
  if (!only || only === 'sightings') await sightings();
}
