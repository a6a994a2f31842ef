import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCertmark, type CertmarkOptions, type CertmarkProcess } from '../../bench/lib';
import type { Database } from '../../src/db/database';
import { openEmbedded, openPostgres } from '../../src/db/open';
import { verifyEventChain } from '../../src/repositories/events';
import { testDatabase, TEST_DATABASE_URL } from '../support/db';
import { markPng, sightingForm } from '../sightings/support';

/**
 * Issue 10: a server killed with SIGKILL in the middle of writes, restarted on the same database, again and again
 * (PGlite in one DATA_DIR kept across restarts, or a PostgreSQL schema; TEST_DATABASE_URL chooses, as for the
 * whole suite). Whatever was acknowledged (a 2xx received) is there afterwards, the event hash chain verifies,
 * and a sighting in flight when the process died can be retried after the restart (201 or a 200 replay, not 409).
 * SIGKILL_ROUNDS (default 20) sets the number of kills, SIGKILL_SEED repeats a run's kill moments, SIGKILL_VERBOSE=1
 * prints the time each round took.
 */

const KILLS = Number(process.env.SIGKILL_ROUNDS || 20);
/** The kill comes this long (uniformly at random) after the writes start. */
const KILL_WINDOW_MS = { min: 150, max: 1200 };
const WORKERS = 4;
const SEED = Number(process.env.SIGKILL_SEED || 20261201);

/** mulberry32: the kill moments and the mix of writes come from SEED, named in a failure. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
/** The mix of writes (drawn by concurrent writers, so it depends on timing too). */
const random = prng(SEED);
/** The kill moments, reproducible from SEED alone. */
const killAt = prng(SEED ^ 0x5eed);
const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)]!;

/** What the test knows was acknowledged, and what was sent without an answer when the process died. */
interface Ledger {
  vendors: string[];
  /** Services by how far their acknowledged lifecycle got; a step sent without an answer takes it out of play. */
  services: Map<string, 'registered' | 'applied' | 'certified' | 'uncertain'>;
  /** Idempotency-Key → the acknowledged sighting: its id and the page it was sent with. */
  sightings: Map<string, { id: string; pageUrl: string }>;
  /** Idempotency-Key → the fields of a sighting sent but not answered before the kill. */
  inFlight: Map<string, { pageUrl: string }>;
  /** Answers that were received but were not 2xx (none are expected: the database is always there). */
  unexpected: string[];
  /** Retries after a restart of sightings in flight at the kill, and what they answered. */
  retries: { key: string; status: number }[];
}

const ITEMS = [{ key: 'service.overview', labelJa: '概要', valueJa: '電子カルテ' }];

interface Writer {
  server: CertmarkProcess;
  crawlerKey: string;
  image: Buffer;
  ledger: Ledger;
}

async function post(w: Writer, path: string, body: unknown): Promise<{ status: number; json: Record<string, unknown> } | null> {
  try {
    const r = await w.server.admin('POST', path, body);
    const json = (await r.json().catch(() => ({}))) as Record<string, unknown>;
    if (r.status < 200 || r.status > 299) w.ledger.unexpected.push(`POST ${path}: ${r.status} ${JSON.stringify(json).slice(0, 300)}`);
    return { status: r.status, json };
  } catch {
    return null; // no answer: the process died under it
  }
}

