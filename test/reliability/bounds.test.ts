import fc from 'fast-check';
import { Hono } from 'hono';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { bootstrap } from '../../src/bootstrap';
import { loadConfig } from '../../src/config';
import { addDays, ENTERED_DATES } from '../../src/domain/calendar';
import { registerVendor } from '../../src/domain/lifecycle/application';
import { EVENT_ARTICLES, type EventType, type LifecycleEvent } from '../../src/domain/lifecycle/events';
import { foldEvents, inForceThrough, statusAt } from '../../src/domain/lifecycle/state';
import { latestExtension } from '../../src/domain/validity';
import { deadline } from '../../src/http/deadline';
import { jsonDepth } from '../../src/http/json-guard';
import { handleError } from '../../src/http/problem';
import type { AppEnv } from '../../src/http/env';
import { silentLogger } from '../../src/logger';
import { foldPublic } from '../../src/publication/timeline';
import { appendEvents } from '../../src/repositories/events';
import { claimIdempotencyKeys, deleteExpiredIdempotencyKeys, releaseClaimsOfGoneInstances } from '../../src/repositories/sightings';
import { ADMIN_TOKEN, testApp, testConfig, type TestApp } from '../support/app';
import { certifiedService, certify, ok, op, renewal, rowCounts, staffToken } from '../admin/fixtures';
import { crawlerKey, markPng, postSighting } from '../sightings/support';
import { requestHash, sightingInput } from '../../src/sightings/input';

let t: TestApp;
beforeAll(async () => {
  t = await testApp({ now: '2026-04-01T03:00:00Z' });
});
afterAll(async () => t?.close());

/** A certified service whose renewal is pending, a day before its validity ends. */
async function renewalPending(): Promise<{ id: string; number: string; validThrough: string }> {
  t.clock.set('2024-04-01T03:00:00Z');
  const s = await certifiedService(t);
  t.clock.set(`${addDays(s.validThrough, -45)}T03:00:00Z`);
  await ok(op(t, s.id, 'renewals', renewal()), 201);
  t.clock.set(`${addDays(s.validThrough, -1)}T03:00:00Z`);
  return s;
}

