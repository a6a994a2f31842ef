import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/db/database';
import { openPostgres } from '../../src/db/open';
import { revoke } from '../../src/domain/lifecycle/closure';
import { testApp, type TestApp } from '../support/app';
import { onPostgres, TEST_DATABASE_URL, testDatabase } from '../support/db';
import { certifiedWithToken, get, SITE } from '../tokens/support';

/**
 * Art. 10.8 when the LISTEN connection drops (a database restart, a failover, an idle timeout): NOTIFYs sent
 * meanwhile are lost, so the caches keep nothing until the connection listens again, and it comes back by
 * itself. The revocations here come from another connection pool, as from another server: this process's
 * own commits are caught without LISTEN (src/mark/local-commits.ts). PostgreSQL only: PGlite has no connection.
 */
describe.skipIf(!onPostgres)('the LISTEN connection dropping (Art. 10.8)', () => {
  const applicationName = `certmark-gap-${randomBytes(4).toString('hex')}`;
  let database: Database;
  let other: Database;
  let t: TestApp;
  const fromSite = { Referer: `${SITE}/` };

  beforeAll(async () => {
    const made = await testDatabase(); // a migrated schema of its own
    await made.close();
    database = openPostgres({ url: TEST_DATABASE_URL!, schema: made.schema!, applicationName, max: 4 });
    other = openPostgres({ url: TEST_DATABASE_URL!, schema: made.schema!, max: 2 });
    t = await testApp({ database });
  });
  afterAll(async () => {
    await t?.close();
    await other?.close();
  });

  const listeners = async () =>
    Number(
      (await sql<{ n: string }>`select count(*) as n from pg_stat_activity where application_name like ${`${applicationName}-listen/%`}`.execute(other.db))
        .rows[0]!.n,
    );

  const statusWithin = async (path: string, ms: number) => {
    const until = performance.now() + ms;
    let status = 0;
    do {
      status = (await get(t, path, fromSite)).status;
      if (status !== 200) break;
      await new Promise((r) => setTimeout(r, 20));
    } while (performance.now() < until);
    return status;
  };

  it('stops the mark at once for a revocation made while the connection is down, and listens again', async () => {
    const s = await certifiedWithToken(t);
    const mark = `/mark/${s.token}.svg`;
    expect((await get(t, mark, fromSite)).status).toBe(200);
    expect((await get(t, mark, fromSite)).status).toBe(200); // cached now
    expect(await listeners()).toBe(2); // lifecycle changes and signing keys

    await sql`select pg_terminate_backend(pid) from pg_stat_activity where application_name like ${`${applicationName}-listen/%`}`.execute(other.db);
    await revoke({ db: other.db, clock: t.clock, actor: 'another server' }, s.id, {
      ground: 1,
      reason: 'during the gap',
      notice: '取消',
      noticeSentBy: 'post',
    });
    // the NOTIFY of this revocation went nowhere; without the gap handling the cached 200 would last its TTL (30 s)
    expect(await statusWithin(mark, 2000)).toBe(410);

    const until = performance.now() + 5000;
    while ((await listeners()) < 2 && performance.now() < until) await new Promise((r) => setTimeout(r, 50));
    expect(await listeners()).toBe(2);

    // listening again: a revocation from elsewhere reaches this process through NOTIFY
    const s2 = await certifiedWithToken(t);
    const mark2 = `/mark/${s2.token}.svg`;
    expect((await get(t, mark2, fromSite)).status).toBe(200);
    await revoke({ db: other.db, clock: t.clock, actor: 'another server' }, s2.id, {
      ground: 1,
      reason: 'after the gap',
      notice: '取消',
      noticeSentBy: 'post',
    });
    expect(await statusWithin(mark2, 2000)).toBe(410);
  });
});
