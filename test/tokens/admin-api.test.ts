import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { revoke } from '../../src/domain/lifecycle/closure';
import { issueStaffToken } from '../../src/access/staff-tokens';
import { testApp, type TestApp } from '../support/app';
import { certifiedWithToken, get, lifecycle, newService, SITE } from './support';

const REVIEWER = 'test-reviewer-token-0123456789abcdef';
const AUDITOR = 'test-auditor-token-0123456789abcdefg';

/** The staff API for embed tokens and signing keys. */
describe('staff API: embed tokens and signing keys', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await testApp();
    const ctx = { db: t.deps.database.db, clock: t.clock, actor: 'test' };
    await issueStaffToken(ctx, { id: 'reviewer-1', name: 'reviewer', role: 'reviewer', secret: REVIEWER });
    await issueStaffToken(ctx, { id: 'auditor-1', name: 'auditor', role: 'auditor', secret: AUDITOR });
  });
  afterAll(async () => {
    await t.close();
  });

  describe('POST /api/v1/admin/services/{service}/tokens', () => {
    it('issues a token for the service’s registered origins by default, with the embed snippet', async () => {
      const s = await certifiedWithToken(t, { origins: [SITE, 'https://www.clinic-cloud.example.jp'] });
      const r = await t.json('POST', `/api/v1/admin/services/${s.number}/tokens`, {});
      expect(r.status).toBe(201);
      const body = await r.json();
      const bare = await t.app.request(`/api/v1/admin/services/${s.number}/tokens`, { method: 'POST', headers: t.auth() });
      expect(bare.status).toBe(201);
      expect((await bare.json()).origins).toEqual(body.origins);
      expect(body.origins).toEqual([SITE, 'https://www.clinic-cloud.example.jp']);
      expect(body.number).toBe(s.number);
      expect(body.markUrl).toBe(`https://certmark.test/mark/${body.token}.svg`);
      expect(body.snippet).toContain(`<certmark-badge token="${body.token}"></certmark-badge>`);
      expect(body.snippet).toContain(`<noscript><a href="https://certmark.test/verify/${s.number}"><img src="https://certmark.test/badge/${body.token}.svg"`);
      expect((await get(t, `/mark/${body.token}.svg`, { Origin: SITE })).status).toBe(200);
    });

    it('issues for explicit origins, normalised, by number or by id', async () => {
      const s = await certifiedWithToken(t, { origins: ['https://example.jp', 'http://localhost:8080', SITE] });
      const r = await t.json('POST', `/api/v1/admin/services/${s.id}/tokens`, { origins: ['https://Example.JP:443', 'http://localhost:8080'] });
      expect(r.status).toBe(201);
      expect((await r.json()).origins).toEqual(['https://example.jp', 'http://localhost:8080']);
    });

    it.each([
      [['example.jp'], 'origins.0'],
      [['https://example.jp/path'], 'origins.0'],
      [['ftp://example.jp'], 'origins.0'],
      [['https://user:pw@example.jp'], 'origins.0'],
      [['https://example.jp?x=1'], 'origins.0'],
      [[], 'origins'],
      [Array.from({ length: 17 }, (_, i) => `https://o${i}.example.jp`), 'origins'],
      ['https://example.jp', 'origins'],
    ])('answers 400 naming the field for origins %j', async (origins, field) => {
      const s = await certifiedWithToken(t);
      const r = await t.json('POST', `/api/v1/admin/services/${s.number}/tokens`, { origins });
      expect(r.status).toBe(400);
      expect((await r.json()).field).toBe(field);
    });

    it('Art. 10.2: answers 422 naming an origin that is not registered for the service, and issues nothing', async () => {
      const s = await certifiedWithToken(t);
      const before = (await (await t.json('GET', `/api/v1/admin/services/${s.number}/tokens`)).json()).tokens.length;
      const r = await t.json('POST', `/api/v1/admin/services/${s.number}/tokens`, { origins: [SITE, 'https://copycat.example.com'] });
      expect(r.status).toBe(422);
      expect(r.headers.get('content-type')).toContain('application/problem+json');
      const body = await r.json();
      expect(body).toMatchObject({ field: 'origins.1', article: 'Art. 10.2', extra: { origin: 'https://copycat.example.com' } });
      expect((await (await t.json('GET', `/api/v1/admin/services/${s.number}/tokens`)).json()).tokens.length).toBe(before);
    });

    it('answers 400 to unknown fields and to a body that is not JSON', async () => {
      const s = await certifiedWithToken(t);
      expect((await t.json('POST', `/api/v1/admin/services/${s.number}/tokens`, { origins: [SITE], admin: true })).status).toBe(400);
      const r = await t.app.request(`/api/v1/admin/services/${s.number}/tokens`, {
        method: 'POST',
        headers: { ...t.auth(), 'Content-Type': 'application/json' },
        body: '{not json',
      });
      expect(r.status).toBe(400);
    });

    it('answers 404 for an unknown service', async () => {
      expect((await t.json('POST', '/api/v1/admin/services/MD-9999-9999/tokens', {})).status).toBe(404);
      expect((await t.json('POST', '/api/v1/admin/services/no-such-id/tokens', {})).status).toBe(404);
    });

    it('answers 409 for a service without a number (never certified)', async () => {
      const id = await newService(t);
      const r = await t.json('POST', `/api/v1/admin/services/${id}/tokens`, {});
      expect(r.status).toBe(409);
      expect((await r.json()).article).toBe('Art. 6.5');
    });

    it('answers 409 for a revoked service (Art. 10.8)', async () => {
      const s = await certifiedWithToken(t);
      await revoke(lifecycle(t), s.id, { ground: 2, reason: 'x', notice: 'y', noticeSentBy: 'post' });
      const r = await t.json('POST', `/api/v1/admin/services/${s.number}/tokens`, {});
      expect(r.status).toBe(409);
      expect((await r.json()).article).toBe('Art. 10.8');
    });

    it('needs a staff token (401) and a role that may write (auditor 403; reviewer allowed)', async () => {
      const s = await certifiedWithToken(t);
      expect((await t.json('POST', `/api/v1/admin/services/${s.number}/tokens`, {}, {})).status).toBe(401);
      expect((await t.json('POST', `/api/v1/admin/services/${s.number}/tokens`, {}, t.auth('not-a-valid-token-at-all-000'))).status).toBe(401);
      expect((await t.json('POST', `/api/v1/admin/services/${s.number}/tokens`, {}, t.auth(AUDITOR))).status).toBe(403);
      expect((await t.json('POST', `/api/v1/admin/services/${s.number}/tokens`, {}, t.auth(REVIEWER))).status).toBe(201);
    });
  });

  describe('GET tokens and POST /api/v1/admin/tokens/{jti}/retire', () => {
    it('lists a service’s tokens (auditors may read), and every live token', async () => {
      const s = await certifiedWithToken(t);
      const r = await t.json('GET', `/api/v1/admin/services/${s.number}/tokens`, undefined, t.auth(AUDITOR));
      expect(r.status).toBe(200);
      const { tokens } = await r.json();
      expect(tokens.map((x: { jti: string }) => x.jti)).toEqual([s.jti]);
      const all = await (await t.json('GET', '/api/v1/admin/tokens')).json();
      expect(all.tokens.some((x: { jti: string }) => x.jti === s.jti)).toBe(true);
    });

    it('retires a token: the mark answers 404 from then on; retiring twice is 409; unknown 404', async () => {
      const s = await certifiedWithToken(t);
      expect((await get(t, `/mark/${s.token}.svg`)).status).toBe(200);
      const r = await t.json('POST', `/api/v1/admin/tokens/${s.jti}/retire`);
      expect(r.status).toBe(200);
      expect((await r.json()).retiredAt).toBe(t.clock.now().toISOString());
      expect((await get(t, `/mark/${s.token}.svg`)).status).toBe(404);
      expect((await t.json('POST', `/api/v1/admin/tokens/${s.jti}/retire`)).status).toBe(409);
      expect((await t.json('POST', '/api/v1/admin/tokens/nope/retire')).status).toBe(404);
      expect((await t.json('POST', `/api/v1/admin/tokens/${s.jti}/retire`, undefined, t.auth(AUDITOR))).status).toBe(403);
    });
  });

  describe('signing keys (admin only)', () => {
    it('lists keys and rotates; reviewers and auditors are refused', async () => {
      const list = await t.json('GET', '/api/v1/admin/keys');
      expect(list.status).toBe(200);
      const before = (await list.json()).keys.find((k: { signing: boolean }) => k.signing).kid;
      expect((await t.json('POST', '/api/v1/admin/keys/rotate', undefined, t.auth(REVIEWER))).status).toBe(403);
      expect((await t.json('GET', '/api/v1/admin/keys', undefined, t.auth(AUDITOR))).status).toBe(403);
      const r = await t.json('POST', '/api/v1/admin/keys/rotate');
      expect(r.status).toBe(201);
      const body = await r.json();
      expect(body.retired).toEqual([before]);
      const after = (await (await t.json('GET', '/api/v1/admin/keys')).json()).keys;
      expect(after.find((k: { signing: boolean }) => k.signing).kid).toBe(body.kid);
      expect(after.find((k: { kid: string }) => k.kid === before)).toMatchObject({ signing: false, published: true });
    });
  });

  it('appears in /openapi.json with the public mark, badge and JWKS paths', async () => {
    const doc = await (await get(t, '/openapi.json')).json();
    for (const path of [
      '/mark/{token}.svg',
      '/mark/{token}.png',
      '/api/v1/badge/{token}',
      '/badge/{token}.svg',
      '/.well-known/jwks.json',
      '/qr/{number}.svg',
      '/api/v1/admin/services/{service}/tokens',
      '/api/v1/admin/tokens/{jti}/retire',
      '/api/v1/admin/keys/rotate',
    ]) {
      expect(doc.paths[path], path).toBeDefined();
    }
  });
});