async function problemOf(res: Response | Promise<Response>, status: number) {
  const r = await res;
  expect(r.status).toBe(status);
  expect(r.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  return (await r.json()) as Record<string, unknown>;
}

describe('Art. 12.2: an extension runs at most one year past the valid-through date', () => {
  it('refuses 9999-12-31 with 400 naming `until`, and writes nothing', async () => {
    const s = await renewalPending();
    const before = await rowCounts(t);
    const body = await problemOf(op(t, s.id, 'extensions', { until: '9999-12-31', reason: '審査中' }), 400);
    expect(body.field).toBe('until');
    expect(await rowCounts(t)).toEqual(before);
  });

  it('refuses the day after the bound with the article and the last allowed day, and accepts the bound itself', async () => {
    const s = await renewalPending();
    const latest = latestExtension(s.validThrough);
    expect(latest).toBe(`${Number(s.validThrough.slice(0, 4)) + 1}${s.validThrough.slice(4)}`);
    const body = await problemOf(op(t, s.id, 'extensions', { until: addDays(latest, 1), reason: '審査中' }), 400);
    expect(body).toMatchObject({ field: 'until', article: 'Art. 12.2', extra: { latest } });
    await ok(op(t, s.id, 'extensions', { until: latest, reason: '審査中' }), 201);
  });
});

describe('dates people enter lie between 2000-01-01 and 2199-12-31', () => {
  for (const day of ['1999-12-31', '2200-01-01', '9999-12-31', '0000-01-01']) {
    it(`refuses decidedOn ${day} with 400 and writes nothing`, async () => {
      t.clock.set('2026-04-01T03:00:00Z');
      const s = await certifiedService(t);
      const before = await rowCounts(t);
      const body = await problemOf(op(t, s.id, 'decision', certify({ decidedOn: day })), 400);
      expect(body.field).toBe('decidedOn');
      if (day > ENTERED_DATES.max || day.startsWith('1999')) expect(body.detail).toContain(ENTERED_DATES.max);
      expect(await rowCounts(t)).toEqual(before);
    });
  }
});

describe('a far date already stored (before these bounds) does not stop the registry', () => {
  it('still answers the registry, the API, the verification page and the status, and can still revoke', async () => {
    const s = await renewalPending();
    // what an earlier version let a reviewer commit: written directly, as the chain holds it
    await t.database.db
      .transaction()
      .execute((tx) =>
        appendEvents(tx, s.id, 'staff:earlier-version', t.clock.now(), [
          { type: 'renewal.extended', payload: { until: '9999-12-31', reason: 'typing error' } },
        ]),
      );
    t.clock.set('2030-01-01T00:00:00Z');
    expect((await t.app.request('/registry')).status).toBe(200);
    expect((await t.app.request('/registry.csv')).status).toBe(200);
    expect((await t.app.request('/registry.atom')).status).toBe(200);
    expect((await t.app.request('/api/v1/services')).status).toBe(200);
    expect((await t.app.request(`/api/v1/services/${s.number}`)).status).toBe(200);
    expect((await t.app.request(`/verify/${s.number}`)).status).toBe(200);
    const status = await ok(t.json('GET', `/api/v1/admin/services/${s.id}/status`));
    expect(status.status).toBe('renewal_pending');
    const revoked = await ok(op(t, s.id, 'revocation', { ground: 1, reason: '是正されないため' }));
    expect(revoked.service.status).toBe('revoked');
  });
});

const EVENT_TYPES = Object.keys(EVENT_ARTICLES) as EventType[];
/** Far, near and malformed days: whatever a store could hold. */
const anyDay = fc.oneof(
  fc.constantFrom('0000-01-01', '9999-12-31', '2026-02-29', '2028-02-29', '1970-01-01', '', 'not a date', '+10000-01-01', '2026-13-45'),
  fc.date({ min: new Date('0000-01-01T00:00:00Z'), max: new Date('9999-12-31T00:00:00Z'), noInvalidDate: true }).map((d) => d.toISOString().slice(0, 10)),
);
const anyInstant = fc.date({ min: new Date(-8.64e15), max: new Date(8.64e15), noInvalidDate: true });
const hostileEvent = fc.record({
  type: fc.constantFrom(...EVENT_TYPES),
  at: anyInstant,
  day: anyDay,
  other: anyDay,
  kind: fc.constantFrom('initial', 'renewal', 'bogus'),
  flag: fc.boolean(),
});

describe('the status fold is total', () => {
  it('folds random and hostile event sequences at any instant without throwing', () => {
    fc.assert(
      fc.property(fc.array(hostileEvent, { maxLength: 25 }), fc.array(anyInstant, { minLength: 1, maxLength: 5 }), (raw, instants) => {
        const events = raw
          .sort((a, b) => a.at.getTime() - b.at.getTime())
          .map(
            (r, i) =>
              ({
                id: i + 1,
                type: r.type,
                at: r.at,
                actor: 'fuzz',
                article: EVENT_ARTICLES[r.type],
                payload: {
                  kind: r.kind,
                  number: 'MD-0001-2604',
                  certifiedOn: r.day,
                  validThrough: r.other,
                  appliedOn: r.day,
                  filedOn: r.day,
                  until: r.other,
                  effectiveOn: r.day,
                  terminatedOn: r.day,
                  returnedOn: r.day,
                  dueOn: r.other,
                  certificateReturned: r.flag,
                  selfDeclaration: { usedMarkCorrectly: r.flag, statement: '' },
                  reason: '',
                  ground: 1,
                  cause: 'merger',
                },
              }) as unknown as LifecycleEvent,
          );
        for (const instant of instants) {
          statusAt(events, instant);
          inForceThrough(foldEvents(events, instant));
          foldPublic(events, instant);
        }
      }),
      { seed: 20261201, numRuns: 2000 },
    );
  });
});

describe('JSON bodies are bounded in depth (400) before any route reads them', () => {
  const nested = (levels: number) => `${'{"a":'.repeat(levels)}1${'}'.repeat(levels)}`;

  it('measures depth without counting brackets inside strings', () => {
    expect(jsonDepth(new TextEncoder().encode('{"a":[1,{"b":"[[[{{{\\"]]"}]}'))).toBe(3);
  });

  for (const levels of [5_000, 200_000]) {
    it(`refuses a vendor contact nested ${levels} levels deep with 400 problem+json and writes nothing`, async () => {
      const before = await rowCounts(t);
      const body = `{"nameJa":"深い株式会社","nameEn":null,"contact":${nested(levels)}}`;
      const res = t.app.request('/api/v1/admin/vendors', {
        method: 'POST',
        headers: { Authorization: `Bearer ${ADMIN_TOKEN}`, 'Content-Type': 'application/json' },
        body,
      });
      expect((await problemOf(res, 400)).detail).toMatch(/nested deeper/);
      expect(await rowCounts(t)).toEqual(before);
    });
  }

  it('refuses a deep inquiry the same way', async () => {
    const res = t.app.request('/api/v1/inquiries', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: `{"name":${nested(1000)}}` });
    await problemOf(res, 400);
  });
});

