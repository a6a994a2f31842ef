import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { testApp, type TestApp } from '../support/app';
import { handleError } from '../../src/http/problem';
import { newRouter } from '../../src/http/router';
import { requestContext } from '../../src/http/middleware';

describe('errors answered as problem details (RFC 9457)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await testApp();
  });
  afterAll(async () => t.close());

  /** A small app with the real error handler, whose routes make the real database refuse input. */
  function appWith(path: string, run: () => Promise<unknown>) {
    const app = newRouter();
    app.use('*', requestContext(t.deps));
    app.onError(handleError);
    app.get(path, async (c) => c.json(await run()));
    return app;
  }

  it('answers a NUL character the database refuses with 400, not 500', async () => {
    const app = appWith('/nul', () => sql`select ${'a\u0000b'}::text as v`.execute(t.database.db));
    const res = await app.request('/nul');
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
    const body = (await res.json()) as { detail: string };
    expect(body.detail).not.toMatch(/0x00|syntax|pg|postgres/i);
  });

  it('answers a duplicate key with 409 conflict', async () => {
    const dup = async () => {
      await t.database.db
        .insertInto('delegates')
        .values({ id: 'd1', name_ja: '委託先', name_en: null, scope_ja: '審査', scope_en: null, delegated_on: '2026-01-01', ended_on: null })
        .execute();
      return t.database.db
        .insertInto('delegates')
        .values({ id: 'd1', name_ja: '委託先', name_en: null, scope_ja: '審査', scope_en: null, delegated_on: '2026-01-01', ended_on: null })
        .execute();
    };
    const res = await appWith('/dup', dup).request('/dup');
    expect(res.status).toBe(409);
  });

  it('answers an unknown failure with a generic 500 that never echoes the error', async () => {
    const res = await appWith('/boom', async () => {
      throw new Error('secret internal detail');
    }).request('/boom');
    expect(res.status).toBe(500);
    expect(await res.text()).not.toContain('secret internal detail');
  });

  it('answers an unknown path with 404 problem+json whose detail quotes at most 200 characters of it', async () => {
    const res = await t.app.request(`/${'a'.repeat(5000)}`);
    expect(res.status).toBe(404);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
    const { detail } = (await res.json()) as { detail: string };
    expect(detail.length).toBeLessThan(260);
    expect(detail).toMatch(/^no route for GET \/a+…$/);
  });
});
