/**
 * Issue 6's measurements.
 * 1. Precision and recall per image finding over the full labelled corpus (test/corpus/generate.ts), judged by the
 *    intake's image step (src/sightings/images.ts: bounded decode, then the matcher), in this process.
 *    Targets: recall >= 0.98 on every altered class, no official variant flagged, no unrelated logo matched.
 * 1b. (issue 17) The same on a held-out seeded corpus (test/corpus/random.ts): HELD_OUT_SEED and HELD_OUT_RANGES,
 *    widths, hues, crops, turns, stretches, qualities, backgrounds and overlays the thresholds were not fitted on
 *    (scripts/fit-thresholds.ts fits on FIT_SEED / FIT_RANGES only). `BENCH_PART=accuracy` runs 1 and 1b alone;
 *    `BENCH_PART=held-out` only 1b; HELD_OUT_COUNT sets the samples per kind (default 25). Then three other draws of
 *    the held-out ranges (other seeds, 40 per kind), one line each: whether the figures hold beyond one seed.
 * 2. Sightings per second through the real endpoint, POST /api/v1/sightings, of the shared certmark server (a
 *    child process on the embedded database): with new images (every corpus image, sent once each) and with
 *    images already seen (autocannon, a fresh Idempotency-Key per request). Targets: >= 100/s new, >= 2,000/s seen.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import autocannon from 'autocannon';
import pg from 'pg';
import { migrateToLatest } from '../src/db/database';
import { openPostgres } from '../src/db/open';
import { createImageJudge, type ImageJudge } from '../src/sightings/images';
import { loadMarkMatcher } from '../src/sightings/matcher';
import { EXPECTED_FINDING, generateCorpus, type CorpusLabel, type CorpusSample } from '../test/corpus/generate';
import {
  FIT_RANGES,
  FIT_SEED,
  generateSeededCorpus,
  HELD_OUT_RANGES,
  HELD_OUT_SEED,
  LABELS,
  scoreSeeded,
  SEEDED_KINDS,
  type SeededSample,
} from '../test/corpus/random';
import { cpuMicros, machineCpu, type MachineCpu, note, sharedCertmark, startCertmark, type CertmarkProcess } from './lib';

const PG_URL = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const FINDINGS = ['ok', 'recoloured', 'partial', 'distorted', 'unrelated'] as const;
const NEW_PER_SECOND_TARGET = 100;
const SEEN_PER_SECOND_TARGET = 2000;

async function precisionAndRecall(corpus: readonly CorpusSample[]): Promise<void> {
  const judge = createImageJudge(await loadMarkMatcher({ markDir: null }));
  const predicted: string[] = [];
  const started = performance.now();
  for (const s of corpus) {
    try {
      predicted.push((await judge.judge(null as never, { bytes: s.bytes, sha256: randomUUID() })).verdict.finding);
    } catch (err) {
      predicted.push(`refused (${err instanceof Error ? err.message : String(err)})`);
    }
  }
  const ms = performance.now() - started;
  note(
    `corpus: ${corpus.length} images, judged in ${(ms / 1000).toFixed(1)} s (${((corpus.length / ms) * 1000).toFixed(0)} images/s in one process, decode + match)`,
  );
  for (const f of FINDINGS) {
    const expected = corpus.map((s) => EXPECTED_FINDING[s.label] === f);
    const got = predicted.map((p) => p === f);
    const tp = expected.filter((e, i) => e && got[i]).length;
    const fp = expected.filter((e, i) => !e && got[i]).length;
    const fn = expected.filter((e, i) => e && !got[i]).length;
    const precision = tp + fp === 0 ? 1 : tp / (tp + fp);
    const recall = tp + fn === 0 ? 1 : tp / (tp + fn);
    const target = f === 'ok' || f === 'unrelated' ? (fn === 0 ? '' : `  ${fn} MISSED (target: none)`) : recall >= 0.98 ? '' : '  below the 0.98 target';
    note(`  ${f.padEnd(11)} precision ${precision.toFixed(3)}  recall ${recall.toFixed(3)}  (${tp + fn} samples)${target}`);
  }
  const wrong = corpus.map((s, i) => ({ s, p: predicted[i]! })).filter(({ s, p }) => EXPECTED_FINDING[s.label] !== p);
  const flagged = (label: CorpusLabel) => wrong.filter((w) => w.s.label === label).length;
  note(`  official variants flagged: ${flagged('official')}; unrelated images matched: ${flagged('unrelated')}`);
  for (const { s, p } of wrong.slice(0, 12)) note(`    ${s.label}/${s.cls} judged ${p}`);
  if (wrong.length > 12) note(`    … and ${wrong.length - 12} more`);
}

/** Issue 17: precision and recall on the held-out seed and ranges; the first misses with the parameters drawn. */
export async function heldOut(count = Number(process.env.HELD_OUT_COUNT ?? 25)): Promise<void> {
  const judge = createImageJudge(await loadMarkMatcher({ markDir: null }));
  const corpus = await generateSeededCorpus({ seed: HELD_OUT_SEED, ranges: HELD_OUT_RANGES, count });
  const started = performance.now();
  const score = scoreSeeded(corpus, await findingsOf(judge, corpus));
  const ms = performance.now() - started;
  note(
    `held-out corpus (seed ${HELD_OUT_SEED}, ranges ${HELD_OUT_RANGES.name}): ${corpus.length} images, ${count} per kind, judged in ${(ms / 1000).toFixed(1)} s`,
  );
  for (const label of LABELS) {
    const { n, recall, precision } = score.perLabel[label];
    const f = EXPECTED_FINDING[label];
    const missed = n - score.perLabel[label].hit;
    const target =
      f === 'ok' || f === 'unrelated' ? (missed === 0 ? '' : `  ${missed} MISSED (target: none)`) : recall >= 0.98 ? '' : '  below the 0.98 target';
    note(`  ${f.padEnd(11)} precision ${precision.toFixed(3)}  recall ${recall.toFixed(3)}  (${n} samples)${target}`);
  }
  for (const [kind, { n, hit }] of Object.entries(score.perKind)) {
    const label = SEEDED_KINDS[kind as keyof typeof SEEDED_KINDS];
    const short = label === 'official' || label === 'unrelated' ? hit < n : hit / n < 0.98;
    note(`    ${kind.padEnd(20)} ${hit}/${n}  recall ${(hit / n).toFixed(3)}${short ? '  (short of the target)' : ''}`);
  }
  note(
    `  held-out: official variants flagged: ${score.officialFlagged} (target 0); official not found (judged unrelated): ${score.officialNotFound}; unrelated images matched: ${score.unrelatedMatched} (target 0)`,
  );
  // the first misses of every kind (at most 2 each), with the parameters drawn
  const shown = new Map<string, number>();
  for (const { sample, got } of score.misses) {
    const n = shown.get(sample.kind) ?? 0;
    shown.set(sample.kind, n + 1);
    if (n < 2) note(`    ${sample.label}/${sample.kind} judged ${got}: ${JSON.stringify(sample.params)}`);
  }
  const hidden = score.misses.length - [...shown.values()].reduce((a, n) => a + Math.min(2, n), 0);
  if (hidden > 0) note(`    … and ${hidden} more`);
  await otherDraws(judge);
}