describe('every request is answered within its deadline', () => {
  it('answers 503 problem+json with Retry-After when the work outlives the deadline, and aborts the work', async () => {
    vi.useFakeTimers();
    try {
      let signal: AbortSignal | undefined;
      const app = new Hono<AppEnv>();
      app.use('*', async (c, next) => {
        c.set('requestId', 'r');
        await next();
      });
      app.use('*', deadline({ readMs: 1_000, writeMs: 5_000 }, handleError));
      const never = async (c: { get(k: 'signal'): AbortSignal; text(s: string): Response }) => {
        signal = c.get('signal');
        await new Promise(() => {}); // a database that never answers
        return c.text('never');
      };
      app.get('/slow', never as never);
      app.post('/slow', never as never);
      const read = app.request('/slow');
      await vi.advanceTimersByTimeAsync(1_000);
      const res = await read;
      expect(res.status).toBe(503);
      expect(res.headers.get('retry-after')).toBe('2');
      expect(((await res.json()) as { code: string }).code).toBe('unavailable');
      // a write is told, so that its transaction rolls back instead of committing
      const write = app.request('/slow', { method: 'POST' });
      await vi.advanceTimersByTimeAsync(4_999);
      expect(signal?.aborted).toBe(false);
      await vi.advanceTimersByTimeAsync(1);
      expect((await write).status).toBe(503);
      expect(signal?.aborted).toBe(true);
    } finally {
      vi.useRealTimers();
    }
  });

  it('commits nothing for a write whose deadline has passed', async () => {
    const before = await rowCounts(t);
    const controller = new AbortController();
    controller.abort(new Error('deadline passed'));
    await expect(
      registerVendor({ db: t.database.db, clock: t.clock, actor: 'test', signal: controller.signal }, { nameJa: '遅い株式会社', nameEn: null, contact: {} }),
    ).rejects.toThrow('deadline passed');
    expect(await rowCounts(t)).toEqual(before);
  });
});

describe('the database unavailable answers 503, never 500', () => {
  it('answers pages with a 503 page and JSON with 503 problem+json, both with Retry-After', async () => {
    const u = await testApp();
    await u.database.close(); // as unreachable as a database gets
    const page = await u.app.request('/registry', { headers: { Accept: 'text/html' } });
    expect(page.status).toBe(503);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    expect(page.headers.get('retry-after')).toBe('2');
    for (const path of ['/api/v1/services', '/api/v1/admin/services', '/readyz']) {
      const res = await u.app.request(path, { headers: { Authorization: `Bearer ${ADMIN_TOKEN}` } });
      const body = await problemOf(res, 503);
      expect(body.code).toBe('unavailable');
      expect(res.headers.get('retry-after')).toBe('2');
    }
  });
});

