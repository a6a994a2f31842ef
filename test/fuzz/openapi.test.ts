import fc from 'fast-check';
import pino from 'pino';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { testApp } from '../support/app';
import { operationId, operationsOf, requestsFor, type FuzzRequest, type Operation } from './requests';
import { freshCases, freshProposals, freshServices, seedWorld, type World } from './world';

/**
 * Issue 10: every operation of the served /openapi.json, fuzzed with requests built from its own schemas
 * (test/fuzz/schema.ts) on a world of seeded objects (test/fuzz/world.ts): valid most of the time so that the
 * operations run deep, hostile otherwise. No answer may be a 5xx; every JSON 4xx is a problem+json whose
 * `status` is the HTTP status and that has a `title`.
 *
 * FUZZ_RUNS (default 5,000) is the number of requests, spread over the operations; FUZZ_SEED picks another
 * deterministic sequence; FUZZ_VERBOSE=1 prints each operation's answers by status. `npm run fuzz` runs 50,000.
 */

const RUNS = Number(process.env.FUZZ_RUNS ?? 5_000);
const SEED = Number(process.env.FUZZ_SEED ?? 20_260_401);
const VERBOSE = process.env.FUZZ_VERBOSE === '1';

const t = await testApp({ now: '2026-04-01T03:00:00Z' });
const doc = await (await t.app.request('/openapi.json')).json();
const operations = operationsOf(doc);
const perOperation = Math.ceil(RUNS / operations.length);

// What the app logs as an unhandled error, to print beside the request that caused it.
const logged: string[] = [];
t.deps.logger = pino({ level: 'error' }, { write: (line: string) => void logged.push(line) });

/** Per operation, how many answers of each status. */
const answers: Record<string, Record<number, number>> = {};

let world: World;
beforeAll(async () => {
  world = await seedWorld(t);
}, 120_000);
afterAll(async () => {
  if (VERBOSE)
    console.log(
      Object.entries(answers)
        .map(([op, byStatus]) => `${op.padEnd(80)} ${JSON.stringify(byStatus)}`)
        .join('\n'),
    );
  await t.close();
});

/** Sends the request; fails on a 5xx or a JSON error that is not a problem. */
async function check(op: Operation, req: FuzzRequest): Promise<void> {
  logged.length = 0;
  const res = await t.app.request(req.url(), await req.init());
  const type = res.headers.get('content-type') ?? '';
  const text = await res.text();
  const byStatus = (answers[operationId(op)] ??= {});
  byStatus[res.status] = (byStatus[res.status] ?? 0) + 1;
  const what = `answered ${res.status} ${type}: ${text.slice(0, 300)}${logged.length ? `\nlogged: ${logged.join('\n').slice(0, 3_000)}` : ''}`;
  expect(res.status, what).toBeLessThan(500);
  if (res.status >= 400 && /json/i.test(type)) {
    expect(type, what).toMatch(/^application\/problem\+json/);
    if (req.method === 'HEAD') return;
    const problem = JSON.parse(text) as { status?: unknown; title?: unknown };
    expect(problem.status, what).toBe(res.status);
    expect(typeof problem.title === 'string' && problem.title.length > 0, what).toBe(true);
  }
}

/** A seed of each operation's own, so that adding one does not change the others' requests. */
const seedOf = (op: Operation) => [...operationId(op)].reduce((h, ch) => (Math.imul(h, 31) + ch.charCodeAt(0)) | 0, SEED);

/** Operations that name a service or a case work on ones made just before them (world.ts). */
const names = (op: Operation, name: string) => op.parameters.some((p) => p.name === name);

it('the served document lists the operations (each is fuzzed below)', () => {
  // Far fewer would mean the document lost routes, and the fuzzer with them.
  expect(operations.length).toBeGreaterThan(60);
  expect(operations.map((op) => op.auth)).toContain('crawler');
  expect(perOperation * operations.length).toBeGreaterThanOrEqual(RUNS);
});

it.each(operations.map((op) => [operationId(op), op] as const))(
  '%s',
  async (_, op) => {
    if (names(op, 'service'))
      world.fresh = await freshServices(
        t,
        world.vendors[0]!.value,
        world.scopedTokenIds.map((s) => s.value),
      );
    if (names(op, 'case')) world.cases = await freshCases(world);
    if (names(op, 'proposal')) world.proposals = await freshProposals(world);
    // The inquiry desk allows five per client in ten minutes (all of app.request is one client): time passes.
    const paced = op.path === '/api/v1/inquiries';
    const property = fc.asyncProperty(requestsFor(op, doc, world), async (req) => {
      if (paced) t.clock.advance(150_000);
      await check(op, req);
    });
    const details = await fc.check(property, { seed: seedOf(op), numRuns: perOperation });
    if (details.failed) throw new Error(`${fc.defaultReportMessage(details)}\n\n${String(details.errorInstance)}`);
    expect(details.numRuns).toBe(perOperation);
  },
  60_000 + perOperation * 1_000,
);

it('every operation fuzzed also answered without an error now and then: the requests reach its logic', () => {
  const neverOk = Object.entries(answers).filter(([, byStatus]) => !Object.keys(byStatus).some((status) => Number(status) < 400));
  expect(neverOk.map(([op]) => op)).toEqual([]);
});