/** The findings of `corpus`, in order; a refusal is a finding of its own. */
async function findingsOf(judge: ImageJudge, corpus: readonly SeededSample[]): Promise<string[]> {
  const predicted: string[] = [];
  for (const s of corpus) {
    try {
      predicted.push((await judge.judge(null as never, { bytes: s.bytes, sha256: randomUUID() })).verdict.finding);
    } catch (err) {
      predicted.push(`refused (${err instanceof Error ? err.message : String(err)})`);
    }
  }
  return predicted;
}

/**
 * Other draws of the held-out ranges (seeds neither the fit nor the held-out test use), larger than the held-out
 * set: whether its figures hold beyond the one seed they are reported on, or were a lucky draw.
 */
const OTHER_DRAWS = { seeds: [5151, 6161, 7171], count: 40 };

async function otherDraws(judge: ImageJudge): Promise<void> {
  for (const seed of OTHER_DRAWS.seeds) {
    const corpus = await generateSeededCorpus({ seed, ranges: HELD_OUT_RANGES, count: OTHER_DRAWS.count });
    const score = scoreSeeded(corpus, await findingsOf(judge, corpus));
    const recalls = (['recoloured', 'partial', 'distorted'] as const).map((l) => `${l} ${score.perLabel[l].recall.toFixed(3)}`).join(', ');
    const short = Object.entries(score.perKind)
      .filter(([, { n, hit }]) => hit < n)
      .map(([kind, { n, hit }]) => `${kind} ${hit}/${n}`)
      .join(', ');
    note(
      `  other draw (seed ${seed}, ranges ${HELD_OUT_RANGES.name}, ${OTHER_DRAWS.count} per kind): official flagged ${score.officialFlagged}, not found ${score.officialNotFound}; unrelated matched ${score.unrelatedMatched}; recall ${recalls}`,
    );
    if (short) note(`    misses: ${short}`);
  }
}

