import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lapse, revoke, terminate } from '../../src/domain/lifecycle/closure';
import { testApp, type TestApp } from '../support/app';
import { certifiedWithToken, get, lifecycle, OTHER_SITE, SITE } from '../tokens/support';

/** `GET /api/v1/badge/{token}`: what the badge script needs (the shape is fixed: widget/ builds against it). */
describe('GET /api/v1/badge/{token}', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await testApp({ now: '2026-04-01T03:00:00Z' });
  });
  afterAll(async () => {
    await t.close();
  });

  it('answers the fixed shape for a certified service on an allowed site', async () => {
    const s = await certifiedWithToken(t, { nameJa: 'テストカルテ', nameEn: 'Test Karte' });
    const r = await get(t, `/api/v1/badge/${s.token}`, { Origin: SITE });
    expect(r.status).toBe(200);
    expect(await r.json()).toEqual({
      status: 'certified',
      showMark: true,
      siteAllowed: true,
      number: s.number,
      serviceName: { ja: 'テストカルテ', en: 'Test Karte' },
      vendorName: { ja: '株式会社テスト医療', en: 'Test Medical K.K.' },
      validThrough: '2028-04-01',
      verifyUrl: `https://certmark.test/verify/${s.number}`,
      markUrl: `https://certmark.test/mark/${s.token}.svg`,
      reportUrl: `https://certmark.test/verify/${s.number}?report=1#report`,
      checkedAt: '2026-04-01T03:00:00.000Z',
    });
  });

  it('has CORS for every site without credentials, no-cache with an ETag, Vary: Origin', async () => {
    const s = await certifiedWithToken(t);
    const r = await get(t, `/api/v1/badge/${s.token}`, { Origin: OTHER_SITE });
    expect(r.headers.get('access-control-allow-origin')).toBe('*');
    expect(r.headers.get('access-control-allow-credentials')).toBeNull();
    expect(r.headers.get('cache-control')).toBe('no-cache');
    expect(r.headers.get('vary')).toBe('Origin');
    expect(r.headers.get('etag')).toMatch(/^"[\w-]+"$/);
    expect(r.headers.get('cross-origin-resource-policy')).toBe('cross-origin');
    expect(r.headers.get('certification-status')).toBe('certified');
  });

  it('answers 304 to If-None-Match while the facts are the same, even as checkedAt moves on', async () => {
    const s = await certifiedWithToken(t);
    const etag = (await get(t, `/api/v1/badge/${s.token}`)).headers.get('etag')!;
    t.clock.advance(60_000);
    expect((await get(t, `/api/v1/badge/${s.token}`, { 'If-None-Match': etag })).status).toBe(304);
    await revoke(lifecycle(t), s.id, { ground: 1, reason: 'x', notice: 'y', noticeSentBy: 'post' });
    const after = await get(t, `/api/v1/badge/${s.token}`, { 'If-None-Match': etag });
    expect(after.status).toBe(200);
    expect((await after.json()).status).toBe('revoked');
  });

  it('answers a preflight for every site', async () => {
    const r = await t.app.request('/api/v1/badge/x', { method: 'OPTIONS', headers: { Origin: OTHER_SITE, 'Access-Control-Request-Method': 'GET' } });
    expect(r.status).toBe(204);
    expect(r.headers.get('access-control-allow-origin')).toBe('*');
    expect(r.headers.get('access-control-allow-methods')).toContain('GET');
  });

  it('a site the token does not name: siteAllowed and showMark false, no markUrl, still the facts', async () => {
    const s = await certifiedWithToken(t);
    const body = await (await get(t, `/api/v1/badge/${s.token}`, { Origin: OTHER_SITE })).json();
    expect(body).toMatchObject({ status: 'certified', siteAllowed: false, showMark: false, markUrl: null, number: s.number });
  });

  it.each([
    ['revoked', (id: string) => revoke(lifecycle(t), id, { ground: 1, reason: 'x', notice: 'y', noticeSentBy: 'post' })],
    ['terminated', (id: string) => terminate(lifecycle(t), id, { certificateReturned: true })],
    ['lapsed', (id: string) => lapse(lifecycle(t), id, { cause: 'transfer', note: 'x' })],
  ] as const)('%s: showMark false, no markUrl, no valid-through date', async (status, end) => {
    const s = await certifiedWithToken(t);
    await end(s.id);
    const r = await get(t, `/api/v1/badge/${s.token}`, { Origin: SITE });
    expect(r.status).toBe(200);
    expect(r.headers.get('certification-status')).toBe(status);
    expect(await r.json()).toMatchObject({ status, showMark: false, siteAllowed: true, markUrl: null, validThrough: null });
  });

  it('expired: showMark false, the date it was valid through', async () => {
    const s = await certifiedWithToken(t);
    const now = t.clock.now();
    t.clock.set('2028-04-01T15:00:00Z');
    const body = await (await get(t, `/api/v1/badge/${s.token}`)).json();
    t.clock.set(now);
    expect(body).toMatchObject({ status: 'expired', showMark: false, validThrough: '2028-04-01', markUrl: null });
  });

  it('answers 404 problem+json, with CORS, for a token that does not verify', async () => {
    const r = await get(t, '/api/v1/badge/not.a.token', { Origin: SITE });
    expect(r.status).toBe(404);
    expect(r.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(r.headers.get('access-control-allow-origin')).toBe('*');
    expect(r.headers.get('certification-status')).toBe('unknown');
    expect((await r.json()).status).toBe(404);
  });
});
