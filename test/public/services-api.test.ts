import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testApp, BASE, type TestApp } from '../support/app';
import { lifecycle, NOW, type World } from './world';

let t: TestApp;
let w: World;
beforeAll(async () => {
  t = await testApp({ now: NOW });
  w = await lifecycle(t).everyStatus((status) => ({ nameJa: `${status}のサービス`, nameEn: `${status} service` }));
});
afterAll(async () => t.close());

const get = async (path: string) => {
  const res = await t.app.request(path);
  return { res, body: (await res.json()) as any };
};

describe('GET /api/v1/services/{number}', () => {
  it('answers the facts of CONTRACT.md: number, names, vendor, status, mark, dates, extension, items, history', async () => {
    const { res, body } = await get(`/api/v1/services/${w.extended.number}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
    expect(res.headers.get('link')).toBe(`<${BASE}/verify/${w.extended.number}>; rel="alternate"; type="text/html"`);
    expect(body).toMatchObject({
      number: w.extended.number,
      name: { ja: 'extendedのサービス', en: 'extended service' },
      vendor: { name: { ja: expect.any(String) } },
      status: 'renewal_pending',
      markServed: true,
      certifiedOn: '2024-03-20',
      validThrough: '2026-03-20',
      inForceThrough: '2026-06-30',
      extension: { until: '2026-06-30', grantedOn: '2026-03-15' },
      renewal: { filedOn: '2026-02-10' },
      disclosure: { version: 1, items: [{ key: 'overview' }] },
      origins: ['https://vendor.example'],
      verificationUrl: `${BASE}/verify/${w.extended.number}`,
      checkedAt: '2026-04-01T03:00:00.000Z',
    });
    expect(body.history).toEqual([
      {
        id: 'certified@2024-03-20T01:00:00.000Z',
        type: 'certified',
        at: '2024-03-20T01:00:00.000Z',
        on: '2024-03-20',
        article: 'Art. 6.1',
        certifiedOn: '2024-03-20',
        validThrough: '2026-03-20',
      },
      {
        id: 'extended@2026-03-15T01:00:00.000Z',
        type: 'extended',
        at: '2026-03-15T01:00:00.000Z',
        on: '2026-03-15',
        article: 'Art. 12.2',
        until: '2026-06-30',
      },
    ]);
  });

  it('gives a revocation with its ground, article and reason', async () => {
    const { body } = await get(`/api/v1/services/${w.revoked.number}`);
    expect(body.revocation).toEqual({
      revokedAt: '2026-03-01T01:00:00.000Z',
      revokedOn: '2026-03-01',
      ground: 3,
      article: 'Art. 17.1(3)',
      reason: '認定マークを改変して使用した',
    });
    expect(body.markServed).toBe(false);
  });

  it('answers 404 problem+json for unknown numbers and services never certified', async () => {
    for (const number of ['MD-9999-9999', 'nope']) {
      const { res, body } = await get(`/api/v1/services/${number}`);
      expect(res.status).toBe(404);
      expect(res.headers.get('content-type')).toContain('application/problem+json');
      expect(body.detail).toBe('no certified service has this number');
      expect(body.instance).toBe('/api/v1/services/:number');
    }
    const echo = await t.app.request('/api/v1/services/MD-0001-2506%3Cb%3Eecho-me');
    expect(await echo.text()).not.toContain('echo-me');
  });
});

describe('GET /api/v1/services (Art. 11)', () => {
  it('lists every public service by number, and never one that was not certified', async () => {
    const { body } = await get('/api/v1/services');
    expect(body.total).toBe(7);
    const numbers = body.items.map((s: { number: string }) => s.number);
    expect(numbers).toEqual([...numbers].sort());
    expect(JSON.stringify(body)).not.toMatch(/applied|refused/);
  });

  it('filters by status and by free text', async () => {
    expect((await get('/api/v1/services?status=expired')).body.items.map((s: any) => s.number)).toEqual([w.expired.number]);
    expect((await get('/api/v1/services?status=in_force')).body.total).toBe(3);
    expect((await get(`/api/v1/services?q=${encodeURIComponent('lapsedのサービス')}`)).body.items.map((s: any) => s.number)).toEqual([w.lapsed.number]);
    expect((await get('/api/v1/services?q=REVOKED%20service')).body.items.map((s: any) => s.number)).toEqual([w.revoked.number]);
  });

  it('pages with a cursor and a Link: rel="next" header', async () => {
    const first = await get('/api/v1/services?limit=3');
    expect(first.body.items).toHaveLength(3);
    expect(first.res.headers.get('link')).toContain('rel="next"');
    const seen = first.body.items.map((s: any) => s.number);
    let cursor = first.body.next;
    while (cursor) {
      const next = await get(`/api/v1/services?limit=3&cursor=${cursor}`);
      seen.push(...next.body.items.map((s: any) => s.number));
      cursor = next.body.next;
    }
    expect(seen).toHaveLength(7);
    expect(new Set(seen).size).toBe(7);
  });

  it('answers bad queries with 400 problem+json that does not repeat them', async () => {
    for (const q of ['status=bogus', 'limit=0', 'limit=201', 'limit=abc', `q=${'x'.repeat(201)}`, 'cursor=%3Cscript%3E', 'cursor=TUQtMDAwMS0yNTA2LWV4dHJh']) {
      const res = await t.app.request(`/api/v1/services?${q}`);
      expect(res.status, q).toBe(400);
      const text = await res.text();
      expect(text).not.toContain('<script>');
      expect(text).not.toContain('bogus');
    }
  });
});

describe('the registry JSON is listed in /openapi.json', () => {
  it('documents the public endpoints', async () => {
    const doc = (await (await t.app.request('/openapi.json')).json()) as { paths: Record<string, unknown> };
    for (const p of [
      '/verify/{number}',
      '/api/v1/services',
      '/api/v1/services/{number}',
      '/registry',
      '/registry.csv',
      '/registry.atom',
      '/api/v1/inquiries',
      '/inquiry',
    ])
      expect(Object.keys(doc.paths)).toContain(p);
  });
});