async function sendSighting(w: Writer, key: string, pageUrl: string): Promise<Response | null> {
  try {
    return await fetch(`${w.server.url}/api/v1/sightings`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${w.crawlerKey}`, 'Idempotency-Key': key },
      body: sightingForm({ image: w.image, pageUrl, seenAt: '2026-04-01T03:00:00Z' }),
    });
  } catch {
    return null;
  }
}

/** One write, chosen at random among those the ledger allows; its outcome goes into the ledger. */
async function oneWrite(w: Writer): Promise<void> {
  const { ledger } = w;
  const at = (step: string) => [...ledger.services].filter(([, s]) => s === step).map(([id]) => id);
  const roll = random();
  if (roll < 0.15 || ledger.vendors.length === 0) {
    const r = await post(w, '/api/v1/admin/vendors', { nameJa: `事業者${ledger.vendors.length + 1}`, contact: {} });
    if (r?.status === 201 && typeof r.json.id === 'string') ledger.vendors.push(r.json.id); // (a body cut by the kill names nothing)
  } else if (roll < 0.3) {
    const r = await post(w, '/api/v1/admin/services', {
      vendorId: pick(ledger.vendors),
      nameJa: 'サービス',
      origins: [`https://s${randomUUID().slice(0, 8)}.example`],
    });
    if (r?.status === 201 && typeof r.json.id === 'string') ledger.services.set(r.json.id, 'registered');
  } else if (roll < 0.45 && at('registered').length > 0) {
    const id = pick(at('registered'));
    ledger.services.set(id, 'uncertain'); // until the answer says which
    const r = await post(w, `/api/v1/admin/services/${id}/applications`, { documents: ['申請書'], feePaid: true, items: ITEMS });
    if (r?.status === 201) ledger.services.set(id, 'applied');
  } else if (roll < 0.55 && at('applied').length > 0) {
    const id = pick(at('applied'));
    ledger.services.set(id, 'uncertain');
    const r = await post(w, `/api/v1/admin/services/${id}/decision`, { outcome: 'certify', notice: '認定' });
    if (r && r.status >= 200 && r.status < 300) ledger.services.set(id, 'certified');
  } else {
    const key = randomUUID();
    const pageUrl = `https://page-${key.slice(0, 8)}.example/`;
    ledger.inFlight.set(key, { pageUrl });
    const r = await sendSighting(w, key, pageUrl);
    if (!r) return;
    const body = (await r.json().catch(() => ({}))) as { id?: string };
    ledger.inFlight.delete(key); // answered, whatever it says
    if (r.status === 201 && body.id) ledger.sightings.set(key, { id: body.id, pageUrl });
    else ledger.unexpected.push(`POST /api/v1/sightings: ${r.status} ${JSON.stringify(body).slice(0, 300)}`);
  }
}

/** Writers until the process dies; the kill comes at a random moment in KILL_WINDOW_MS. */
async function writeUntilKilled(w: Writer): Promise<void> {
  let killed = false;
  const exited = new Promise<void>((ok) => w.server.child.once('exit', () => ok()));
  const writers = Array.from({ length: WORKERS }, async () => {
    while (!killed) await oneWrite(w);
  });
  const wait = KILL_WINDOW_MS.min + killAt() * (KILL_WINDOW_MS.max - KILL_WINDOW_MS.min);
  await new Promise((r) => setTimeout(r, wait));
  killed = true; // no new write: those in flight now are the ones the kill cuts
  w.server.child.kill('SIGKILL');
  await exited;
  await Promise.all(writers);
}

/**
 * Retries every sighting left in flight, all at once: after the restart each must be taken (201) or replayed
 * (200/201). A crawler retries a 503 after its Retry-After (a busy database answers so and heals): so does this,
 * up to five times.
 */
async function retryInFlight(w: Writer): Promise<void> {
  const { ledger } = w;
  const retries = [...ledger.inFlight].map(async ([key, { pageUrl }]) => {
    let r = await sendSighting(w, key, pageUrl);
    for (let attempt = 0; r?.status === 503 && attempt < 5; attempt++) {
      const after = Number(r.headers.get('retry-after') ?? '1');
      await r.arrayBuffer();
      await new Promise((ok) => setTimeout(ok, Math.min(after, 5) * 1000));
      r = await sendSighting(w, key, pageUrl);
    }
    const body = r ? ((await r.json().catch(() => ({}))) as { id?: string }) : {};
    ledger.retries.push({ key, status: r?.status ?? 0 });
    ledger.inFlight.delete(key);
    if (r && (r.status === 200 || r.status === 201) && body.id) ledger.sightings.set(key, { id: body.id, pageUrl });
  });
  await Promise.all(retries);
}

