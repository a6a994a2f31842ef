import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testApp, type TestApp } from '../support/app';

/** What the fuzzer found (openapi.test.ts), kept as plain examples once fixed. */

let t: TestApp;
beforeAll(async () => {
  t = await testApp({ now: '2026-04-01T03:00:00Z' });
});
afterAll(async () => t.close());

const b64 = (s: string) => Buffer.from(s).toString('base64url');
const get = (path: string) => t.app.request(path, { headers: t.auth() });

async function problem(path: string, status: number) {
  const res = await get(path);
  const text = await res.text();
  expect(res.status, text).toBe(status);
  expect(res.headers.get('content-type')).toContain('application/problem+json');
  return JSON.parse(text);
}

describe('page cursors with an instant the database cannot read are 400, not 500', () => {
  const instants = ['+275760-09-13T00:00:00.000Z', '-271821-04-20T00:00:00.000Z', '0000-01-01T00:00:00Z', '2026-04-01T03:00:00+09:00'];

  it.each(instants)('GET /api/v1/admin/inquiries?cursor=(%s|uuid)', async (at) => {
    const cursor = b64(`${at}|00000000-0000-1000-8000-000000000000`);
    expect(await problem(`/api/v1/admin/inquiries?cursor=${cursor}`, 400)).toMatchObject({ field: 'cursor' });
  });

  it.each([...instants, 1e15])('GET /api/v1/admin/cases?cursor=([%s, id])', async (at) => {
    expect(await problem(`/api/v1/admin/cases?cursor=${b64(JSON.stringify([at, 'x']))}`, 400)).toMatchObject({ field: 'cursor' });
  });

  it('the cursors the API gives still page', async () => {
    for (const body of ['一件目', '二件目']) {
      expect((await t.json('POST', '/api/v1/inquiries', { name: '患者', email: 'p@example.jp', subject: '質問', body }, {})).status).toBe(201);
      t.clock.advance(1000);
    }
    const first = await (await get('/api/v1/admin/inquiries?limit=1')).json();
    const second = await (await get(`/api/v1/admin/inquiries?limit=1&cursor=${first.next}`)).json();
    expect(second.items).toHaveLength(1);
    expect(second.items[0].id).not.toBe(first.items[0].id);
    // The cases cursor in the form cursorOf writes it.
    expect((await get(`/api/v1/admin/cases?cursor=${b64(JSON.stringify([t.clock.now().toISOString(), 'x']))}`)).status).toBe(200);
  });
});

describe('a NUL or control character in an embed-token or case filter id is 400 naming it, before the database', () => {
  it.each([
    ['POST', '/api/v1/admin/services/a%00b/tokens', 'service'],
    ['GET', '/api/v1/admin/services/a%0Ab/tokens', 'service'],
    ['POST', '/api/v1/admin/tokens/a%00b/retire', 'jti'],
    ['GET', '/api/v1/admin/cases?service=a%00b', 'service'],
  ])('%s %s', async (method, path, field) => {
    const res = await t.app.request(path, { method, headers: { ...t.auth(), 'Content-Type': 'application/json' }, body: method === 'POST' ? '{}' : undefined });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ code: 'invalid', field });
  });
});