export interface Setup {
  label: string;
  certmark: CertmarkProcess;
  key: string;
  number: string;
  origin: string;
}

export async function setup(certmark: CertmarkProcess): Promise<Setup> {
  const made = await certmark.admin('POST', '/api/v1/admin/crawler-keys', { name: 'benchmark' });
  if (made.status !== 201) throw new Error(`crawler key: ${made.status} ${await made.text()}`);
  const { key } = (await made.json()) as { key: string };
  const list = (await (await fetch(`${certmark.url}/api/v1/services?status=certified`)).json()) as { items: { number: string }[] };
  const number = list.items[0]?.number;
  if (!number) throw new Error('the demo data has no certified service');
  const service = (await (await certmark.admin('GET', `/api/v1/admin/services/${number}`)).json()) as { origins: string[] };
  return { label: '', certmark, key, number, origin: service.origins[0] ?? 'https://vendor.example' };
}

const form = (s: Setup, image: Buffer, page: string, linked: boolean) => {
  const f = new FormData();
  f.set('pageUrl', page);
  f.set('seenAt', new Date().toISOString());
  f.set('image', new Blob([new Uint8Array(image)]), 'sighting.png');
  if (linked) f.set('linkHref', `${s.certmark.url}/verify/${s.number}`);
  return f;
};

/** Images of the fit seed, none of them in the full corpus: sent first, not timed. */
let warmUpImages: Promise<CorpusSample[]> | null = null;

/**
 * Every corpus image once (all new to the server), from 8 concurrent clients, after a warm-up of 100 other new
 * images that is not timed: a server runs for weeks, so the figure is its steady state, not its first seconds
 * (the lazy build of the matcher's references, the JIT, the demo notices' PDFs the outbox renders just after a start).
 */