/** The server of the moment, stopped in afterAll should the test end (a timeout) while it runs. */
let running: CertmarkProcess | null = null;

/** Runs the kill loop against the database `options` name, then checks the ledger against `open()`. */
async function killLoop(options: CertmarkOptions, open: () => Promise<Database>) {
  const env = { CERTMARK_DEMO: '0', LOG_LEVEL: 'error' };
  // A start beside the rest of the suite on 2 cores (a new embedded database, tsx compiling the server) once took
  // over 90 s: the bound is generous, the figures SIGKILL_VERBOSE prints are the measure.
  const start = async () => (running = await startCertmark({ ...options, demo: false, env, readyTimeoutMs: 300_000 }));
  const first = await start();
  const made = await first.admin('POST', '/api/v1/admin/crawler-keys', { name: 'sigkill test' });
  expect(made.status).toBe(201);
  const w: Writer = {
    server: first,
    crawlerKey: ((await made.json()) as { key: string }).key,
    image: await markPng('colour', 32),
    ledger: { vendors: [], services: new Map(), sightings: new Map(), inFlight: new Map(), unexpected: [], retries: [] },
  };
  const startMs: number[] = [];
  try {
    for (let kill = 0; kill < KILLS; kill++) {
      const t0 = performance.now();
      await writeUntilKilled(w);
      const t = performance.now();
      w.server = await start();
      startMs.push(performance.now() - t);
      const t2 = performance.now();
      await retryInFlight(w);
      if (process.env.SIGKILL_VERBOSE)
        process.stdout.write(
          `kill ${kill}: writes ${Math.round(t - t0)} ms, start ${Math.round(t2 - t)} ms, retries ${Math.round(performance.now() - t2)} ms\n`,
        );
    }
    // acknowledged sightings answer the same after all those restarts (the first ten: a sample)
    for (const [key, { id, pageUrl }] of [...w.ledger.sightings].slice(0, 10)) {
      const r = await sendSighting(w, key, pageUrl);
      const body = r ? ((await r.json().catch(() => ({}))) as { id?: string }) : {};
      if (r?.headers.get('idempotent-replayed') !== 'true' || body.id !== id) {
        w.ledger.unexpected.push(
          `replay of acknowledged sighting ${key}: ${r?.status ?? 'no answer'} ${JSON.stringify(body).slice(0, 200)} (want the stored answer, id ${id})`,
        );
      }
    }
  } finally {
    await w.server.stop(); // SIGTERM: the embedded database can then be opened here
  }

  const { ledger } = w;
  const problems: string[] = [
    ...ledger.unexpected,
    ...ledger.retries
      .filter((r) => r.status !== 201 && r.status !== 200)
      .map((r) => `retry after a restart of sighting ${r.key}, in flight at the kill: ${r.status || 'no answer'}`),
  ];
  const database = await open();
  try {
    const db = database.db;
    const present = async (table: 'vendors' | 'services' | 'sightings', ids: string[]) =>
      new Set(ids.length ? (await db.selectFrom(table).select('id').where('id', 'in', ids).execute()).map((r) => r.id) : []);
    const missing = async (table: 'vendors' | 'services' | 'sightings', ids: string[]) => {
      const found = await present(table, ids);
      return ids.filter((id) => !found.has(id)).map((id) => `acknowledged ${table} row ${id} is missing`);
    };
    problems.push(...(await missing('vendors', ledger.vendors)), ...(await missing('services', [...ledger.services.keys()])));
    problems.push(
      ...(await missing(
        'sightings',
        [...ledger.sightings.values()].map((x) => x.id),
      )),
    );
    const serviceIds = [...ledger.services.keys()];
    const events = serviceIds.length
      ? await db
          .selectFrom('events')
          .select(['service_id', 'type'])
          .where('service_id', 'in', serviceIds)
          .where('type', 'in', ['service.applied', 'service.certified'])
          .execute()
      : [];
    const eventOf = new Set(events.map((e) => `${e.service_id} ${e.type}`));
    for (const [id, step] of ledger.services) {
      if ((step === 'applied' || step === 'certified') && !eventOf.has(`${id} service.applied`)) problems.push(`acknowledged application of ${id} is missing`);
      if (step === 'certified' && !eventOf.has(`${id} service.certified`)) problems.push(`acknowledged certification of ${id} is missing`);
    }
    const keys = [...ledger.sightings.keys()];
    const notDone = keys.length
      ? await db.selectFrom('idempotency_keys').select(['key', 'state']).where('key', 'in', keys).where('state', '!=', 'done').execute()
      : [];
    problems.push(...notDone.map((k) => `the Idempotency-Key ${k.key} of an acknowledged sighting is ${k.state}`));
    const chain = await verifyEventChain(db);
    if (!chain.ok) problems.push(`the event chain is broken at event #${chain.firstBadEventId}: ${chain.problem} (${chain.checked} intact before it)`);
  } finally {
    await database.close();
  }
  process.stdout.write(
    `sigkill (seed ${SEED}): ${KILLS} kills; acknowledged ${ledger.vendors.length} vendors, ${ledger.services.size} services, ${ledger.sightings.size} sightings; ` +
      `${ledger.retries.length} sightings in flight at a kill retried; restarts took ${Math.round(Math.min(...startMs))}–${Math.round(Math.max(...startMs))} ms\n`,
  );
  expect(problems, `seed ${SEED} (SIGKILL_SEED=${SEED} repeats the kill moments)`).toEqual([]);
  return { ledger, startMs };
}