describe('configuration', () => {
  it('reads a setting that is present but empty as not set', () => {
    const c = loadConfig({ DATABASE_URL: '', PORT: '', LOG_LEVEL: ' ', CERTMARK_ADMIN_TOKEN: '' });
    expect(c.databaseUrl).toBeNull();
    expect(c.port).toBe(3000);
    expect(c.adminToken).toBeNull();
  });

  it('reads the pool size, the database timeouts and the request deadlines', () => {
    const c = loadConfig({
      DB_POOL_MAX: '4',
      DB_CONNECT_TIMEOUT_MS: '1500',
      DB_STATEMENT_TIMEOUT_MS: '2500',
      REQUEST_TIMEOUT_MS: '3000',
      WRITE_TIMEOUT_MS: '9000',
    });
    expect(c.db).toEqual({ poolMax: 4, connectTimeoutMs: 1500, statementTimeoutMs: 2500 });
    expect(c.deadlines).toEqual({ readMs: 3000, writeMs: 9000 });
  });
});

describe('the bootstrap admin token (CERTMARK_ADMIN_TOKEN)', () => {
  it('stays revoked when staff revoked it: the next start says so and goes on', async () => {
    const u = await testApp();
    const tokens = await ok(u.json('GET', '/api/v1/admin/staff-tokens'));
    const bootstrapToken = (tokens.tokens ?? tokens).find((x: { name: string }) => x.name.startsWith('bootstrap'));
    const other = await staffToken(u, 'admin');
    const revoked = await u.json('DELETE', `/api/v1/admin/staff-tokens/${bootstrapToken.id}`, undefined, u.auth(other));
    expect(revoked.status).toBeLessThan(300);
    const report = await bootstrap(testConfig(), u.database, u.clock, silentLogger);
    expect(report.adminTokenRevoked).toBe(true);
    expect((await u.json('GET', '/api/v1/admin/services')).status).toBe(401);
    await u.close();
  });
});

describe('Idempotency-Key claims', () => {
  let crawler: { id: string; key: string };
  beforeAll(async () => {
    crawler = await crawlerKey(t);
  });
  const claimAs = async (owner: string, key: string, fields: { image: Buffer }) => {
    const input = await sightingInput(
      { pageUrl: 'https://vendor.example/', seenAt: '2026-04-01T03:00:00Z', image: new File([new Uint8Array(fields.image)], 'm.png', { type: 'image/png' }) },
      t.clock.now(),
      5_000_000,
    );
    expect(
      (await claimIdempotencyKeys(t.database.db, owner, [{ crawlerKeyId: crawler.id, key, requestHash: requestHash(input), at: t.clock.now() }])).size,
    ).toBe(1);
  };

  it('frees the claim of a process that is gone when a process starts, so the retry succeeds', async () => {
    t.clock.set('2026-04-01T03:00:00Z');
    const fields = { image: await markPng('colour', 40), pageUrl: 'https://vendor.example/' };
    await claimAs('deadbeef0001', 'crashed-1', fields);
    expect((await postSighting(t, crawler.key, fields, 'crashed-1')).status).toBe(409);
    expect(await releaseClaimsOfGoneInstances(t.database)).toBeGreaterThanOrEqual(1);
    expect((await postSighting(t, crawler.key, fields, 'crashed-1')).status).toBe(201);
  });

  it('keeps the claims of this live process', async () => {
    const fields = { image: await markPng('colour', 41), pageUrl: 'https://vendor.example/' };
    await claimAs(t.database.instanceId, 'in-flight-here', fields);
    await releaseClaimsOfGoneInstances(t.database);
    expect((await postSighting(t, crawler.key, fields, 'in-flight-here')).status).toBe(409);
  });

  it('forgets keys after 24 hours: the key may then carry another request', async () => {
    t.clock.set('2026-04-01T03:00:00Z');
    const first = { image: await markPng('colour', 42), pageUrl: 'https://vendor.example/a' };
    const second = { image: await markPng('colour', 43), pageUrl: 'https://vendor.example/b' };
    expect((await postSighting(t, crawler.key, first, 'day-old')).status).toBe(201);
    expect((await postSighting(t, crawler.key, second, 'day-old')).status).toBe(422);
    t.clock.advance(24 * 3600_000 - 1000);
    expect(await deleteExpiredIdempotencyKeys(t.database.db, t.clock.now())).toBe(0);
    t.clock.advance(2000);
    expect(await deleteExpiredIdempotencyKeys(t.database.db, t.clock.now())).toBeGreaterThanOrEqual(1);
    expect((await postSighting(t, crawler.key, second, 'day-old')).status).toBe(201);
  });
});