export async function newImages(s: Setup, corpus: readonly CorpusSample[], target = NEW_PER_SECOND_TARGET): Promise<number> {
  warmUpImages ??= generateSeededCorpus({ seed: FIT_SEED, ranges: FIT_RANGES, count: 5 });
  const warmUp = await warmUpImages;
  await Promise.all(
    Array.from({ length: 8 }, async (_, c) => {
      for (let i = c; i < warmUp.length; i += 8) {
        const res = await fetch(`${s.certmark.url}/api/v1/sightings`, {
          method: 'POST',
          headers: { Authorization: `Bearer ${s.key}`, 'Idempotency-Key': randomUUID() },
          body: form(s, warmUp[i]!.bytes, `${s.origin}/warm-up/${i}`, true),
        });
        await res.arrayBuffer();
      }
    }),
  );
  let next = 0;
  let failed = 0;
  const cpu0 = await cpuMicros(s.certmark.child.pid);
  const machine0 = await machineCpu();
  const started = performance.now();
  await Promise.all(
    Array.from({ length: 8 }, async () => {
      while (next < corpus.length) {
        const i = next++;
        const res = await fetch(`${s.certmark.url}/api/v1/sightings`, {
          method: 'POST',
          headers: { Authorization: `Bearer ${s.key}`, 'Idempotency-Key': randomUUID() },
          body: form(s, corpus[i]!.bytes, `${s.origin}/new/${i}`, i % 2 === 0),
        });
        if (res.status !== 201) failed++;
        await res.arrayBuffer();
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  const cpu1 = await cpuMicros(s.certmark.child.pid);
  const machine1 = await machineCpu();
  const rate = corpus.length / seconds;
  const cpu = cpu0 !== null && cpu1 !== null ? `, server cpu ${((cpu1 - cpu0) / corpus.length / 1000).toFixed(1)} ms/sighting` : '';
  note(
    `${s.label}: sightings/s, new images (endpoint, ${corpus.length} corpus images, 8 clients, after ${warmUp.length} untimed): ${rate.toFixed(0)}/s${cpu}${failed ? `, ${failed} not 201` : ''} — target ${target}/s${rate >= target ? '' : '  MISSED'}`,
  );
  if (machine0 && machine1 && cpu0 !== null && cpu1 !== null) note(machineBudget(machine0, machine1, cpu1 - cpu0, corpus.length));
  return rate;
}

/**
 * What one new sighting costs the whole machine (certmark, PostgreSQL, this load client, anything else running),
 * and the rate the machine's cores could sustain at that cost if they did nothing else, whatever the process count.
 */
function machineBudget(a: MachineCpu, b: MachineCpu, serverMicros: number, n: number): string {
  const ms = (micros: number) => micros / n / 1000;
  const all = ms(b.busy - a.busy);
  const server = ms(serverMicros);
  const postgres = ms(b.postgres - a.postgres);
  const client = ms(b.self - a.self);
  const other = Math.max(0, all - server - postgres - client);
  return (
    `    CPU per new sighting, whole machine: ${all.toFixed(1)} ms (certmark ${server.toFixed(1)}${postgres > 0 ? `, PostgreSQL ${postgres.toFixed(1)}` : ''}, ` +
    `this load client ${client.toFixed(1)}, other ${other.toFixed(1)}): ${b.cores} cores sustain at most ${((b.cores * 1000) / all).toFixed(0)}/s at this cost`
  );
}

function multipart(s: Setup, image: Buffer, page: string, linked: boolean): { body: Buffer; type: string } {
  const boundary = `----certmark-bench-${randomUUID()}`;
  const part = (name: string, value: string) => `--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`;
  const head = part('pageUrl', page) + part('seenAt', new Date().toISOString()) + (linked ? part('linkHref', `${s.certmark.url}/verify/${s.number}`) : '');
  const body = Buffer.concat([
    Buffer.from(`${head}--${boundary}\r\nContent-Disposition: form-data; name="image"; filename="s.png"\r\nContent-Type: image/png\r\n\r\n`),
    image,
    Buffer.from(`\r\n--${boundary}--\r\n`),
  ]);
  return { body, type: `multipart/form-data; boundary=${boundary}` };
}

/** One image the server has seen, sent again and again: each request a new sighting (fresh Idempotency-Key). */
export async function seenImages(s: Setup, image: Buffer): Promise<number> {
  await fetch(`${s.certmark.url}/api/v1/sightings`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${s.key}`, 'Idempotency-Key': randomUUID() },
    body: form(s, image, `${s.origin}/`, true),
  });
  // a page where all is well and a page where the link is missing (a case that counts repeats)
  const bodies = [multipart(s, image, `${s.origin}/`, true), multipart(s, image, `${s.origin}/unlinked`, false)];
  const run = (seconds: number) =>
    autocannon({
      url: `${s.certmark.url}/api/v1/sightings`,
      connections: 64,
      duration: seconds,
      requests: [
        {
          method: 'POST',
          setupRequest: (req: Record<string, unknown>) => {
            const b = bodies[Math.floor(Math.random() * bodies.length)]!;
            return { ...req, body: b.body, headers: { authorization: `Bearer ${s.key}`, 'idempotency-key': randomUUID(), 'content-type': b.type } };
          },
        },
      ],
    } as never);
  await run(1);
  const cpu0 = await cpuMicros(s.certmark.child.pid);
  const r = await run(5);
  const cpu1 = await cpuMicros(s.certmark.child.pid);
  const rate = r.requests.average;
  const cpu = cpu0 !== null && cpu1 !== null && r.requests.total > 0 ? `, server cpu ${((cpu1 - cpu0) / r.requests.total).toFixed(0)} µs/sighting` : '';
  note(
    `${s.label}: sightings/s, images already seen (endpoint, autocannon, 64 connections): ${rate.toFixed(0)}/s  p50 ${r.latency.p50} ms  p99 ${r.latency.p99} ms${cpu}` +
      `${r.non2xx || r.errors ? `  (non-2xx ${r.non2xx}, errors ${r.errors})` : ''} — target ${SEEN_PER_SECOND_TARGET}/s${rate >= SEEN_PER_SECOND_TARGET ? '' : '  MISSED'}`,
  );
  return rate;
}

/** The same two runs against a certmark on PostgreSQL (the database then works in a process of its own). */
async function onPostgres(corpus: readonly CorpusSample[], seen: Buffer): Promise<void> {
  const admin = new pg.Client({ connectionString: PG_URL });
  try {
    await admin.connect();
  } catch (err) {
    note(`PostgreSQL: skipped, not reachable at ${PG_URL} (${(err as Error).message})`);
    return;
  }
  const schema = `bench_${randomBytes(5).toString('hex')}`;
  await admin.query(`create schema ${schema}`);
  let certmark: CertmarkProcess | null = null;
  try {
    const migrating = openPostgres({ url: PG_URL, schema, max: 1 });
    await migrateToLatest(migrating.db, schema);
    await migrating.close();
    const databaseUrl = `${PG_URL}${PG_URL.includes('?') ? '&' : '?'}options=${encodeURIComponent(`-c search_path=${schema}`)}`;
    certmark = await startCertmark({ databaseUrl, demo: true });
    const s = { ...(await setup(certmark)), label: 'PostgreSQL' };
    await newImages(s, corpus);
    await seenImages(s, seen);
  } finally {
    await certmark?.stop();
    await admin.query(`drop schema ${schema} cascade`);
    await admin.end();
  }
}

/** `BENCH_PART=accuracy`: the full corpus and the held-out set, no servers; `BENCH_PART=held-out`: the held-out set only. */
export default async function detectionBench(): Promise<void> {
  const part = process.env.BENCH_PART;
  const corpus = part === 'held-out' ? [] : await generateCorpus({ full: true });
  if (part !== 'held-out') await precisionAndRecall(corpus);
  await heldOut();
  if (part === 'accuracy' || part === 'held-out') return;
  const seen = corpus.find((c) => c.cls === 'colour-png-128')!.bytes;
  const s = { ...(await setup(await sharedCertmark())), label: 'embedded (PGlite)' };
  await newImages(s, corpus);
  await seenImages(s, seen);
  await onPostgres(corpus, seen);
}

// `tsx bench/detection.bench.ts` runs this one alone.
if (import.meta.url === `file://${process.argv[1]}`) {
  const { stopShared } = await import('./lib');
  detectionBench()
    .catch((err) => {
      process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
      process.exitCode = 1;
    })
    .finally(() => stopShared());
}