/** Whether the test's schema is still there (a concurrent vitest run on the same PostgreSQL drops them all). */
async function schemaExists(schema: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: TEST_DATABASE_URL! });
  await client.connect();
  try {
    return (await client.query('select 1 from pg_namespace where nspname = $1', [schema])).rowCount === 1;
  } finally {
    await client.end();
  }
}

describe(`SIGKILL in the middle of writes, ${KILLS} times, on ${TEST_DATABASE_URL ? 'PostgreSQL' : 'PGlite (one DATA_DIR across restarts)'}`, () => {
  let dataDir: string | null = null;
  let schema: string | null = null;

  beforeAll(async () => {
    if (TEST_DATABASE_URL) {
      const made = await testDatabase(); // a migrated schema of its own; the servers and the checks open it
      schema = made.schema;
      await made.close();
    } else dataDir = await mkdtemp(join(tmpdir(), 'certmark-sigkill-'));
  });
  afterAll(async () => {
    await running?.stop();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  it('keeps every acknowledged write, a whole event chain, and lets sightings in flight at the kill be retried', async () => {
    const options: CertmarkOptions = TEST_DATABASE_URL
      ? { databaseUrl: `${TEST_DATABASE_URL}${TEST_DATABASE_URL.includes('?') ? '&' : '?'}options=${encodeURIComponent(`-c search_path=${schema}`)}` }
      : { dataDir: dataDir! };
    const open = async () => (TEST_DATABASE_URL ? openPostgres({ url: TEST_DATABASE_URL, schema: schema!, max: 2 }) : openEmbedded(dataDir!));
    const { ledger } = await killLoop(options, open).catch(async (err: unknown) => {
      if (schema && !(await schemaExists(schema))) {
        throw new Error(
          `the schema ${schema} was dropped during the run: another vitest run on this PostgreSQL started or ended meanwhile (global-setup drops every t_… schema)`,
          { cause: err },
        );
      }
      throw err;
    });
    // enough happened for the run to mean something
    expect(ledger.sightings.size + ledger.vendors.length).toBeGreaterThan(KILLS);
    expect(ledger.retries.length, 'no sighting was ever in flight at a kill').toBeGreaterThan(0);
  }, 900_000); // about 1½ min on PostgreSQL and 2–3 min on PGlite on 2 cores; 4–5 min when the machine is busy
});
